from django import forms
from django.utils import timezone
from django.utils.translation import get_language, gettext, ngettext
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.roles import Role
from config.date_inputs import DateTimeInput
from config.forms import PacteForm, SettingCheckbox
from consultation.answer_forms import AnswerForm, MilestoneChangeForm, MilestoneDoneForm  # noqa: F401 (pages)
from consultation.languages import language_tag
from consultation.models import Consultation

from .models import AgendaItem, BallotChoice, DecisionMakerResponse, Panel


class PanelForm(PacteForm):
    title = forms.CharField(label=_("Title"), max_length=200)
    topic = forms.CharField(label=_("Topic"), max_length=200, required=False)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea, required=False)
    size = forms.IntegerField(label=_("Panel size"), min_value=2, max_value=500, initial=30)
    threshold = forms.ChoiceField(label=_("Adoption threshold"), choices=Panel.Threshold.choices)
    household_rule = SettingCheckbox(label=_("At most one person per household"), initial=True)
    consultation = forms.ModelChoiceField(
        label=_("Consultation"),
        queryset=Consultation.objects.all(),
        required=False,
        empty_label=_("No consultation"),
        help_text=_("The national consultation this panel deliberates for, if any."),
    )
    language = forms.ChoiceField(
        label=_("Language of the panel's texts"),
        # Named in the interface's language ("Anglais" on the French page), so no option needs a lang.
        choices=[("fr", _("French")), ("en", _("English"))],
        required=False,
        help_text=_(
            "The language its title, description and recommendations are written in: pages mark them with "
            "it, so that screen readers read them with the right voice."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # By default the language of the interface it is written on, as for a citizen's proposal.
        self.fields["language"].initial = self._interface_language()

    @staticmethod
    def _interface_language() -> str:
        return language_tag(get_language())[:2]

    def clean_language(self) -> str:
        """Not sent (an older form, a script): the interface's language, as the form offers it."""
        return self.cleaned_data.get("language") or self._interface_language()


class ConsultationLinkForm(PacteForm):
    consultation = forms.ModelChoiceField(
        label=_("Consultation"),
        queryset=Consultation.objects.all(),
        required=False,
        empty_label=_("No consultation"),
        help_text=_("Its page lists this panel; the panel's page links to it."),
    )


class FacilitatorChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.email


class AssignFacilitatorForm(PacteForm):
    """Facilitators who do not run the panel yet."""

    facilitator = FacilitatorChoiceField(
        label=_("Facilitator"),
        queryset=None,
        empty_label=_("Choose a facilitator"),
        help_text=_("Only people holding the facilitator role are listed; organisers run every panel."),
    )

    def __init__(self, *args, panel: Panel, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["facilitator"].queryset = (
            User.objects.filter(groups__name=Role.FACILITATOR, is_active=True)
            .exclude(panel_assignments__panel=panel)
            .distinct()
            .order_by("email")
        )


class VolunteerForm(PacteForm):
    name = forms.CharField(
        label=_("Your name"),
        max_length=200,
        required=False,
        help_text=_(
            "As you will give it at the door of the sessions. Shown only to the panel's facilitators and "
            "organisers; public pages show your pseudonym."
        ),
    )
    contact = forms.CharField(
        label=_("Phone number or e-mail address to reach you"),
        max_length=200,
        required=False,
        help_text=_(
            "Shown only to the panel's facilitators and organisers, to reach you about the sessions."
        ),
    )
    consent = forms.BooleanField(
        label=_(
            "I agree that the answers of my profile (age band, gender, region, education, socio-professional "
            "category) are copied now and used only to draw a representative panel, and that the name "
            "and contact I give here are shown only to the facilitators and organisers of this panel, to "
            "check me in and reach me; public pages show only my pseudonym."
        ),
        # Required: without this consent nobody can join the pool (`services.volunteer` refuses too).
        error_messages={
            "required": _(
                "Please confirm that your profile answers may be used to draw a representative panel."
            )
        },
    )


class ImportForm(PacteForm):
    file = forms.FileField(
        label=_("CSV file of volunteers"),
        help_text=_(
            "Header line: id, optional name and contact (shown only to the panel's facilitators and "
            "organisers), one column per stratum (e.g. gender, age_band, region), optional "
            "address for the one-per-household rule. Separator: comma, semicolon or tab; UTF-8, UTF-16 or "
            "Windows-1252, as spreadsheets save it. The profile columns (age_band, gender, region, "
            "education, socio_professional) take the profile's values "
            "(e.g. 35-49, female, bretagne) or their labels; a line with another value is not imported."
        ),
    )


class QuotasForm(PacteForm):
    quotas = forms.CharField(
        label=_("Quotas"),
        widget=forms.Textarea(attrs={"rows": 14}),
        help_text=_("One quota per line: category, value, minimum, maximum (e.g. gender, female, 14, 16)."),
    )


class SessionForm(PacteForm):
    """Place and video link: one of the two is needed (the service's rule), so neither is marked
    "(Optional)" on its own; the fieldset holding both says it (templates/deliberation/_session_form.html)
    and carries the error when both are left empty."""

    WHERE = "where"  # the field name the service's refusal gives for "neither place nor video link"
    where_id = "session-where"

    title = forms.CharField(label=_("Title"), max_length=200)
    starts_at = forms.DateTimeField(label=_("Date and time"), widget=DateTimeInput())
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    video_link = forms.URLField(label=_("Video link"), required=False, assume_scheme="https")
    where_legend = _("Where it takes place")
    where_hint = _("Give a place, a video link, or both: at least one of the two is needed.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.where_errors: list[str] = []

    def add_error(self, field, error):
        if field is None and getattr(error, "field", "") == self.WHERE:
            self.where_errors.extend(str(m) for m in error.messages)
        super().add_error(field, error)

    def clean(self):
        """Neither place nor video link: said with the other fields' errors, not after they are fixed."""
        from .services.sessions import where_refusal

        data = super().clean()
        refusal = where_refusal(data.get("place", ""), data.get("video_link", ""))
        if refusal and "video_link" not in self.errors:  # a link refused as malformed was given all the same
            self.add_error(None, refusal)
        return data

    @property
    def non_field_anchor(self) -> str:
        """The error summary's link for "neither place nor video link": the fieldset of the two."""
        return self.where_id if self.where_errors else ""


class AgendaItemForm(PacteForm):
    title = forms.CharField(label=_("Title of the item"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=AgendaItem.Kind.choices)
    duration_minutes = forms.IntegerField(label=_("Duration (minutes)"), min_value=1, max_value=600)


class MinutesForm(PacteForm):
    minutes = forms.CharField(label=_("Minutes"), widget=forms.Textarea(attrs={"rows": 8}), required=False)


class CheckInCodeForm(PacteForm):
    code = forms.CharField(
        label=_("Session code"), max_length=8, widget=forms.TextInput(attrs={"autocomplete": "off"})
    )


class DocumentForm(PacteForm):
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(
        label=_("Description"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    file = forms.FileField(label=_("File"))


class RecommendationForm(PacteForm):
    title = forms.CharField(label=_("Title"), max_length=200)
    text = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 5}))
    rationale = forms.CharField(
        label=_("Rationale"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    session = forms.ModelChoiceField(
        label=_("Session it came from"), queryset=None, empty_label=_("Choose a session")
    )

    def __init__(self, *args, panel, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["session"].queryset = panel.sessions.all()


class AmendmentForm(PacteForm):
    text = forms.CharField(label=_("Proposed text"), widget=forms.Textarea(attrs={"rows": 4}))
    explanation = forms.CharField(
        label=_("Why this change"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class AmendmentDecisionForm(PacteForm):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("accept", _("Accept")), ("reject", _("Reject"))],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Reason (required to reject)"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class OpenVoteForm(PacteForm):
    session = forms.ModelChoiceField(
        label=_("Session of the vote"), queryset=None, empty_label=_("Choose a session")
    )

    def __init__(self, *args, panel, recommendation=None, **kwargs):
        super().__init__(*args, **kwargs)
        sessions = panel.sessions.all()
        # Any session of the panel is accepted for validation (the service says why one cannot hold the
        # vote); only those that can are offered.
        self.fields["session"].queryset = sessions
        self.no_session = False
        if recommendation is not None:
            from django.db.models import Count
            from django.utils.formats import date_format

            from .rules import earliest_vote_day, session_is_over, session_may_hold_vote

            # Offered: the sessions held on or after the day the text was last changed, and not over with
            # nobody checked in (nobody could vote there); each names its date and how many members are
            # checked in, who alone can vote.
            def label(s) -> str:
                return ngettext(
                    "%(title)s — %(date)s — %(n)s member checked in",
                    "%(title)s — %(date)s — %(n)s members checked in",
                    s.checked_in,
                ) % {"title": s.title, "date": date_format(timezone.localtime(s.starts_at), "DATE_FORMAT"),
                     "n": s.checked_in}  # fmt: skip

            offered = [
                (s.pk, label(s))
                for s in sessions.annotate(checked_in=Count("attendances"))
                if session_may_hold_vote(recommendation, s) and (s.checked_in or not session_is_over(s))
            ]
            self.fields["session"].choices = [("", self.fields["session"].empty_label), *offered]
            self.fields["session"].help_text = gettext(
                "Only members checked in at this session can vote. The session must be held on %(date)s or "
                "later: the text put to the vote was last changed that day."
            ) % {"date": date_format(earliest_vote_day(recommendation), "DATE_FORMAT")}
            self.earliest_vote_day = earliest_vote_day(recommendation)
            self.no_session = not offered
        self._bound_fields_cache.pop("session", None)  # django-dsfr's form has already bound it


class ReplaceMemberForm(PacteForm):
    reason = forms.CharField(
        label=_("Why this member leaves the panel"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Required. Recorded with the replacement and shown to the panel's team, never on public pages "
            "(e.g. “withdrew by e-mail on 3 March”, “absent from three sessions”)."
        ),
        error_messages={
            "required": _(
                "Say why this member leaves the panel: the reason is recorded with the replacement."
            )
        },
    )


class BallotForm(PacteForm):
    choice = forms.ChoiceField(label=_("Your vote"), choices=BallotChoice.choices, widget=forms.RadioSelect)


class ResponseForm(AnswerForm):
    """A decision-maker's answer to a recommendation: the one answer form, with the recommendation's
    statuses and the panel's adoption as the earliest date of the answer."""

    status = forms.ChoiceField(label=_("Status"), choices=DecisionMakerResponse.Status.choices)
    # Published as typed on the recommendation's page (panel texts do not go through the scrubbing exit).
    justification = forms.CharField(label=_("Justification"), widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, recommendation=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.recommendation = recommendation

    def date_problems(self, **dates) -> list[tuple[str, str]]:
        if self.recommendation is None:
            return []
        from .services import response_date_problems

        return response_date_problems(recommendation=self.recommendation, **dates)


class TwoStepDrawForm(PacteForm):
    """Step 1 of a two-step draw: the public random value that will pick the panel, announced in advance."""

    public_value_source = forms.CharField(
        label=_("Public value that will pick the panel, and when it will be known"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Required. Published with the lottery before anyone can know the value (e.g. “sum of three dice "
            "rolled in public at the first session on 12 January”, “the first number drawn by the national "
            "lottery on 14 January”)."
        ),
        error_messages={
            "required": _(
                "Say which public value will pick the panel, and when it will be known (for example “sum of "
                "three dice rolled in public at the first session on 12 January”)."
            )
        },
    )


class PublicValueForm(PacteForm):
    """Step 2 of a two-step draw: the public value, once known (confirmed on a second page)."""

    public_value = forms.CharField(
        label=_("Public value"),
        max_length=100,
        help_text=_(
            "As announced: digits, letters, spaces and the signs - + , . / : ; # (e.g. “14” or "
            "“5 12 23 34 45 / 7”). Spaces around it and repeated spaces do not count."
        ),
        error_messages={"required": _("Enter the public value as announced.")},
    )
