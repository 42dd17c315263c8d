from django import forms
from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.utils.formats import number_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from config.date_inputs import DateInput, DateTimeInput
from config.form_marks import MarksTheExceptions
from config.forms import PacteForm, SettingCheckbox

from .either_language import EitherLanguageField, check_pair
from .languages import shown_in_its_language
from .models import MAX_ANSWER_LENGTH, MAX_PROPOSAL_LENGTH, Consultation, Question


def set_help_text(form: PacteForm, name: str, text: str) -> None:
    """Change a field's help text once the form exists. django-dsfr's __init__ has already built (and
    cached) the bound fields, which copy the help text when built: setting `form.fields[name].help_text`
    alone is never shown."""
    form.fields[name].help_text = text
    form[name].help_text = text


class ParagraphField(forms.CharField):
    """Multi-line text, counted as the browser counts it against `maxlength`: browsers send a line break as
    CR LF (two characters) but count it as one, so line breaks become LF before the length is checked.
    The message on a too long text gives both counts, grouped the way the reader's language groups them."""

    widget = forms.Textarea
    default_error_messages = {
        "too_long": _("This text can have at most %(limit)s characters; it has %(length)s."),
    }

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.validators = [v for v in self.validators if not isinstance(v, MaxLengthValidator)]

    def to_python(self, value):
        value = super().to_python(value)
        return value.replace("\r\n", "\n").replace("\r", "\n") if value else value

    def validate(self, value):
        super().validate(value)
        if self.max_length is not None and value and len(value) > self.max_length:
            raise forms.ValidationError(
                self.error_messages["too_long"],
                code="too_long",
                params={
                    "limit": number_format(self.max_length, force_grouping=True),
                    "length": number_format(len(value), force_grouping=True),
                },
            )


class CharterForm(PacteForm):
    accept = forms.BooleanField(
        label=_("I have read the charter and I commit to respecting it."),
        required=True,
        error_messages={"required": _("Please tick the box to accept the charter.")},
    )
    # The version the person read: accepting is refused if the charter changed in the meantime.
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)

    @classmethod
    def refused(cls, *, version: int, message: str) -> "CharterForm":
        """The form to show again when accepting was refused: unticked (consent to a text is never given in
        advance), carrying the version now current, with `message` under the checkbox."""
        form = cls({"version": version})
        form.fields["accept"].error_messages = {**form.fields["accept"].error_messages, "required": message}
        return form


class CharterTextForm(PacteForm):
    text_fr = EitherLanguageField(
        label=_("Charter (French)"),
        rows=14,
        help_text=_(
            "Shown to every participant before their first contribution. One paragraph per line. Left "
            "empty, French readers see the English text."
        ),
    )
    text_en = EitherLanguageField(
        label=_("Charter (English)"),
        rows=14,
        help_text=_("Left empty, English readers see the French text."),
    )

    def clean(self):
        cleaned = super().clean()
        check_pair(self, cleaned, "text_fr", "text_en", "charter")
        return cleaned


class ExclusiveCheckboxes(forms.CheckboxSelectMultiple):
    """Checkboxes where some choices stand alone: each such box carries `data-exclusive`, which
    static/pacte/exclusive-choices.js reads to untick the others (progressive enhancement only: the
    field and the service refuse the combination without JavaScript)."""

    def __init__(self, *args, exclusive=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.exclusive = {str(v) for v in exclusive}

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex=subindex, attrs=attrs)
        if str(value) in self.exclusive:
            option["attrs"] = {**option["attrs"], "data-exclusive": "true"}
        return option


class ExclusiveMultipleChoiceField(forms.MultipleChoiceField):
    """A multiple choice where `exclusive` values (such as "None") must be ticked alone."""

    default_error_messages = {
        "exclusive": _("“%(choice)s” cannot be ticked with another choice: tick it alone, or untick it."),
    }

    def __init__(self, *, exclusive=(), names=None, **kwargs):
        self.exclusive = {str(v) for v in exclusive}
        self.names = names or {}  # the plain text of a value's label, for a message (choices may hold markup)
        super().__init__(widget=ExclusiveCheckboxes(exclusive=self.exclusive), **kwargs)

    def validate(self, value):
        super().validate(value)
        alone = [v for v in value if v in self.exclusive]
        if alone and len(value) > 1:
            raise forms.ValidationError(
                self.error_messages["exclusive"],
                code="exclusive",
                params={"choice": self.names.get(alone[0]) or {str(k): v for k, v in self.choices}[alone[0]]},
            )


