"""The organisers' forms of the decision-makers' answers to proposals and themes (``consultation.answers``,
``analysis.theme_answers``) and of the consultation's rule of which must be answered."""

from datetime import date

from django import forms
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from config.date_inputs import DateInput
from config.forms import PacteForm

from .adoption import AnswerStatus, answer_date_problems


class AnswerForm(PacteForm):
    """A decision-maker's answer: to a proposal or a theme here, to a panel's recommendation in
    ``deliberation.forms.ResponseForm`` (a subclass: its own statuses and earliest date)."""

    decision_maker = forms.CharField(
        label=_("Decision-maker"), max_length=200, help_text=_("The person who answers, by name and office.")
    )
    body = forms.CharField(label=_("Body responsible"), max_length=200)
    status = forms.ChoiceField(
        label=_("Status"),
        choices=AnswerStatus.choices,
        help_text=_("Adopted, partly adopted and rejected count as answered; see the table below the form."),
    )
    justification = forms.CharField(
        label=_("Justification"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Published as written, with personal data removed."),
    )
    # A new answer is usually recorded the day it is given: today in the site's time zone (a callable,
    # read when the form is shown). A form given the stored answer's date in `initial` shows that date.
    answered_on = forms.DateField(
        label=_("Date of the answer"),
        initial=timezone.localdate,
        widget=DateInput(),
    )
    implementation_deadline = forms.DateField(
        label=_("Implementation deadline"), required=False, widget=DateInput()
    )
    implemented_on = forms.DateField(label=_("Implemented on"), required=False, widget=DateInput())
    milestones = forms.CharField(
        label=_("Milestones"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One per line: title; due date as YYYY-MM-DD (optional)."),
    )

    def date_problems(self, **dates) -> list[tuple[str, str]]:
        """The one rule of an answer's dates (``adoption.answer_date_problems``); a subclass adds its
        earliest date."""
        return answer_date_problems(**dates)

    def clean(self):
        """The dates must add up: each problem under its field, what was typed kept."""
        cleaned = super().clean()
        for field, message in self.date_problems(
            answered_on=cleaned.get("answered_on"),
            implementation_deadline=cleaned.get("implementation_deadline"),
            implemented_on=cleaned.get("implemented_on"),
        ):
            self.add_error(field, message)
        return cleaned

    def clean_milestones(self):
        parsed = []
        for number, line in enumerate(self.cleaned_data["milestones"].splitlines(), start=1):
            if not line.strip():
                continue
            title, _sep, due = line.partition(";")
            try:
                parsed.append((title.strip(), date.fromisoformat(due.strip()) if due.strip() else None))
            except ValueError as error:
                raise forms.ValidationError(
                    _("Line %(n)s: the date must be written YYYY-MM-DD.") % {"n": number}
                ) from error
        return parsed


class AnswerPolicyForm(PacteForm):
    proposals_required = forms.BooleanField(
        label=_("Some proposals must be answered"),
        required=False,
        help_text=_("Every published proposal that meets both conditions below."),
    )
    proposal_min_agree_percent = forms.IntegerField(
        label=_("Share of agreement (%)"),
        min_value=0,
        max_value=100,
        help_text=_(
            "At least this share of the proposal's votes agree with it (agree, disagree and pass count)."
        ),
    )
    proposal_min_votes = forms.IntegerField(
        label=_("Minimum number of votes"),
        min_value=1,
        help_text=_("The proposal has at least this many votes, so that a handful of votes does not decide."),
    )
    themes_required = forms.BooleanField(
        label=_("Some themes must be answered"),
        required=False,
        help_text=_("Every theme of the published synthesis that meets the condition below."),
    )
    theme_min_percent = forms.IntegerField(
        label=_("Share of the contributions (%)"),
        min_value=0,
        max_value=100,
        help_text=_("The theme holds at least this share of the distinct contributions."),
    )
    answers_due_on = forms.DateField(
        label=_("Answers due on"),
        required=False,
        widget=DateInput(),
        help_text=_("After this date, an item that must be answered and is not shows as late. Optional."),
    )


class MilestoneDoneForm(PacteForm):
    """Repeated for each milestone of a page: its fields and its label are named after the milestone."""

    done_on = forms.DateField(label=_("Done on"), widget=DateInput())

    def __init__(self, *args, milestone, **kwargs):
        kwargs.setdefault("auto_id", f"milestone-{milestone.pk}-done-%s")
        super().__init__(*args, **kwargs)
        self.fields["done_on"].label = gettext("Date “%(title)s” was done") % {"title": milestone.title}


class MilestoneChangeForm(PacteForm):
    title = forms.CharField(label=_("Milestone"), max_length=200)
    due_on = forms.DateField(label=_("Due on"), required=False, widget=DateInput())
    note = forms.CharField(
        label=_("Public reason of the change"),
        max_length=300,
        help_text=_("Shown next to the milestone, with the date first promised."),
        error_messages={"required": _("Say publicly why the milestone changes.")},
    )

    def __init__(self, *args, milestone, **kwargs):
        kwargs.setdefault("auto_id", f"milestone-{milestone.pk}-change-%s")
        kwargs.setdefault("initial", {"title": milestone.title, "due_on": milestone.due_on})
        super().__init__(*args, **kwargs)
