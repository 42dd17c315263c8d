"""Broad listening data: cached embeddings, pipeline runs, themes, signed-off syntheses, opinion groups."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.roles import Role, public_actor
from consultation.models import AnswerRecord, MilestoneRecord


class EmbeddingVector(models.Model):
    """One text's embedding under one model: re-running a pipeline only embeds text not seen before."""

    model_id = models.CharField(max_length=200)
    text_hash = models.CharField(max_length=64)  # sha256 hex of the UTF-8 text (pipeline.embed.text_hash)
    dimensions = models.PositiveSmallIntegerField()
    vector = models.BinaryField()  # float32, native byte order, `dimensions` values
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("cached embedding")
        verbose_name_plural = _("cached embeddings")
        constraints = [
            models.UniqueConstraint(fields=["model_id", "text_hash"], name="one_vector_per_model_and_text")
        ]

    def __str__(self) -> str:
        return f"{self.model_id}:{self.text_hash[:12]}"


class PipelineRun(models.Model):
    """One broad-listening run over a consultation's contributions. Failing or re-running never touches
    the published synthesis: that one points at a frozen ``SynthesisVersion``."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting for a worker")
        PREPARING = "preparing", _("Reading and cleaning the contributions")
        EMBEDDING = "embedding", _("Computing the meaning of each contribution")
        CLUSTERING = "clustering", _("Grouping into themes")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    class Error(models.TextChoices):
        # Each code has one human message, translated when shown (run page, command output).
        EMPTY = "empty", _("There is no contribution to analyse yet in this consultation.")
        ONE = "one", _("A single contribution cannot be grouped into themes: at least two are needed.")
        ALL_DUPLICATES = (
            "all_duplicates",
            _("All the contributions are copies of one text: there is nothing to group into themes."),
        )
        MODEL = (
            "model",
            _("The embedding model cannot be loaded. Check the embedding backend and model path."),
        )
        BAD_PARAMETER = "bad_parameter", _("A parameter of the run is not valid.")
        INTERNAL = (
            "internal",
            _("The analysis stopped on an unexpected error. The previous synthesis is kept."),
        )

    ACTIVE = (Status.QUEUED, Status.PREPARING, Status.EMBEDDING, Status.CLUSTERING)

    consultation = models.ForeignKey(
        "consultation.Consultation", on_delete=models.CASCADE, related_name="pipeline_runs"
    )
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.QUEUED)
    progress_done = models.PositiveIntegerField(default=0)  # distinct texts embedded so far
    progress_total = models.PositiveIntegerField(default=0)  # distinct texts to embed
    chunks_total = models.PositiveIntegerField(default=0)
    error_code = models.CharField(max_length=16, choices=Error.choices, blank=True)
    error_detail = models.TextField(blank=True)  # the technical reason, in English, for the organiser
    # Requested parameters: k (organiser override or null), backend, model path, seed, chunk size.
    params = models.JSONField(default=dict, blank=True)
    model_id = models.CharField(max_length=200, blank=True)
    input_hash = models.CharField(max_length=64, blank=True)
    # How the number of themes was chosen, with the score of every candidate (shown to the organiser).
    k_selection = models.JSONField(default=dict, blank=True)
    # Where the theme labels come from: {"source": "keywords" | "service", "model": .., "error": ..}.
    labelling = models.JSONField(default=dict, blank=True)
    n_contributions = models.PositiveIntegerField(default=0)
    n_distinct = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("analysis run")
        verbose_name_plural = _("analysis runs")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(
                    status__in=["queued", "preparing", "embedding", "clustering", "done", "failed"]
                ),
                name="pipeline_run_status_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(progress_done__lte=models.F("progress_total")),
                name="pipeline_run_progress",
            ),
        ]

    def __str__(self) -> str:
        return f"run {self.pk} ({self.status})"

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE

    @property
    def is_done(self) -> bool:
        return self.status == self.Status.DONE

    @property
    def has_failed(self) -> bool:
        return self.status == self.Status.FAILED

    @property
    def percent(self) -> int:
        """Overall progress: reading 5 %, embedding up to 90 %, grouping and saving the rest."""
        if self.status == self.Status.DONE:
            return 100
        if self.status in (self.Status.QUEUED, self.Status.FAILED):
            return 0
        if self.status == self.Status.PREPARING:
            return 2
        if self.status == self.Status.CLUSTERING:
            return 92
        share = self.progress_done / self.progress_total if self.progress_total else 1.0
        return 5 + int(85 * share)

    @property
    def error_message(self) -> str:
        return str(self.Error(self.error_code).label) if self.error_code else ""

    @property
    def k_explanation(self) -> str:
        """How the number of themes was chosen, in the reader's language."""
        from .run_messages import k_selection_message

        return k_selection_message(self.k_selection)

    @property
    def since_previous(self) -> dict | None:
        """What changed since the run this one continues: the synthesis' ``carried`` record when the
        previous run was published (``carry.carry_over`` matched the themes and counted the contributions
        in another one), else the counts made before the clustering (``rerun.since_previous``), where
        kept themes mean no contribution the previous run had changed theme."""
        version = self.versions.order_by("-number").first()
        carried = version.data.get("carried") if version is not None else None
        if carried:
            return carried
        since = self.k_selection.get("since_previous")
        if not since:
            return None
        kept = self.k_selection.get("method") == "kept-previous"
        return {**since, "changed_theme": 0 if kept else None}

    @property
    def since_previous_message(self) -> str:
        """``since_previous`` in the reader's language (the same words as ``run_pipeline``)."""
        from .run_messages import since_previous_message

        return since_previous_message(self.since_previous)

    @property
    def note_messages(self) -> list[str]:
        """What the organiser should know about the texts analysed, in the reader's language."""
        from .run_messages import note_message

        return [note_message(note) for note in self.k_selection.get("notes", [])]

    def pipeline_params(self):
        """The pure pipeline's parameters for this run, read by the tasks and by the sign-off editor
        (analysis.synthesis): seed, organiser's k and, when the run carries them, population shares per
        stratum for the weighted share."""
        from .pipeline import PipelineParams
        from .pipeline.cluster import ClusterParams

        return PipelineParams(
            cluster=ClusterParams(seed=int(self.params.get("seed", 0)), k=self.params.get("k")),
            reference_margins=self.params.get("reference_margins") or None,
        )