class _AnswerField:
    """A questionnaire field that may be marked required (its label's mark, the `required` attribute)
    without checking it: whether a required question is answered depends on what the person saved
    before, so the one rule is the service's (consultation/required_answers.py), shown under the field
    by ``QuestionnaireForm.show_refusal``."""

    def validate(self, value):
        required, self.required = self.required, False
        try:
            super().validate(value)
        finally:
            self.required = required


class _TextAnswer(_AnswerField, ParagraphField):
    pass


class _ChoicesAnswer(_AnswerField, ExclusiveMultipleChoiceField):
    pass


class _ChoiceAnswer(_AnswerField, forms.ChoiceField):
    pass


def _exclusive_hint(choices) -> str:
    """The hint under a multiple-choice question with a choice that stands alone. The DSFR snippet shows
    a hint unescaped: the labels are escaped here."""
    labels = [shown_in_its_language(c, "label") for c in choices]
    if len(labels) == 1:
        return gettext("“%(choice)s” is ticked alone.") % {"choice": labels[0]}
    return gettext("%(choices)s are each ticked alone.") % {"choices": ", ".join(f"“{x}”" for x in labels)}


#: The value of the "No answer" radio of a single-choice or scale question: what the group would send if a
#: ticked radio could be unticked.
NO_ANSWER = ""


