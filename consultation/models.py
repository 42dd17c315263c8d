"""Consultations: phases, charter, questionnaire, proposals, votes, reports, open-data exports.

Invariants live in the database: one answer per person and question, one vote per participant and
proposal, proposal length, counter non-negativity, allowed phase values.
"""

from django.conf import settings
from django.contrib.postgres.search import SearchVector
from django.db import models
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .adoption import AnswerStatus
from .either_language import NEEDS
from .languages import shown

MAX_PROPOSAL_LENGTH = 1000  # the spec's ceiling; an organiser may choose a lower one per consultation
MAX_ANSWER_LENGTH = 5000  # an open answer; the questionnaire's textareas say so in their maxlength


def _either_language(field: str, name: str, message) -> models.CheckConstraint:
    """A bilingual text has its French or its English version, or both (consultation.either_language)."""
    return models.CheckConstraint(
        condition=~models.Q(**{f"{field}_fr": ""}) | ~models.Q(**{f"{field}_en": ""}),
        name=name,
        violation_error_message=message,
    )


def _localised(obj, field: str) -> str:
    """The text of the bilingual `field` a page shows (consultation.languages.shown, the one rule: the page's
    language, else the other one). A template marks a text shown in the other language with the
    ``fallback_lang`` or ``bilingual`` filter."""
    return shown(obj, field).text


class Consultation(models.Model):
    class Phase(models.TextChoices):
        DRAFT = "draft", _("Draft")
        OPEN = "open", _("Open")
        # A consultation is feminine in French ("Ouverte", "Clôturée le …"); a panel's "Closed" is not.
        CLOSED = "closed", pgettext_lazy("consultation phase", "Closed")
        SYNTHESIS_PUBLISHED = "synthesis_published", _("Synthesis published")

    class Moderation(models.TextChoices):
        PRE = "pre", _("Pre-moderation: proposals are published once a moderator approves them")
        POST = "post", _("Post-moderation: proposals are published at once and may be hidden later")

    # The moves a consultation's phase can make are declared in consultation/states.py.

    slug = models.SlugField(_("short name in addresses"), max_length=80, unique=True)
    # French, English or both (either_language): the constraint below refuses neither.
    title_fr = models.CharField(_("title (French)"), max_length=200, blank=True)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    context_fr = models.TextField(_("context (French)"), blank=True)
    context_en = models.TextField(_("context (English)"), blank=True)
    starts_on = models.DateField(_("opening date"), null=True, blank=True)
    # When it closes (Europe/Paris on the pages): contributions stop at that time (consultation/accepting.py)
    # and the beat's `consultation.close_due` task then moves the phase through its declared step
    # (consultation/services/closing.py). Once closed: when it closed.
    closes_at = models.DateTimeField(_("closing date and time"), null=True, blank=True)
    phase = models.CharField(_("phase"), max_length=24, choices=Phase.choices, default=Phase.DRAFT)
    moderation = models.CharField(
        _("moderation of proposals"), max_length=4, choices=Moderation.choices, default=Moderation.POST
    )
    proposals_allowed = models.BooleanField(_("citizens may submit proposals"), default=True)
    max_proposal_length = models.PositiveSmallIntegerField(
        _("maximum length of a proposal (characters)"), default=MAX_PROPOSAL_LENGTH
    )
    charter_version = models.PositiveSmallIntegerField(_("charter version"), default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("consultation")
        verbose_name_plural = _("consultations")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(phase__in=["draft", "open", "closed", "synthesis_published"]),
                name="consultation_phase_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(max_proposal_length__gte=20, max_proposal_length__lte=MAX_PROPOSAL_LENGTH),
                name="consultation_max_length_range",
            ),
            _either_language("title", "consultation_has_a_title", NEEDS["title"]),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        return _localised(self, "title")

    @property
    def context(self) -> str:
        return _localised(self, "context")

    @property
    def charter_consent_version(self) -> str:
        """The version recorded in accounts.ConsentRecord when a citizen accepts this charter."""
        return self.charter_consent_version_for(self.charter_version)

    def charter_consent_version_for(self, version: int) -> str:
        return f"{self.slug}:v{version}"

    @staticmethod
    def parse_charter_consent_version(code: str) -> tuple[str, int] | None:
        """(slug, version) of a code made by `charter_consent_version_for`; None for any other code."""
        slug, sep, version = code.rpartition(":v")
        return (slug, int(version)) if sep and slug and version.isdigit() else None


