"""Citizen panels: volunteer pool, quotas, selection (sortition), sessions, recommendations, secret
ballots and decision-makers' answers. Invariants live here as database constraints; every write that
matters goes through `services.py`."""

import secrets
import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from consultation.models import AnswerRecord, MilestoneRecord

from . import draw_messages


def new_checkin_code() -> str:
    """Six characters a member types to check in; no look-alike letters (0/O, 1/I)."""
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "".join(secrets.choice(alphabet) for _ in range(6))


class Panel(models.Model):
    class Threshold(models.TextChoices):
        MAJORITY = "majority", _("Simple majority of votes cast for or against")
        TWO_THIRDS = "two_thirds", _("Two thirds of votes cast for or against")

    class Status(models.TextChoices):
        DRAFT = "draft", _("In preparation")
        RECRUITING = "recruiting", _("Open to volunteers")
        SELECTED = "selected", _("Panel drawn")
        DELIBERATING = "deliberating", _("Deliberating")
        CLOSED = "closed", _("Closed")

    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    topic = models.CharField(_("topic"), max_length=200, blank=True)
    size = models.PositiveSmallIntegerField(_("panel size"), default=30)
    threshold = models.CharField(
        _("adoption threshold"), max_length=16, choices=Threshold.choices, default=Threshold.MAJORITY
    )
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.DRAFT)
    household_rule = models.BooleanField(
        _("at most one person per household"),
        default=True,
        help_text=_("Volunteers who give the same address are never on the panel together."),
    )
    consultation = models.ForeignKey(
        "consultation.Consultation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="panels",
        verbose_name=_("consultation"),
        help_text=_("The national consultation this panel deliberates for, if any."),
    )
    # Who may run the panel besides organisers (rules.can_run_panel); none: organisers only.
    facilitators = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        through="PanelFacilitator",
        through_fields=("panel", "user"),
        related_name="facilitated_panels",
        blank=True,
        verbose_name=_("facilitators"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    # The language its texts are written in (title, topic, description, recommendations), recorded, never
    # guessed (consultation.languages): the one its creator chose, by default the interface's. Pages mark
    # them with it (``lang_attr``); empty: not known, read in the page's language.
    language = models.CharField(_("language of its texts"), max_length=8, blank=True)
    # When the panel was last closed (`services.set_panel_status`; cleared if it is reopened): the
    # pool of a closed panel is purged PACTE_POOL_RETENTION_DAYS later (`services.purge_expired_pools`).
    closed_at = models.DateTimeField(_("closed on"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("citizen panel")
        verbose_name_plural = _("citizen panels")
        constraints = [models.CheckConstraint(condition=Q(size__gte=1), name="panel_size_positive")]

    def __str__(self) -> str:
        return self.title

    @property
    def is_closed(self) -> bool:
        return self.status == self.Status.CLOSED

    @property
    def is_recruiting(self) -> bool:
        return self.status == self.Status.RECRUITING


class PanelFacilitator(models.Model):
    """An organiser assigned this facilitator to run this panel (sessions, agenda, attendance, drafting,
    amendments, ballots, replacements)."""

    panel = models.ForeignKey(Panel, on_delete=models.CASCADE, related_name="facilitator_assignments")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="panel_assignments"
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    assigned_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["assigned_at", "id"]
        verbose_name = _("facilitator assignment")
        verbose_name_plural = _("facilitator assignments")
        constraints = [
            models.UniqueConstraint(fields=["panel", "user"], name="one_assignment_per_facilitator")
        ]

    def __str__(self) -> str:
        return f"facilitator {self.user_id} on panel {self.panel_id}"


class Volunteer(models.Model):
    """One person in the pool of a panel. Strata are copied at volunteering time (or imported), so
    later profile edits do not change a draw already made."""

    class Source(models.TextChoices):
        ACCOUNT = "account", _("Volunteered from their account")
        IMPORT = "import", _("Imported by an organiser")

    panel = models.ForeignKey(Panel, on_delete=models.CASCADE, related_name="volunteers")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="volunteerings",
    )
    external_id = models.CharField(_("identifier in the imported file"), max_length=64, blank=True)
    # The name and contact the person gave when volunteering (or the organisers' file holds), shown only to
    # those who run the panel (`rules.can_see_member_identity`): check-in at the door, reaching them.
    # Public pages show `public_name`.
    name = models.CharField(_("name"), max_length=200, blank=True)
    contact = models.CharField(_("contact"), max_length=200, blank=True)
    strata = models.JSONField(_("strata"), default=dict)
    address = models.CharField(_("address (household rule)"), max_length=300, blank=True)
    source = models.CharField(max_length=8, choices=Source.choices)
    consent_at = models.DateTimeField(_("consent given at"), null=True, blank=True)
    # Language of the page they volunteered on: notices about the panel's work are sent in it.
    language = models.CharField(max_length=8, blank=True)
    # The draw after which they were told that they were not drawn: that e-mail goes once, whatever comes
    # next (a later draw, or a seat from the reserve list, which has its own notice).
    told_not_drawn_in = models.ForeignKey(
        "Selection", null=True, blank=True, editable=False, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]
        verbose_name = _("volunteer")
        verbose_name_plural = _("volunteers")
        constraints = [
            models.UniqueConstraint(
                fields=["panel", "user"], condition=Q(user__isnull=False), name="one_volunteering_per_panel"
            ),
            models.UniqueConstraint(
                fields=["panel", "external_id"],
                condition=~Q(external_id=""),
                name="unique_import_id_per_panel",
            ),
        ]

    def __str__(self) -> str:
        return f"volunteer #{self.pk}"

    @property
    def public_name(self) -> str:
        if self.user_id:
            return self.user.pseudonym
        return _("Volunteer #%(id)s") % {"id": self.pk}

    @property
    def team_name(self) -> str:
        """How the panel's team reads this person (`rules.can_see_member_identity`): the name they gave,
        then their public name in brackets; the public name alone when they gave none."""
        if self.name:
            return f"{self.name} ({self.public_name})"
        return self.public_name


class ErasedSeatStrata(models.Model):
    """What the reserve rule still needs of the seats whose member erased their account while seated: how
    many such seats the panel has, and how many of them hold each value of each quota category. A count
    for the panel, tied to no seat row: the seat the audit log names for a pseudonym keeps no strata
    (`deliberation.gdpr`); `services.replace_member` gives these counts back to those seats."""

    panel = models.OneToOneField(
        Panel, on_delete=models.CASCADE, primary_key=True, related_name="erased_seat_strata"
    )
    seats = models.PositiveSmallIntegerField(default=0)
    counts = models.JSONField(default=dict)  # {category: {value: number of those seats}}

    class Meta:
        verbose_name = _("strata of erased members' seats")
        verbose_name_plural = _("strata of erased members' seats")

    def __str__(self) -> str:
        return f"strata of {self.seats} erased seats of panel {self.panel_id}"


class Quota(models.Model):
    panel = models.ForeignKey(Panel, on_delete=models.CASCADE, related_name="quotas")
    category = models.CharField(_("category"), max_length=40)
    value = models.CharField(_("value"), max_length=80)
    min = models.PositiveSmallIntegerField(_("minimum"))
    max = models.PositiveSmallIntegerField(_("maximum"))

    class Meta:
        ordering = ["category", "value"]
        verbose_name = _("quota")
        verbose_name_plural = _("quotas")
        constraints = [
            models.UniqueConstraint(fields=["panel", "category", "value"], name="one_quota_per_value"),
            models.CheckConstraint(condition=Q(max__gte=F("min")), name="quota_max_at_least_min"),
        ]

    def __str__(self) -> str:
        return f"{self.category}={self.value} [{self.min}, {self.max}]"


class Selection(models.Model):
    """One run of the sortition: the fair lottery (portfolio), each volunteer's probability, the public
    draw from a recorded seed, and the ranked reserve list."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting for a worker")
        RUNNING = "running", _("Running")
        # Two-step draw: the lottery is published, the panel waits for the public value announced.
        AWAITING = "awaiting", _("Awaiting the public value")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    panel = models.ForeignKey(Panel, on_delete=models.CASCADE, related_name="selections")
    seed = models.CharField(_("seed"), max_length=64)
    algorithm = models.CharField(_("algorithm"), max_length=16)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.QUEUED)
    # Where a running draw is: a code with values, worded in the reader's language by
    # `deliberation.draw_messages` (`progress_note` below).
    progress = models.JSONField(default=dict, blank=True)
    # Why a failed run failed: codes with values, worded in the reader's language by
    # `deliberation.draw_messages` (`failure_reasons` below).
    reasons = models.JSONField(default=list, blank=True)
    # {volunteer pk as str: probability}, the portfolio as [[ids...], probability] and the draw.
    # `portfolio` holds the explicit panels of draws recorded before lotteries had groups; newer draws
    # publish `lottery` (deliberation.lottery's document: groups, compositions, probabilities, the seed's
    # commitment) before the draw, with its SHA-256.
    probabilities = models.JSONField(default=dict, blank=True)
    portfolio = models.JSONField(default=list, blank=True)
    seed_commitment = models.CharField(_("commitment to the seed"), max_length=64, blank=True)

    class SeedOrigin(models.TextChoices):
        RANDOM = "random", _("picked at random by Pacte")
        TYPED = "typed", _("typed by the organisers")

    # Where the seed came from (the report says it): Pacte's random seed, or one passed in by a command
    # (the page refuses a typed seed). Empty for draws recorded before it was kept.
    seed_origin = models.CharField(max_length=8, choices=SeedOrigin.choices, blank=True)
    # Two-step draw (docs/panels.md, "A public random value"): what public value will pick the panel and
    # when, announced when the draw starts and published in the lottery; the value the organiser enters
    # once it is known, after the lottery is published, and when. Empty for a draw from the seed alone.
    public_value_source = models.CharField(_("announced public value"), max_length=300, blank=True)
    public_value = models.CharField(_("public value"), max_length=100, blank=True)
    public_value_at = models.DateTimeField(null=True, blank=True)
    lottery = models.JSONField(default=dict, blank=True)
    lottery_sha256 = models.CharField(max_length=64, blank=True)
    lottery_published_at = models.DateTimeField(null=True, blank=True)
    # What the published lottery was computed for (pool with strata and households, quotas, size,
    # algorithm, household rule), as `sortition.inputs_sha256`: a worker taking the draw over draws from
    # the published lottery when this is unchanged. Kept here, never published (it covers addresses).
    lottery_inputs_sha256 = models.CharField(max_length=64, blank=True)
    drawn = models.JSONField(default=list, blank=True)
    reserves = models.JSONField(default=list, blank=True)  # ranked volunteer ids still waiting
    composition = models.JSONField(default=list, blank=True)
    quotas_used = models.JSONField(default=list, blank=True)
    excluded = models.JSONField(default=list, blank=True)  # volunteers left out, with the reason
    min_probability = models.FloatField(null=True, blank=True)
    median_probability = models.FloatField(null=True, blank=True)
    pool_size = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("selection")
        verbose_name_plural = _("selections")

    def __str__(self) -> str:
        return f"selection #{self.pk} of panel {self.panel_id}"

    @property
    def is_under_way(self) -> bool:
        """Waiting for a worker or running (`deliberation.states.SELECTION`)."""
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)

    @property
    def is_awaiting_public_value(self) -> bool:
        return self.status == self.Status.AWAITING

    @property
    def two_step(self) -> bool:
        """Picked from the published lottery by a public value announced in advance."""
        return bool(self.public_value_source)

    @property
    def has_ended(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)

    @property
    def has_failed(self) -> bool:
        return self.status == self.Status.FAILED

    @property
    def failure_reasons(self):
        """Why this run failed, in the reader's language (`draw_messages.FailureReason` items), for the
        organisers' console (it names who abandoned a draw)."""
        return draw_messages.failure_reasons(self.reasons)

    @property
    def public_failure_reasons(self):
        """The same for a page anyone reads: who acted is named by role, never by pseudonym."""
        return draw_messages.failure_reasons(self.reasons, public=True)

    @property
    def failure_text(self) -> str:
        """The same as plain text, for commands and test output."""
        return draw_messages.failure_text(self.reasons)

    @property
    def progress_note(self):
        """Where this draw is, in the reader's language (a `draw_messages.ProgressNote`)."""
        return draw_messages.progress_note(self.progress)

    @property
    def progress_summary(self) -> str:
        """The status and that sentence, as the page's live status line starts."""
        return draw_messages.progress_summary(str(self.get_status_display()), self.progress_note)


class PanelMember(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        DROPPED = "dropped", _("Withdrew")

    panel = models.ForeignKey(Panel, on_delete=models.CASCADE, related_name="members")
    volunteer = models.ForeignKey(Volunteer, on_delete=models.CASCADE, related_name="memberships")
    selection = models.ForeignKey(Selection, on_delete=models.CASCADE, related_name="members")
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.ACTIVE)
    replaced_by = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="replaces"
    )
    joined_at = models.DateTimeField(default=timezone.now)
    dropped_at = models.DateTimeField(null=True, blank=True)
    # Why the seat was given to a reserve, as the panel's team wrote it when confirming (also audited).
    drop_reason = models.CharField(_("reason for the replacement"), max_length=300, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("panel member")
        verbose_name_plural = _("panel members")
        constraints = [models.UniqueConstraint(fields=["panel", "volunteer"], name="one_seat_per_volunteer")]

    def __str__(self) -> str:
        return f"member #{self.pk} of panel {self.panel_id}"

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE


class Session(models.Model):
    """A session of the assises."""

    panel = models.ForeignKey(Panel, on_delete=models.CASCADE, related_name="sessions")
    title = models.CharField(_("title"), max_length=200)
    starts_at = models.DateTimeField(_("date and time"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    video_link = models.URLField(_("video link"), blank=True)
    checkin_code = models.CharField(_("check-in code"), max_length=8, default=new_checkin_code)
    minutes = models.TextField(_("minutes"), blank=True)
    # Set when a facilitator ends the session on its console (`services.end_session`); where a session
    # stands is `rules.session_phase`.
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    # Set when a facilitator reopens it (`services.reopen_session`): reopened after its day, a session run
    # from the console is to record again until it is ended again (`rules.session_phase`).
    reopened_at = models.DateTimeField(_("reopened at"), null=True, blank=True)

    class Meta:
        ordering = ["starts_at", "id"]
        verbose_name = _("session")
        verbose_name_plural = _("sessions")

    def __str__(self) -> str:
        return self.title

    @property
    def language(self) -> str:
        """A session's title is written in its panel's language (``Panel.language``)."""
        return self.panel.language


class AgendaItem(models.Model):
    class Kind(models.TextChoices):
        HEARING = "hearing", _("Hearing")
        SMALL_GROUP = "small_group", _("Small-group deliberation")
        PLENARY = "plenary", _("Plenary")
        DRAFTING = "drafting", _("Drafting")
        VOTE = "vote", _("Vote")

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="agenda")
    order = models.PositiveSmallIntegerField(_("order"))
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    duration_minutes = models.PositiveSmallIntegerField(_("duration (minutes)"))
    started_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["order", "id"]
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        constraints = [models.UniqueConstraint(fields=["session", "order"], name="one_item_per_rank")]

    def __str__(self) -> str:
        return self.title

    @property
    def language(self) -> str:
        """An agenda item's title is written in its panel's language (``Panel.language``)."""
        return self.session.panel.language


class Document(models.Model):
    """The evidence library of a panel."""

    panel = models.ForeignKey(Panel, on_delete=models.CASCADE, related_name="documents")
    session = models.ForeignKey(Session, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    file = models.FileField(_("file"), upload_to="deliberation/documents/%Y/%m/")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("document")
        verbose_name_plural = _("documents")

    def __str__(self) -> str:
        return self.title


class Attendance(models.Model):
    class Method(models.TextChoices):
        FACILITATOR = "facilitator", _("Checked in by a facilitator")
        CODE = "code", _("Typed the session code")

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="attendances")
    member = models.ForeignKey(PanelMember, on_delete=models.CASCADE, related_name="attendances")
    method = models.CharField(max_length=12, choices=Method.choices)
    checked_in_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendances")
        constraints = [models.UniqueConstraint(fields=["session", "member"], name="one_checkin_per_session")]

    def __str__(self) -> str:
        return f"member {self.member_id} at session {self.session_id}"


class Recommendation(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Being drafted")
        VOTING = "voting", _("Vote open")
        ADOPTED = "adopted", _("Adopted by the panel")
        REJECTED = "rejected", _("Rejected by the panel")
        # Closed while nobody had voted: neither adopted nor rejected; the vote can be opened again.
        NO_BALLOT = "no_ballot", _("Vote closed: no ballot cast")
        # Closed with fewer ballots than the counts may be published with (`rules.min_ballots_to_publish`):
        # nothing decided, nothing counted or published; the vote can be opened again.
        TOO_FEW = "too_few", _("Vote closed: too few ballots to publish a count")

    panel = models.ForeignKey(Panel, on_delete=models.CASCADE, related_name="recommendations")
    session = models.ForeignKey(
        Session, on_delete=models.PROTECT, related_name="recommendations", verbose_name=_("session")
    )
    # The current text; every version, this one included, is kept in RecommendationVersion.
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("text"))
    rationale = models.TextField(_("rationale"), blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.DRAFT)
    vote_session = models.ForeignKey(
        Session, null=True, blank=True, on_delete=models.PROTECT, related_name="votes"
    )
    votes_for = models.PositiveIntegerField(default=0)
    votes_against = models.PositiveIntegerField(default=0)
    votes_abstain = models.PositiveIntegerField(default=0)
    voting_opened_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["panel_id", "id"]
        verbose_name = _("recommendation")
        verbose_name_plural = _("recommendations")

    def __str__(self) -> str:
        return self.title

    @property
    def is_voting(self) -> bool:
        return self.status == self.Status.VOTING

    @property
    def language(self) -> str:
        """A recommendation is written in its panel's language (``Panel.language``). A published copy
        that withholds part of its text (``consultation.publish``: a note in the reader's language stands
        in its place) is not marked: its note must not be read with the panel's voice."""
        return "" if getattr(self, "withheld_fields", None) else self.panel.language


class RecommendationVersion(models.Model):
    recommendation = models.ForeignKey(Recommendation, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=200)
    text = models.TextField()
    rationale = models.TextField(blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["recommendation_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["recommendation", "number"], name="one_version_number")
        ]

    def __str__(self) -> str:
        return f"{self.title} (v{self.number})"

    @property
    def language(self) -> str:
        """As its recommendation's (``Recommendation.language``)."""
        return "" if getattr(self, "withheld_fields", None) else self.recommendation.panel.language


class Amendment(models.Model):
    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        ACCEPTED = "accepted", _("Accepted")
        # Its own context: French agrees it with "amendement" (masculine), unlike a recommendation's answer.
        REJECTED = "rejected", pgettext_lazy("amendment", "Rejected")

    recommendation = models.ForeignKey(Recommendation, on_delete=models.CASCADE, related_name="amendments")
    proposed_by = models.ForeignKey(PanelMember, on_delete=models.CASCADE, related_name="amendments")
    text = models.TextField(_("proposed text"))
    explanation = models.TextField(_("why this change"), blank=True)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PROPOSED)
    reason = models.TextField(_("reason"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    resulting_version = models.OneToOneField(
        RecommendationVersion, null=True, blank=True, on_delete=models.SET_NULL, related_name="amendment"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="rejected") | ~Q(reason=""), name="rejected_amendment_has_reason"
            )
        ]

    def __str__(self) -> str:
        return f"amendment #{self.pk} to recommendation {self.recommendation_id}"

    @property
    def is_proposed(self) -> bool:
        return self.status == self.Status.PROPOSED


class BallotChoice(models.TextChoices):
    FOR = "for", _("For")
    AGAINST = "against", _("Against")
    ABSTAIN = "abstain", _("Abstain")


class BallotBox(models.Model):
    """What was voted on a recommendation while its vote is open, and nothing else: its three counts,
    sealed (`deliberation.ballot_box`). One row, rewritten whole by every ballot, so that neither a row
    per ballot, nor their order, nor the statements sent, nor the row's old versions say who chose what.
    Deleted when the vote closes: the counts then go on the recommendation."""

    recommendation = models.OneToOneField(
        Recommendation, on_delete=models.CASCADE, primary_key=True, related_name="ballot_box"
    )
    sealed = models.TextField()

    class Meta:
        verbose_name = _("ballot box")
        verbose_name_plural = _("ballot boxes")

    def __str__(self) -> str:
        return f"ballot box of recommendation {self.recommendation_id}"


class BallotReceipt(models.Model):
    """Who voted (never how): one per member and recommendation, a database constraint, so a member votes
    once. Turnout is counted from these; what was voted is only in the `BallotBox`."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    recommendation = models.ForeignKey(Recommendation, on_delete=models.CASCADE, related_name="receipts")
    member = models.ForeignKey(PanelMember, on_delete=models.CASCADE, related_name="receipts")

    class Meta:
        verbose_name = _("ballot receipt")
        verbose_name_plural = _("ballot receipts")
        constraints = [
            models.UniqueConstraint(fields=["recommendation", "member"], name="one_ballot_per_member")
        ]

    def __str__(self) -> str:
        return f"receipt on recommendation {self.recommendation_id}"


class DecisionMakerResponse(AnswerRecord):
    """What a decision-maker answered about an adopted recommendation. Answers accumulate (e.g. under
    study, then adopted); the latest gives the recommendation's current follow-up status. Its fields,
    statuses and the rule of what counts as answered / adopted are shared with the answers to proposals
    and themes (``consultation.models.AnswerRecord``, ``consultation.adoption``)."""

    recommendation = models.ForeignKey(Recommendation, on_delete=models.CASCADE, related_name="responses")

    class Meta(AnswerRecord.Meta):
        verbose_name = _("decision-maker's answer")
        verbose_name_plural = _("decision-makers' answers")


class Milestone(MilestoneRecord):
    """A step promised in a decision-maker's answer to a recommendation (``MilestoneRecord``)."""

    response = models.ForeignKey(DecisionMakerResponse, on_delete=models.CASCADE, related_name="milestones")

    class Meta(MilestoneRecord.Meta):
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