class QuestionnaireForm(MarksTheExceptions):
    """One field per question, optional unless the organisers marked the question required: a person may
    answer some questions and come back later. The form says once at the top which are required and marks
    only the exceptions (config/form_marks.py), not "(Optional)" after every question.

    An answer can be taken back: a radio cannot be unticked, so each single-choice and scale question ends
    with a "No answer" radio (ticked while the question is unanswered); boxes unticked and a text emptied
    say the same for the other kinds. Such a blank takes back the saved answer only for a question the
    page showed answered (``answered``, a hidden list written when the page was shown): a page left open
    in another tab never erases an answer given since. A required question cannot be taken back: a radio
    group of one offers no "No answer", and the service refuses boxes unticked or a text emptied.

    The sentence at the top names the mark it explains."""

    optional_unless_marked = _("Every question is optional, except those marked “(required)”.")

    answered = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, questions, answers=None, **kwargs):
        self.questions = list(questions)
        answers = answers or {}
        super().__init__(*args, **kwargs)
        self.fields["answered"].initial = " ".join(str(q.pk) for q in self.questions if q.pk in answers)
        self.answered_before = self._answered_before(answers)
        for question in self.questions:
            name = f"q{question.pk}"
            # Labels in a <span lang> when shown in the other language (consultation.languages.shown).
            choices = [(str(c.pk), shown_in_its_language(c, "label")) for c in question.choices.all()]
            previous = answers.get(question.pk)
            if question.kind == Question.Kind.OPEN:
                field = _TextAnswer(widget=forms.Textarea(attrs={"rows": 4}), max_length=MAX_ANSWER_LENGTH)
                initial = previous.text if previous else ""
            elif question.kind == Question.Kind.MULTIPLE:
                exclusive = [c for c in question.choices.all() if c.exclusive]
                field = _ChoicesAnswer(
                    choices=choices,
                    exclusive=[str(c.pk) for c in exclusive],
                    names={str(c.pk): c.label for c in exclusive},
                )
                initial = [str(c.pk) for c in previous.choices.all()] if previous else []
            elif question.required:  # no "No answer": nothing ticked until the person chooses
                field = _ChoiceAnswer(choices=choices, widget=forms.RadioSelect)
                initial = next((str(c.pk) for c in previous.choices.all()), None) if previous else None
            else:  # an optional radio group offers no answer (last)
                no_answer = (
                    _("No answer (erases the answer you saved)")
                    if question.pk in self.answered_before
                    else _("No answer")
                )
                field = _ChoiceAnswer(choices=[*choices, (NO_ANSWER, no_answer)], widget=forms.RadioSelect)
                initial = (
                    next((str(c.pk) for c in previous.choices.all()), NO_ANSWER) if previous else NO_ANSWER
                )
            field.required = question.required
            if question.required and question.kind == Question.Kind.OPEN:
                field.widget.attrs["aria-required"] = "true"
            field.label = shown_in_its_language(question, "text")
            # The organiser's text: the DSFR snippet shows a hint unescaped, so it is escaped here.
            field.help_text = shown_in_its_language(question, "help") if question.help else ""
            if question.kind == Question.Kind.MULTIPLE and exclusive:
                field.help_text = " ".join(filter(None, [field.help_text, _exclusive_hint(exclusive)]))
            field.initial = initial
            self.fields[name] = field

    def _answered_before(self, answers) -> set[int]:
        """The questions the person had answered when the page was shown: read from the stored answers,
        or from the hidden list the page sent back (anything else in it is ignored)."""
        if not self.is_bound:
            return {q.pk for q in self.questions if q.pk in answers}
        # Compared as text: "²" passes isdigit() but not int(), nor does a number of 5,000 digits.
        sent = set(str(self.data.get("answered", "")).split())
        return {q.pk for q in self.questions if str(q.pk) in sent}

    def fields_with_errors(self) -> list:
        """The bound fields refused, in the order of the questions (for the summary above the form)."""
        return [self[name] for name in self.fields if name in self.errors]

    @property
    def has_required(self) -> bool:
        return any(q.required for q in self.questions)

    def show_refusal(self, error) -> None:
        """A refusal of the service shown in the form: under each question it names (the required
        questions left unanswered), otherwise at the top."""
        by_question = getattr(error, "by_question", None)
        if not by_question:
            self.add_error(None, error)
            return
        self.show_missing(by_question)

    def show_missing(self, by_question: dict[int, str]) -> None:
        """Each message under its question (``required_answers``), in the order of the page."""
        for question in self.questions:
            if question.pk in by_question and f"q{question.pk}" not in self.errors:
                self.add_error(f"q{question.pk}", by_question[question.pk])

    def refused_questions(self) -> list[int]:
        """The questions whose value the form itself refused (a choice not offered, a text too long)."""
        return [q.pk for q in self.questions if f"q{q.pk}" in self.errors]

    def answers(self) -> dict[int, list[int] | str]:
        result: dict[int, list[int] | str] = {}
        for question in self.questions:
            value = self.cleaned_data.get(f"q{question.pk}")
            if question.kind == Question.Kind.OPEN:
                result[question.pk] = value or ""
            elif isinstance(value, list):
                result[question.pk] = [int(v) for v in value]
            else:
                result[question.pk] = [int(value)] if value else []
        return result

    def taken_back(self) -> list[int]:
        """The questions whose saved answer the person takes back: shown answered, sent back blank."""
        return [
            q.pk
            for q in self.questions
            if q.pk in self.answered_before and not self.cleaned_data.get(f"q{q.pk}")
        ]