class CharterVersion(models.Model):
    """An edited charter text. Version 1 with no row is the default five principles (consultation.charter);
    every later version is a row, kept so that what each person accepted can still be read."""

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="charter_versions")
    version = models.PositiveSmallIntegerField(_("version"))
    text_fr = models.TextField(_("charter (French)"), blank=True)
    text_en = models.TextField(_("charter (English)"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["consultation", "-version"]
        verbose_name = _("charter version")
        verbose_name_plural = _("charter versions")
        constraints = [
            models.UniqueConstraint(fields=["consultation", "version"], name="one_charter_text_per_version"),
            _either_language("text", "charter_has_a_text", NEEDS["charter"]),
        ]

    def __str__(self) -> str:
        return f"{self.consultation_id} charter v{self.version}"

    @property
    def text(self) -> str:
        return _localised(self, "text")


class PhaseChange(models.Model):
    """History of phase transitions, shown on the organiser page (the audit log holds the same).

    Who moved it: a person (`actor`; an erased account keeps its pseudonym), or the platform itself,
    said in `platform` with why, never guessed from a missing actor (no actor and no `platform`: a
    person whose account row is gone, or a move recorded before migration 0018 that it could not tell)."""

    class Platform(models.TextChoices):
        # What the "By" column says: the platform, and the event that made it act.
        CLOSING_TIME = "closing_time", _("The platform (closing time reached)")
        READY_MADE = "ready_made", _("The platform (ready-made consultation loaded)")
        POLIS = "polis", _("The platform (imported Pol.is conversation ended)")

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="phase_changes")
    from_phase = models.CharField(max_length=24)
    to_phase = models.CharField(max_length=24)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    platform = models.CharField(max_length=24, choices=Platform.choices, blank=True, default="")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(  # a move is a person's or the platform's, not both
                condition=models.Q(platform="") | models.Q(actor__isnull=True),
                name="phase_change_person_or_platform",
            )
        ]

    def __str__(self) -> str:
        return f"{self.from_phase} -> {self.to_phase}"

    @property
    def from_label(self) -> str:
        return _phase_label(self.from_phase)

    @property
    def to_label(self) -> str:
        return _phase_label(self.to_phase)


def _phase_label(code: str) -> str:
    """A phase's name in the reader's language (a code no longer defined stays as stored)."""
    return str(Consultation.Phase(code).label) if code in Consultation.Phase.values else code


class Question(models.Model):
    class Kind(models.TextChoices):
        SINGLE = "single", _("Single choice")
        MULTIPLE = "multiple", _("Multiple choice")
        SCALE = "scale", _("5-point agreement scale")
        OPEN = "open", _("Open (free text)")

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    text_fr = models.CharField(_("question (French)"), max_length=500, blank=True)
    text_en = models.CharField(_("question (English)"), max_length=500, blank=True)
    help_fr = models.CharField(_("help (French)"), max_length=500, blank=True)
    help_en = models.CharField(_("help (English)"), max_length=500, blank=True)
    # A question every participant must answer (consultation/required_answers.py holds the rule). Off by
    # default: the questions saved before it existed stay optional.
    required = models.BooleanField(_("answer required"), default=False)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        constraints = [_either_language("text", "question_has_a_text", NEEDS["question"])]

    def __str__(self) -> str:
        return self.text

    @property
    def text(self) -> str:
        return _localised(self, "text")

    @property
    def help(self) -> str:
        return _localised(self, "help")

    @property
    def is_closed(self) -> bool:
        return self.kind != self.Kind.OPEN