class RunChunk(models.Model):
    """A slice of the texts to embed, done by one parallel task; `done` makes a re-delivery count once."""

    run = models.ForeignKey(PipelineRun, on_delete=models.CASCADE, related_name="chunks")
    index = models.PositiveIntegerField()
    hashes = models.JSONField(default=list)  # text hashes to embed (the texts are read from the run's rows)
    done = models.BooleanField(default=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["run", "index"], name="one_chunk_per_index")]

    def __str__(self) -> str:
        return f"run {self.run_id} chunk {self.index}"


class Theme(models.Model):
    """A theme (or, with a parent, a sub-theme) found by a run. ``number`` -1 is "Other"."""

    run = models.ForeignKey(PipelineRun, on_delete=models.CASCADE, related_name="themes")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    number = models.IntegerField()
    label = models.CharField(max_length=200)
    keywords = models.JSONField(default=list)
    summary = models.TextField(blank=True, default="")  # the title stage's, or the labelling service's
    # Who wrote ``summary``: citizens (sentences of their contributions, the title stage's extractive
    # summary), the optional labelling service (a language model), or "" for a run saved before this.
    summary_by = models.CharField(max_length=8, blank=True, default="")
    # The extractive summary's sentences, each with the contributions (ids) it was taken from:
    # [{"text": sentence, "ids": [contribution id, ...]}], so the report quotes and links each one.
    summary_sentences = models.JSONField(default=list, blank=True)
    quotes = models.JSONField(default=list)  # [{"text": scrubbed text, "contribution": assignment id}]
    size = models.PositiveIntegerField(default=0)  # contributions, duplicates included
    share = models.FloatField(default=0.0)  # of distinct contributions (a campaign counts once)
    share_weighted = models.FloatField(null=True, blank=True)  # raked to the population margins, if any
    breakdown = models.JSONField(default=dict, blank=True)  # per stratum, small cells suppressed
    stance = models.JSONField(default=dict, blank=True)
    trend = models.JSONField(default=dict, blank=True)
    emerging = models.BooleanField(default=False)

    class Meta:
        ordering = ["run", "parent_id", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["run", "number"], condition=models.Q(parent__isnull=True), name="one_theme_per_number"
            ),
            models.UniqueConstraint(fields=["parent", "number"], name="one_subtheme_per_number"),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def is_other(self) -> bool:
        return self.number < 0