class ProposalForm(PacteForm):
    text = forms.CharField(
        label=_("Your proposal"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("One idea, stated briefly. It will be shown under your pseudonym."),
    )
    # Honeypot: hidden from people (CSS and aria-hidden), filled in by form-filling robots.
    website = forms.CharField(label=_("Leave this field empty"), required=False)

    def __init__(self, *args, max_length: int = MAX_PROPOSAL_LENGTH, **kwargs):
        super().__init__(*args, **kwargs)
        # The length itself is checked by services.clean_proposal_text, with a message giving both counts.
        self.fields["text"].widget.attrs["maxlength"] = str(max_length)
        set_help_text(
            self,
            "text",
            _("One idea, stated briefly (at most %(max)s characters). It will be shown under your pseudonym.")
            % {"max": number_format(max_length, force_grouping=True)},
        )
        self.fields["website"].widget.attrs.update({"autocomplete": "off", "tabindex": "-1"})

    @property
    def is_bot(self) -> bool:
        return bool(self.data.get("website"))


class ReportForm(PacteForm):
    reason = forms.CharField(
        label=_("Why should this proposal be hidden?"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For example: personal attack, personal or medical details about someone, spam."),
    )


class _NoRequiredAttributeInput(forms.TextInput):
    def use_required_attribute(self, initial) -> bool:
        return False


class RequiredToHideField(forms.CharField):
    """The public reason: needed to hide a proposal, not to publish it (the service refuses hiding without
    one, with a message). Declared required so that the DSFR does not mark it "(Optional)", which would
    contradict its label; it accepts an empty value and sets no HTML `required` attribute."""

    widget = _NoRequiredAttributeInput

    def __init__(self, **kwargs):
        super().__init__(required=True, **kwargs)

    def validate(self, value):
        if value not in self.empty_values:
            super().validate(value)


class ModerationForm(PacteForm):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("approve", _("Publish")), ("hide", _("Hide"))],
        widget=forms.RadioSelect,
    )
    reason = RequiredToHideField(
        label=_("Public reason for hiding"),
        max_length=300,
        help_text=_(
            "Required to hide, not to publish. Shown to everyone in place of the proposal, and to its author."
        ),
    )


class ConsultationForm(PacteForm):
    slug = forms.SlugField(
        label=_("Short name in addresses"), max_length=80, help_text=_("Letters, digits and hyphens.")
    )
    # At least one of the two titles (either_language): a consultation imported in English only is edited
    # without inventing a French title.
    title_fr = EitherLanguageField(
        label=_("Title (French)"),
        max_length=200,
        help_text=_("French, English or both. Left empty, French readers see the English title."),
    )
    title_en = EitherLanguageField(
        label=_("Title (English)"),
        max_length=200,
        help_text=_("Left empty, English readers see the French title."),
    )
    context_fr = forms.CharField(label=_("Context (French)"), widget=forms.Textarea, required=False)
    context_en = forms.CharField(label=_("Context (English)"), widget=forms.Textarea, required=False)
    starts_on = forms.DateField(label=_("Opening date"), required=False, widget=DateInput())
    closes_at = forms.DateTimeField(
        label=_("Closing date and time"),
        required=False,
        widget=DateTimeInput(),
        help_text=_(
            "Paris time. The consultation closes by itself at that time; leave it empty to close it yourself."
        ),
    )
    moderation = forms.ChoiceField(
        label=_("Moderation of proposals"), choices=Consultation.Moderation.choices, widget=forms.RadioSelect
    )
    proposals_allowed = SettingCheckbox(label=_("Citizens may submit proposals"))
    max_proposal_length = forms.IntegerField(
        label=_("Maximum length of a proposal (characters)"), min_value=20, max_value=MAX_PROPOSAL_LENGTH
    )

    def clean(self):
        cleaned = super().clean()
        check_pair(self, cleaned, "title_fr", "title_en", "title")
        return cleaned