class Choice(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="choices")
    position = models.PositiveSmallIntegerField(default=0)
    label_fr = models.CharField(_("label (French)"), max_length=200, blank=True)
    label_en = models.CharField(_("label (English)"), max_length=200, blank=True)
    # A choice such as "None" or "I don't know" in a multiple-choice question: ticked, it must be the only
    # one (services.answers.save_answers refuses it with others; the questionnaire says so under the field).
    exclusive = models.BooleanField(
        _("excludes the other choices"),
        default=False,
        help_text=_("Multiple choice only: a person who ticks this choice cannot tick any other."),
    )

    class Meta:
        ordering = ["position", "id"]
        constraints = [_either_language("label", "choice_has_a_label", NEEDS["choice"])]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return _localised(self, "label")


class Answer(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="answers")
    choices = models.ManyToManyField(Choice, blank=True, related_name="answers")
    text = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["question", "user"], name="one_answer_per_question")]

    def __str__(self) -> str:
        return f"answer {self.pk} to question {self.question_id}"


#: The proposals' text as PostgreSQL full-text search reads it (French stemming). The similar-proposal
#: preview (`selectors.preview_candidates`) filters on it through the GIN index of migration 0006, which is
#: built from this same expression (PostgreSQL only: the embedded SQLite runtime has no such index).
PROPOSAL_SEARCH_VECTOR = SearchVector("text", config="french")


class Proposal(models.Model):
    class Status(models.TextChoices):
        VISIBLE = "visible", _("Published")
        PENDING = "pending", _("Awaiting moderation")
        HIDDEN = "hidden", _("Hidden by moderation")

    class Source(models.TextChoices):
        PLATFORM = "platform", _("Submitted on Pacte")
        IMPORT = "import", _("Imported from a file")
        POLIS = "polis", _("Imported from Pol.is")

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="proposals")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="proposals"
    )
    # Pseudonymous author id: "u<user id>" on the platform, "polis:<author id>" or "import:<line>".
    author_key = models.CharField(max_length=64, blank=True)
    text = models.TextField(_("proposal"))
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.VISIBLE)
    hide_reason = models.CharField(_("public reason for hiding"), max_length=300, blank=True)
    source = models.CharField(max_length=8, choices=Source.choices, default=Source.PLATFORM)
    # Identifies an imported row so that re-running an import changes nothing (Pol.is comment id, ...).
    external_id = models.CharField(max_length=64, blank=True)
    # A statement about the participant rather than an opinion ("I live in the city"), as a Pol.is export
    # marks it (is-meta): shown and voted on, but left out of the opinion groups, as Pol.is does.
    is_meta = models.BooleanField(_("about the participant, not an opinion"), default=False)
    strata = models.JSONField(default=dict, blank=True)
    # The language the text is written in, recorded, never guessed (consultation.languages): the
    # interface's when written on the site, an import file's language column, else empty. Pages mark the
    # text with it (lang="..."), and moderation notices to the author are sent in it.
    language = models.CharField(max_length=8, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    moderated_at = models.DateTimeField(null=True, blank=True)
    agree_count = models.PositiveIntegerField(default=0)
    disagree_count = models.PositiveIntegerField(default=0)
    pass_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")
        constraints = [
            models.CheckConstraint(
                condition=LessThanOrEqual(Length("text"), MAX_PROPOSAL_LENGTH), name="proposal_max_length"
            ),
            models.UniqueConstraint(
                fields=["consultation", "source", "external_id"],
                condition=~models.Q(external_id=""),
                name="proposal_import_once",
            ),
        ]
        indexes = [models.Index(fields=["consultation", "status"])]

    def __str__(self) -> str:
        return self.text[:60]

    @property
    def public_text(self) -> str:
        """The text as the public may read it (pages, API, open data), through the one exit for published
        text (``consultation.publish.public_text``): a proposal hidden by moderation, or still awaiting it,
        is known by its status and reason, never by its text; one that reveals a personal health condition
        is withheld; personal data is replaced by placeholders. Empty when nothing may be shown."""
        from .publish import public_text

        return public_text(self) or ""

    @property
    def is_visible(self) -> bool:
        return self.status == self.Status.VISIBLE

    @property
    def is_hidden(self) -> bool:
        return self.status == self.Status.HIDDEN

    @property
    def is_pending(self) -> bool:
        return self.status == self.Status.PENDING

    @property
    def vote_total(self) -> int:
        return self.agree_count + self.disagree_count + self.pass_count


class Vote(models.Model):
    class Value(models.IntegerChoices):
        AGREE = 1, _("Agree")
        DISAGREE = -1, _("Disagree")
        PASS = 0, _("Pass")

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="votes")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="votes"
    )
    # Pseudonymous participant: "u<user id>" for accounts, "polis:<voter id>" for imported voters.
    participant_key = models.CharField(max_length=64)
    value = models.SmallIntegerField(choices=Value.choices)
    # The value before the last change (None until the first change). Written by the vote statement
    # itself (services.votes._store_vote), which needs it to move the right counter in the same statement.
    previous_value = models.SmallIntegerField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["proposal", "participant_key"], name="one_vote_per_participant"),
            models.CheckConstraint(condition=models.Q(value__in=[-1, 0, 1]), name="vote_value_valid"),
        ]

    # Which counter each vote value feeds: one place for the mapping.

    def __str__(self) -> str:
        return f"{self.participant_key}: {self.value} on {self.proposal_id}"


