"""The questionnaire says once, at the top, that its questions are optional, instead of "(Optionnel)"
after each of its 13 questions (DSFR, RGAA 11.10: one sentence, then a mark on the exceptions only).
Any form built on config.form_marks marks whichever group is smaller."""

import io
import re

import pytest
from django import forms
from django.core.management import call_command
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation

from config.form_marks import MarksTheExceptions
from consultation import services
from consultation.models import Consultation

pytestmark = pytest.mark.django_db


def _section(html: str) -> str:
    start = html.index('id="questionnaire"')
    return html[start : html.index("</section>", start)]


@pytest.mark.parametrize(
    ("language", "note", "optional_mark"),
    [
        ("fr", "Toutes les questions sont facultatives.", "(Optionnel)"),
        ("en", "Every question is optional.", "(Optional)"),
    ],
)
def test_the_questionnaire_says_once_that_every_question_is_optional(
    client, citizen, language, note, optional_mark
):
    call_command("load_consultation", "data-donation", stdout=io.StringIO())
    consultation = Consultation.objects.get(slug="data-donation")
    services.accept_charter(user=citizen, consultation=consultation)
    client.force_login(citizen)
    client.cookies["django_language"] = language
    html = client.get(reverse("consultation:detail", args=[consultation.slug])).content.decode()
    section = _section(html)
    assert len(re.findall(r"<legend|<label", section)) >= 13  # the 13 questions are all there
    assert section.count(note) == 1
    assert optional_mark not in section and "(obligatoire)" not in section and "(required)" not in section


class _Form(MarksTheExceptions):
    def __init__(self, *args, required: list[bool], **kwargs):
        super().__init__(*args, **kwargs)
        for i, needed in enumerate(required):
            self.fields[f"f{i}"] = forms.CharField(label=f"Field {i}", required=needed)


def _labels(form) -> dict[str, str]:
    html = Template('{% for field in form %}{% include "includes/marked_field.html" %}{% endfor %}').render(
        Context({"form": form})
    )
    found = re.findall(r'<label for="id_(f\d)" class="fr-label">\s*(.*?)\s*</label>', html, re.S)
    return {name: " ".join(text.split()) for name, text in found}


@pytest.mark.parametrize("language", ["en", "fr"])
def test_mostly_optional_marks_the_required_ones(language):
    with translation.override(language):
        form = _Form(required=[False, True, False, False])
        labels = _labels(form)
        required = "(required)" if language == "en" else "(obligatoire)"
        assert labels == {"f0": "Field 0", "f1": f"Field 1 {required}", "f2": "Field 2", "f3": "Field 3"}
        assert (
            form.requirement_note
            == {
                "en": "Every question is optional unless stated otherwise.",
                "fr": "Toutes les questions sont facultatives sauf mention contraire.",
            }[language]
        )


def test_mostly_required_marks_the_optional_ones():
    with translation.override("fr"):
        form = _Form(required=[True, False, True])
        assert _labels(form) == {"f0": "Field 0", "f1": "Field 1 (Optionnel)", "f2": "Field 2"}
        assert form.requirement_note == "Toutes les questions sont obligatoires sauf mention contraire."


def test_all_required_marks_none():
    with translation.override("en"):
        form = _Form(required=[True, True])
        assert _labels(form) == {"f0": "Field 0", "f1": "Field 1"}
        assert form.requirement_note == "Every question is required."
