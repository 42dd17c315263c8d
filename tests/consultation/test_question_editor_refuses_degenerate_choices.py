"""The organisers' question editor refuses a question whose choices make no real choice: a multiple-choice
question with one ordinary choice beside "Aucun" (ticking several boxes is then impossible), choices all
exclusive, the same choice twice, fewer than two choices, choices typed for a scale or open question (they
would be dropped without a word). A label in English only ("| No") is a choice, as in French only
(tests/consultation/test_either_language_forms.py). Each refusal is under the "Choices" field,
in the reader's language; what was typed stays in the form; nothing is saved, and the questions already
saved stay as they were. The rule of the choices is the service's, so it holds for every caller."""

import html

import pytest
from django.urls import reverse

from consultation import services
from tests.conftest import with_totp
from tests.helpers import make_consultation
from tests.html_parts import elements

pytestmark = pytest.mark.django_db

ONE_ORDINARY = {
    "en": "A multiple-choice question needs at least two choices that can be ticked together; only "
    "“Courrier” can here. Add another such choice, or make it a single-choice question.",
    "fr": "Une question à choix multiple doit proposer au moins deux choix qui peuvent être cochés "
    "ensemble\u00a0; seul «\u00a0Courrier\u00a0» le peut ici. Ajoutez un autre choix de ce type, ou "
    "faites-en une question à choix unique.",
}


@pytest.fixture
def draft(db):
    """A draft with one question already saved (which no refusal may touch)."""
    draft = make_consultation("brouillon", phase="draft", questions=False)
    services.add_question(actor=None, consultation=draft, kind="open", text_fr="Pourquoi ?", text_en="Why?")
    return draft


@pytest.fixture
def editor(client, organiser):
    client.force_login(with_totp(organiser))
    return client


def _post(editor, draft, fields, language="en"):
    return editor.post(
        reverse("consultation:questions", args=[draft.slug]), fields, HTTP_ACCEPT_LANGUAGE=language
    )


def _under_choices(response) -> tuple[list[str], str]:
    """The messages the "Choices" textarea is described by (what a screen reader reads with it), and
    the text it holds."""
    parts = elements(response.content.decode())
    choices = next(e for e in parts if e["tag"] == "textarea" and e["attrs"].get("name") == "choices")
    assert choices["attrs"].get("aria-invalid") == "true"
    by_id = {e["attrs"]["id"]: e["text"] for e in parts if e["attrs"].get("id")}
    described = [html.unescape(by_id[i]) for i in choices["attrs"].get("aria-describedby", "").split()]
    return described, html.unescape(choices["text"])


def _unchanged(draft) -> None:
    assert [(q.kind, q.text_fr) for q in draft.questions.all()] == [("open", "Pourquoi ?")]


@pytest.mark.parametrize("language", ["en", "fr"])
def test_one_ordinary_choice_beside_an_exclusive_one_is_refused_under_the_choices(editor, draft, language):
    typed = "Courrier | Post\nAucun | None"
    response = _post(
        editor,
        draft,
        {"kind": "multiple", "text_fr": "Quels canaux ?", "choices": typed, "exclusive_choices": "Aucun"},
        language,
    )
    assert response.status_code == 400
    described, kept = _under_choices(response)
    assert any(ONE_ORDINARY[language] in text for text in described), described
    assert kept == " ".join(typed.split())  # kept, to be corrected (the parser joins lines)
    _unchanged(draft)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        (  # every choice stands alone
            {"kind": "multiple", "choices": "Aucun | None\nNe sait pas | Don't know",
             "exclusive_choices": "Aucun\nNe sait pas"},
            "At least one choice must be combinable with others.",
        ),
        ({"kind": "single", "choices": "Oui | Yes"}, "A choice question needs at least two choices."),
        ({"kind": "multiple", "choices": "Oui | Yes\n\n  \n"}, "A choice question needs at least two"),
        ({"kind": "single", "choices": "Oui | Yes\noui | Yes, sure"}, "“oui” is written twice"),
        ({"kind": "multiple", "choices": "Oui | Yes\nSi | Yes\nNon | No"}, "“Yes” is written twice"),
        ({"kind": "scale", "choices": "Bof | Meh\nTop | Great"}, "Only single and multiple choice questions"),
        ({"kind": "open", "choices": "Oui | Yes"}, "Only single and multiple choice questions take choices"),
    ],
)  # fmt: skip
def test_other_degenerate_choices_are_refused_under_the_choices(editor, draft, fields, message):
    response = _post(editor, draft, {"text_fr": "Une question ?", **fields})
    assert response.status_code == 400
    described, kept = _under_choices(response)
    assert any(message in text for text in described), described
    assert kept == " ".join(fields["choices"].split())
    _unchanged(draft)


def test_two_ordinary_choices_and_an_exclusive_one_are_saved(editor, draft):
    response = _post(
        editor,
        draft,
        {
            "kind": "multiple",
            "text_fr": "Quels canaux ?",
            "choices": "Courrier | Post\nEn ligne | Online\nAucun | None",
            "exclusive_choices": "Aucun",
        },
    )
    assert response.status_code == 302
    question = draft.questions.get(kind="multiple")
    assert [(c.label_fr, c.exclusive) for c in question.choices.all()] == [
        ("Courrier", False),
        ("En ligne", False),
        ("Aucun", True),
    ]
    assert draft.questions.count() == 2


def test_the_service_refuses_it_for_every_caller(draft):
    with pytest.raises(services.ConsultationError) as refused:
        services.add_question(
            actor=None,
            consultation=draft,
            kind="multiple",
            text_fr="Quels canaux ?",
            choices=[("Courrier", "Post"), ("Aucun", "None", True)],
        )
    assert refused.value.field == "choices"
    assert str(refused.value) == ONE_ORDINARY["fr"]  # the site's language by default
    with pytest.raises(services.ConsultationError):
        services.add_question(
            actor=None, consultation=draft, kind="single", text_fr="Oui ?", choices=[("Oui", ""), ("Oui", "")]
        )
    _unchanged(draft)


@pytest.mark.parametrize("language", ["en", "fr"])
def test_a_choice_too_long_is_refused_under_the_choices_not_a_server_error(editor, draft, language):
    long = "Dans un accueil de l’Assurance maladie " * 6  # 233 characters once stripped: too many
    typed = f"{long}| At a counter\nEn ligne | Online"
    response = _post(editor, draft, {"kind": "single", "text_fr": "Où ?", "choices": typed}, language)
    assert response.status_code == 400
    described, kept = _under_choices(response)
    said = {
        "en": "A choice has at most 200 characters; “Dans un accueil de l’Assurance maladie…” has 233.",
        "fr": "Un choix compte au plus 200 caractères\u00a0; «\u00a0Dans un accueil de l’Assurance "
        "maladie…\u00a0» en compte 233.",
    }[language]
    assert any(said in text for text in described), described
    assert kept == " ".join(typed.split())
    _unchanged(draft)