COUNTER_FIELD = {
    Vote.Value.AGREE: "agree_count",
    Vote.Value.DISAGREE: "disagree_count",
    Vote.Value.PASS: "pass_count",
}


class Report(models.Model):
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="reports")
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="reports"
    )
    reason = models.CharField(_("why should it be hidden?"), max_length=300)
    created_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [models.UniqueConstraint(fields=["proposal", "reporter"], name="one_report_per_person")]

    def __str__(self) -> str:
        return f"report on {self.proposal_id}"


class BackgroundJob:
    """Work a Celery worker does for an organiser (an import, an archive): its `state` (pending, running,
    done, failed) and `progress` are what the pages with live progress show
    (views.common.progress_answer). Each model declares its `State` choices with these four values."""

    @property
    def is_active(self) -> bool:
        return self.state in (self.State.PENDING, self.State.RUNNING)

    @property
    def has_failed(self) -> bool:
        return self.state == self.State.FAILED


class ContributionImport(BackgroundJob, models.Model):
    """A CSV of contributions sent from the organisers' import page, imported by a Celery worker (a large
    file takes longer than a web request may). The file is kept until the import ends, then erased."""

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting for a worker")
        RUNNING = "running", _("Importing")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="imports")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    file_name = models.CharField(max_length=200, blank=True)
    data = models.BinaryField(blank=True)
    text_column = models.CharField(max_length=100)
    date_column = models.CharField(max_length=100, blank=True)
    strata_columns = models.JSONField(default=list)
    language = models.CharField(max_length=10)  # of the organiser: messages are written in it
    # The file's column giving each text's language (consultation.languages); empty: none is recorded.
    language_column = models.CharField(max_length=100, blank=True)
    state = models.CharField(max_length=8, choices=State.choices, default=State.PENDING)
    progress = models.PositiveSmallIntegerField(default=0)  # percent
    created = models.PositiveIntegerField(default=0)
    skipped_existing = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list)
    warnings = models.JSONField(default=list)
    failure = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    # The last sign of life of its worker (queued, started, a progress figure): accounts.progress.stale.
    heartbeat_at = models.DateTimeField(null=True, blank=True, default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"import {self.pk} ({self.state})"


class OpenDataExport(BackgroundJob, models.Model):
    class State(models.TextChoices):
        PENDING = "pending", _("Waiting for a worker")
        RUNNING = "running", _("Being built")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="exports")
    state = models.CharField(max_length=8, choices=State.choices, default=State.PENDING)
    progress = models.PositiveSmallIntegerField(default=0)  # percent
    file = models.FileField(upload_to="opendata/", blank=True)
    error = models.CharField(max_length=300, blank=True)
    task_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"export {self.pk} ({self.state})"