class Contribution(models.Model):
    """One contribution as a run saw it: its scrubbed text, where it came from, and where it landed."""

    class Source(models.TextChoices):
        PROPOSAL = "proposal", _("Proposal")
        ANSWER = "answer", _("Answer to an open question")
        IMPORTED = "imported", _("Imported contribution")

    run = models.ForeignKey(PipelineRun, on_delete=models.CASCADE, related_name="contributions")
    position = models.PositiveIntegerField()  # order in the run's corpus
    source_type = models.CharField(max_length=8, choices=Source.choices)
    source_id = models.PositiveBigIntegerField()
    text = models.TextField()  # cleaned and scrubbed: only this is ever quoted
    text_hash = models.CharField(max_length=64)
    # What cleaning found, keyed by "<rules version>:<max_chars>:<source text sha256>" so that a later run
    # reuses it for an unchanged source text instead of cleaning it again (see cleaning_cache.py).
    clean_key = models.CharField(max_length=80, blank=True, default="", db_index=True)
    scrubbed = models.JSONField(default=list, blank=True)  # kinds of personal data replaced
    truncated = models.BooleanField(default=False)
    likely_other_language = models.BooleanField(default=False)
    submitted_at = models.DateTimeField(null=True, blank=True)
    strata = models.JSONField(default=dict, blank=True)
    # The proposal's votes when the run read them ({"agree", "disagree", "pass"}; null for answers), so that
    # a theme's stance recomputed after an edit counts the same votes as the run did.
    votes = models.JSONField(null=True, blank=True)
    duplicate_group = models.PositiveIntegerField(default=0)
    duplicate_count = models.PositiveIntegerField(default=1)  # size of its duplicate group (campaign > 1)
    # Personal health disclosure: a moderator looks first. The words that raised it are not kept (no page
    # reads them; the moderator opens the contribution): health data is stored no more than needed.
    health_flag = models.BooleanField(default=False)
    theme = models.ForeignKey(Theme, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    subtheme = models.ForeignKey(Theme, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    x = models.FloatField(null=True, blank=True)
    y = models.FloatField(null=True, blank=True)

    class Meta:
        ordering = ["run", "position"]
        constraints = [
            models.UniqueConstraint(fields=["run", "position"], name="one_contribution_per_position"),
            models.UniqueConstraint(fields=["run", "source_type", "source_id"], name="one_row_per_source"),
        ]

    def __str__(self) -> str:
        return f"{self.source_type}:{self.source_id}"

    @property
    def scrubbed_under(self) -> int | None:
        """The version of the scrubbing rules its text was cleaned under (None if unknown): a text cleaned
        under older rules is scrubbed again before it is published (consultation.publish)."""
        version = self.clean_key.split(":", 1)[0]
        return int(version) if version.isdigit() else None


class SynthesisVersion(models.Model):
    """The themes as a person signed them off. Every edit (rename, merge, split, hide, move) is a new
    version with its author; versions are never changed once written."""

    class Action(models.TextChoices):
        PIPELINE = "pipeline", _("Computed by the analysis")
        RENAME = "rename", _("Renamed a theme")
        MERGE = "merge", _("Merged two themes")
        SPLIT = "split", _("Split a theme into its sub-themes")
        HIDE = "hide", _("Hid a theme")
        SHOW = "show", _("Showed a hidden theme")
        MOVE = "move", _("Moved a contribution")
        SUMMARISE = "summary", _("Wrote a theme's summary")

    run = models.ForeignKey(PipelineRun, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    action = models.CharField(max_length=8, choices=Action.choices)
    description = models.CharField(max_length=300, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    data = models.JSONField()  # see analysis.synthesis for the shape
    created_at = models.DateTimeField(default=timezone.now)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["run", "-number"]
        constraints = [models.UniqueConstraint(fields=["run", "number"], name="one_version_per_number")]

    def __str__(self) -> str:
        return f"run {self.run_id} v{self.number}"

    @property
    def public_author(self) -> str:
        """Who wrote this version, as the public report says it, in the reader's language: the analysis
        for the computed version, else the role every edit requires (``rules.can_edit_synthesis``: the
        organisers), never the author's pseudonym (the editor, a staff page, shows it)."""
        if self.action == self.Action.PIPELINE:
            return str(_("the analysis"))
        return public_actor(Role.ORGANISER)


class PublishedSynthesis(models.Model):
    """The consultation's public synthesis: a frozen version, replaced only by publishing another."""

    consultation = models.OneToOneField(
        "consultation.Consultation", on_delete=models.CASCADE, related_name="published_synthesis"
    )
    version = models.ForeignKey(SynthesisVersion, on_delete=models.PROTECT, related_name="+")
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.consultation_id}: {self.version}"


class OpinionRun(models.Model):
    """Opinion groups of a consultation's voters, recomputed in the background as votes arrive."""

    consultation = models.ForeignKey(
        "consultation.Consultation", on_delete=models.CASCADE, related_name="opinion_runs"
    )
    computed_at = models.DateTimeField(default=timezone.now)
    vote_count = models.PositiveIntegerField()  # votes in the consultation when computed
    status = models.CharField(max_length=20)  # the pure result's status, e.g. "ok", "not_enough_votes"
    result = models.JSONField()

    OK = "ok"  # analysis.pipeline.opinion.OK (the pipeline has no Django import, the model none of numpy)

    class Meta:
        ordering = ["-computed_at", "-id"]
        get_latest_by = "computed_at"

    def __str__(self) -> str:
        return f"{self.consultation_id} @ {self.computed_at:%Y-%m-%d %H:%M}"

    @property
    def is_ok(self) -> bool:
        """Groups were found (otherwise the result says why not)."""
        return self.status == self.OK


class ThemeRecommendationLink(models.Model):
    """A panel recommendation linked to a theme of a consultation's synthesis: the trace from what
    citizens said to what the panel recommended and the decision-maker answered.

    Pacte suggests links by text similarity (``score``, ``confirmed_by`` empty: a suggestion nobody has
    checked, never shown publicly); a facilitator of the panel or an organiser confirms them or links a
    theme by hand (``score`` empty). ``theme`` is the top-level theme that stands for an entry of the
    published version (``synthesis.theme_key``): an entry merged from several themes keeps its key, so
    the link follows the merge."""

    theme = models.ForeignKey(Theme, on_delete=models.CASCADE, related_name="recommendation_links")
    recommendation = models.ForeignKey(
        "deliberation.Recommendation", on_delete=models.CASCADE, related_name="theme_links"
    )
    score = models.FloatField(_("similarity suggested by Pacte"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["recommendation_id", "-score", "id"]
        verbose_name = _("theme-recommendation link")
        verbose_name_plural = _("theme-recommendation links")
        constraints = [
            models.UniqueConstraint(fields=["theme", "recommendation"], name="one_link_per_theme_and_rec")
        ]

    def __str__(self) -> str:
        return f"theme {self.theme_id} <-> recommendation {self.recommendation_id}"

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None


class ThemeAnswer(AnswerRecord):
    """A decision-maker's answer to a theme of the consultation's published synthesis. ``theme`` is the
    top-level theme that stands for the published entry (``trace.entry_theme_id``), as for the links to
    recommendations: an entry merged from several themes keeps its answers."""

    theme = models.ForeignKey(Theme, on_delete=models.CASCADE, related_name="decision_answers")

    class Meta(AnswerRecord.Meta):
        verbose_name = _("answer to a theme")
        verbose_name_plural = _("answers to themes")


class ThemeAnswerMilestone(MilestoneRecord):
    answer = models.ForeignKey(ThemeAnswer, on_delete=models.CASCADE, related_name="milestones")

    class Meta(MilestoneRecord.Meta):
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")


class DigestItem(models.Model):
    """One piece of news for one citizen, waiting for their next digest (`analysis.digest`): a
    decision-maker answered a recommendation linked to a theme where their contribution landed, or the
    synthesis of a consultation citing their contribution was published. One row per person and thing
    (collected again, it stays one); ``sent_at`` once a digest told it."""

    class Kind(models.TextChoices):
        ANSWER = "answer", _("Answer to a recommendation")
        SYNTHESIS = "synthesis", _("Published synthesis")
        PROPOSAL = "proposal", _("Answer to their proposal")
        THEME = "theme", _("Answer to a theme")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    # The DecisionMakerResponse (answer), the Consultation (synthesis: told once per consultation), the
    # consultation.ProposalAnswer (proposal) or the ThemeAnswer (theme).
    object_id = models.PositiveBigIntegerField()
    consultation = models.ForeignKey("consultation.Consultation", on_delete=models.CASCADE, related_name="+")
    # The labels of the published themes where the person's contributions landed, as collected.
    themes = models.JSONField(default=list)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("news waiting for a digest")
        verbose_name_plural = _("news waiting for a digest")
        constraints = [
            models.UniqueConstraint(fields=["user", "kind", "object_id"], name="one_digest_item_per_thing")
        ]
        indexes = [models.Index(fields=["sent_at", "created_at"])]

    def __str__(self) -> str:
        return f"{self.kind}:{self.object_id} for {self.user_id}"