class QuestionForm(PacteForm):
    kind = forms.ChoiceField(label=_("Kind of question"), choices=Question.Kind.choices)
    text_fr = EitherLanguageField(
        label=_("Question (French)"),
        max_length=500,
        help_text=_("French, English or both. Left empty, French readers see the English question."),
    )
    text_en = EitherLanguageField(
        label=_("Question (English)"),
        max_length=500,
        help_text=_("Left empty, English readers see the French question."),
    )
    choices = forms.CharField(
        label=_("Choices"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "Single and multiple choice only: one choice per line, French then English separated by “|” "
            "(“Oui | Yes”; “Oui” alone in French only, “| Yes” in English only). Scale questions get the "
            "five agreement levels."
        ),
    )
    exclusive_choices = forms.CharField(
        label=_("Choices that exclude the others"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "Multiple choice only: the label of each choice that must be ticked alone, French or English, "
            "such as “Aucun” or “None”, one per line."
        ),
    )
    required = SettingCheckbox(
        label=_("Answer required"),
        help_text=_("Participants cannot save their answers without answering this question."),
    )

    def clean(self):
        """What the typed text alone shows wrong; the rules of the choices themselves (how many, which
        may stand alone) are the service's (``services.check_choices``), shown under the same field."""
        cleaned = super().clean()
        check_pair(self, cleaned, "text_fr", "text_en", "question")
        exclusive = self._exclusive_labels(cleaned)
        labels = {label for fr, en, _exclusive in self._pairs(cleaned, exclusive=set()) for label in (fr, en)}
        lines = cleaned.get("choices", "").splitlines()
        if cleaned.get("kind") in (Question.Kind.SCALE, Question.Kind.OPEN) and "".join(lines).strip():
            # Typed choices would be dropped unsaid: a scale has its five levels, an open question none.
            self.add_error(
                "choices", _("Only single and multiple choice questions take choices: empty this field.")
            )
        if exclusive and cleaned.get("kind") != Question.Kind.MULTIPLE:
            self.add_error(
                "exclusive_choices", _("Only a multiple-choice question has choices that exclude the others.")
            )
        elif unknown := [label for label in exclusive if label not in labels]:
            self.add_error(
                "exclusive_choices", _("“%(label)s” is not one of the choices above.") % {"label": unknown[0]}
            )
        return cleaned

    @staticmethod
    def _exclusive_labels(cleaned) -> list[str]:
        return [line.strip() for line in cleaned.get("exclusive_choices", "").splitlines() if line.strip()]

    @staticmethod
    def _pairs(cleaned, *, exclusive: set[str]) -> list[tuple[str, str, bool]]:
        triples = []
        for line in cleaned.get("choices", "").splitlines():
            fr, en = (part.strip() for part in line.partition("|")[::2])
            if fr or en:  # a choice needs one label, French or English (a blank line is none)
                triples.append((fr, en, bool({fr, en} & exclusive)))
        return triples

    def parsed_choices(self) -> list[tuple[str, str, bool]]:
        """(French, English, exclusive) for each choice typed; exclusive when either label is listed."""
        return self._pairs(self.cleaned_data, exclusive=set(self._exclusive_labels(self.cleaned_data)))


def _megabytes(value: float) -> str:
    """A size in MB as the reader's language writes it: 50, 2.5 (2,5 in French)."""
    return number_format(int(value) if float(value).is_integer() else value)


class ImportForm(PacteForm):
    file = forms.FileField(label=_("CSV file"))  # help text (with the size limit) set in __init__
    text_column = forms.CharField(label=_("Name of the column holding the text"), max_length=100)
    date_column = forms.CharField(label=_("Name of the date column"), max_length=100, required=False)
    strata_columns = forms.CharField(
        label=_("Names of profile columns"),
        max_length=500,
        required=False,
        help_text=_("Comma-separated, e.g. age,region."),
    )
    language_column = forms.CharField(
        label=_("Name of the language column"),
        max_length=100,
        required=False,
        help_text=_(
            "Optional: a column giving each text's language as a code such as fr or en, so that pages "
            "mark it for screen readers. Without it, the language of imported texts is left unknown."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        set_help_text(
            self,
            "file",
            _("UTF-8 preferred; comma, semicolon or tab separated; up to %(limit)s MB.")
            % {"limit": _megabytes(settings.PACTE_IMPORT_PAGE_MAX_MB)},
        )

    def clean_file(self):
        # The file is held in the database until a worker imports it: very large files go to the command
        # (no limit, progress bar).
        upload = self.cleaned_data["file"]
        limit_mb = settings.PACTE_IMPORT_PAGE_MAX_MB
        if upload.size > limit_mb * 1024 * 1024:
            raise forms.ValidationError(
                _(
                    "This file is %(size)s MB; this page imports files up to %(limit)s MB. Split it, or "
                    "ask the administrator to run: python manage.py import_contributions (no size limit)."
                ),
                params={"size": number_format(upload.size / 1024 / 1024, 1), "limit": _megabytes(limit_mb)},
            )
        return upload