# --------------------------------------------------------------------------------------------------
# Decision-makers' answers: one shape for every source (recommendations, proposals, themes)
# --------------------------------------------------------------------------------------------------


class AnswerRecord(models.Model):
    """What a decision-maker answered about an item handed to them (a panel recommendation, a citizen's
    proposal, a published theme). Answers accumulate (e.g. under study, then adopted); the latest gives
    the item's current status. The statuses and what counts as answered / adopted: ``adoption``."""

    Status = AnswerStatus

    decision_maker = models.CharField(_("decision-maker"), max_length=200)
    body = models.CharField(_("body responsible"), max_length=200)
    status = models.CharField(_("status"), max_length=16, choices=AnswerStatus.choices)
    justification = models.TextField(_("justification"))
    answered_on = models.DateField(_("date of the answer"))
    implementation_deadline = models.DateField(_("implementation deadline"), null=True, blank=True)
    implemented_on = models.DateField(_("implemented on"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        abstract = True
        ordering = ["answered_on", "id"]

    def __str__(self) -> str:
        return f"{self.decision_maker}: {self.status}"


class MilestoneRecord(models.Model):
    """A step the decision-maker promised. Public tracking must not let a promise move silently: when
    the organisers change it, the date first promised and the public reason of the change stay shown."""

    title = models.CharField(_("milestone"), max_length=200)
    due_on = models.DateField(_("due on"), null=True, blank=True)
    done_on = models.DateField(_("done on"), null=True, blank=True)
    first_due_on = models.DateField(
        _("date first promised"), null=True, blank=True, help_text=_("Kept when the due date is changed.")
    )
    change_note = models.CharField(_("reason of the last change"), max_length=300, blank=True)

    class Meta:
        abstract = True
        ordering = ["due_on", "id"]

    def __str__(self) -> str:
        return self.title

    @property
    def is_late(self) -> bool:
        return self.done_on is None and self.due_on is not None and self.due_on < timezone.localdate()


class AnswerPolicy(models.Model):
    """Which of a consultation's proposals and themes must get a decision-maker's answer, and by when:
    stated publicly on the consultation's follow-up page (``answers.policy_sentences``)."""

    consultation = models.OneToOneField(Consultation, on_delete=models.CASCADE, related_name="answer_policy")
    proposals_required = models.BooleanField(_("some proposals must be answered"), default=True)
    proposal_min_agree_percent = models.PositiveSmallIntegerField(
        _("share of agreement (%)"),
        default=60,
        help_text=_("A proposal must be answered when at least this share of its votes agree with it."),
    )
    proposal_min_votes = models.PositiveIntegerField(
        _("minimum number of votes"),
        default=20,
        help_text=_("…and when it has at least this many votes (agree, disagree and pass together)."),
    )
    themes_required = models.BooleanField(_("some themes must be answered"), default=True)
    theme_min_percent = models.PositiveSmallIntegerField(
        _("share of the contributions (%)"),
        default=5,
        help_text=_("A theme of the published synthesis must be answered when it holds at least this share."),
    )
    answers_due_on = models.DateField(
        _("answers due on"),
        null=True,
        blank=True,
        help_text=_("After this date, a proposal or theme that must be answered and is not shows as late."),
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("rule of the answers")
        verbose_name_plural = _("rules of the answers")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(proposal_min_agree_percent__lte=100, theme_min_percent__lte=100),
                name="answer_policy_percent_range",
            )
        ]

    def __str__(self) -> str:
        return f"answer policy of {self.consultation_id}"


class ProposalAnswer(AnswerRecord):
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="decision_answers")

    class Meta(AnswerRecord.Meta):
        verbose_name = _("answer to a proposal")
        verbose_name_plural = _("answers to proposals")


class ProposalAnswerMilestone(MilestoneRecord):
    answer = models.ForeignKey(ProposalAnswer, on_delete=models.CASCADE, related_name="milestones")

    class Meta(MilestoneRecord.Meta):
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")


# Defined beside the code that counts in it (the vote's rate limit); imported here so Django registers it.
from .vote_limit import RateWindow  # noqa: E402, F401
