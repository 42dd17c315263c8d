"""A choice such as "None" in a multiple-choice question stands alone: ticking it with another choice is
refused with a message under the question (the rule lives in the form and in the service, so it holds
without JavaScript and for every caller), what was ticked is kept, nothing is saved. Organisers mark such
choices in the questionnaire editor; the demo consultation's "Aucun" / "None" is one."""

import html
import io
import re

import pytest
from django.core.management import call_command
from django.urls import reverse

from consultation import services
from consultation.models import Answer, Choice, Consultation
from tests.conftest import with_totp
from tests.helpers import make_consultation
from tests.html_parts import elements

pytestmark = pytest.mark.django_db

REFUSAL = {
    "en": "“None” cannot be ticked with another choice: tick it alone, or untick it.",
    "fr": "«\u00a0Aucun\u00a0» ne peut pas être coché avec un autre choix\u00a0: cochez-le seul, "
    "ou décochez-le.",
}


@pytest.fixture
def consultation(db):
    consultation = make_consultation("choix-exclusif", phase="draft", questions=False)
    services.add_question(
        actor=None,
        consultation=consultation,
        kind="multiple",
        text_fr="À qui confier vos données ?",
        text_en="To whom would you entrust your data?",
        choices=[("Hôpitaux", "Hospitals"), ("Chercheurs", "Researchers"), ("Aucun", "None", True)],
    )
    services.transition(actor=None, consultation=consultation, to_phase=Consultation.Phase.OPEN)
    return consultation


@pytest.fixture
def member(citizen, consultation, client):
    services.accept_charter(user=citizen, consultation=consultation)
    client.force_login(citizen)
    return citizen


def _question(consultation):
    question = consultation.questions.get()
    return question, {c.label_en: c for c in question.choices.all()}


def _checked(html: str, name: str) -> list[str]:
    boxes = re.findall(rf'<input[^>]*name="{name}"[^>]*>', html)
    return [re.search(r'value="(\d+)"', b).group(1) for b in boxes if "checked" in b]


@pytest.mark.parametrize("language", ["en", "fr"])
def test_none_with_another_choice_is_refused_under_the_question(client, member, consultation, language):
    question, choice = _question(consultation)
    client.cookies["django_language"] = language
    ticked = [str(choice["Hospitals"].pk), str(choice["None"].pk)]
    response = client.post(
        reverse("consultation:answer", args=[consultation.slug]),
        {f"q{question.pk}": ticked},
        HTTP_ACCEPT_LANGUAGE=language,
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert REFUSAL[language] in html
    assert sorted(_checked(html, f"q{question.pk}")) == sorted(ticked)  # what was ticked is kept
    assert not Answer.objects.filter(question=question).exists()


def test_none_alone_or_other_choices_together_are_saved(client, member, consultation):
    question, choice = _question(consultation)
    url = reverse("consultation:answer", args=[consultation.slug])
    client.post(url, {f"q{question.pk}": [choice["Hospitals"].pk, choice["Researchers"].pk]})
    answer = Answer.objects.get(question=question, user=member)
    assert {c.label_en for c in answer.choices.all()} == {"Hospitals", "Researchers"}
    client.post(url, {f"q{question.pk}": [choice["None"].pk]})
    assert [c.label_en for c in answer.choices.all()] == ["None"]


def test_the_service_refuses_it_for_every_caller(member, consultation):
    question, choice = _question(consultation)
    with pytest.raises(services.ConsultationError) as refused:
        services.save_answers(
            user=member,
            consultation=consultation,
            answers={question.pk: [choice["None"].pk, choice["Researchers"].pk]},
        )
    assert str(refused.value.messages[0]) == REFUSAL["fr"]  # the site's language by default
    assert not Answer.objects.filter(question=question).exists()


def test_the_page_says_which_choice_stands_alone_and_marks_it_for_the_script(client, member, consultation):
    question, choice = _question(consultation)
    html = client.get(reverse("consultation:detail", args=[consultation.slug]), HTTP_ACCEPT_LANGUAGE="en")
    html = html.content.decode()
    assert "“None” is ticked alone." in html
    exclusive = re.findall(r'<input[^>]*data-exclusive="true"[^>]*>', html)
    assert len(exclusive) == 1 and f'value="{choice["None"].pk}"' in exclusive[0]
    assert "pacte/exclusive-choices.js" in html


def test_organisers_mark_a_choice_as_exclusive_in_the_editor(client, organiser):
    draft = make_consultation("brouillon", phase="draft", questions=False)
    client.force_login(with_totp(organiser))
    url = reverse("consultation:questions", args=[draft.slug])
    fields = {
        "kind": "multiple",
        "text_fr": "Quels canaux ?",
        "text_en": "Which channels?",
        "choices": "Courrier | Post\nEn ligne | Online\nAucun | None",
    }
    refused = client.post(url, {**fields, "exclusive_choices": "Rien"}, HTTP_ACCEPT_LANGUAGE="en")
    assert "“Rien” is not one of the choices above." in refused.content.decode()
    assert not draft.questions.exists()
    client.post(url, {**fields, "exclusive_choices": "Aucun"})
    assert {c.label_fr: c.exclusive for c in Choice.objects.filter(question__consultation=draft)} == {
        "Courrier": False,
        "En ligne": False,
        "Aucun": True,
    }
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    listed = '<span lang="fr">Aucun</span> / <span lang="en">None</span> <span class="fr-badge'
    assert listed in page and "excludes the other choices" in page


def test_a_single_choice_question_has_no_exclusive_choice(client, organiser):
    draft = make_consultation("brouillon", phase="draft", questions=False)
    client.force_login(with_totp(organiser))
    response = client.post(
        reverse("consultation:questions", args=[draft.slug]),
        {"kind": "single", "text_fr": "Oui ?", "choices": "Oui\nNon", "exclusive_choices": "Non"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert "Only a multiple-choice question has choices that exclude the others." in response.content.decode()
    assert not draft.questions.exists()


def test_the_demo_consultations_none_is_exclusive():
    call_command("load_consultation", "data-donation", stdout=io.StringIO())
    exclusive = Choice.objects.filter(question__consultation__slug="data-donation", exclusive=True)
    assert [(c.label_fr, c.label_en) for c in exclusive] == [("Aucun", "None")]


def test_the_api_says_which_choice_stands_alone(client, consultation):
    (question,) = client.get(f"/api/consultations/{consultation.slug}/questions/").json()
    assert [(c["label_en"], c["exclusive"]) for c in question["choices"]] == [
        ("Hospitals", False),
        ("Researchers", False),
        ("None", True),
    ]


ALL_EXCLUSIVE = {
    "en": "At least one choice must be combinable with others.",
    "fr": "Au moins un choix doit pouvoir être combiné avec d’autres.",
}


@pytest.mark.parametrize("language", ["en", "fr"])
def test_a_question_whose_choices_all_stand_alone_is_refused_under_its_choices(client, organiser, language):
    """Every choice exclusive would make the checkboxes a single choice in disguise: the editor refuses it,
    under the choices, keeps what was typed and saves nothing."""
    draft = make_consultation("brouillon", phase="draft", questions=False)
    client.force_login(with_totp(organiser))
    response = client.post(
        reverse("consultation:questions", args=[draft.slug]),
        {
            "kind": "multiple",
            "text_fr": "Quels canaux ?",
            "choices": "Aucun | None\nNe sait pas | Don't know",
            "exclusive_choices": "Aucun\nNe sait pas",
        },
        HTTP_ACCEPT_LANGUAGE=language,
    )
    page = response.content.decode()
    parts = elements(page)
    choices = next(e for e in parts if e["tag"] == "textarea" and e["attrs"].get("name") == "choices")
    assert choices["attrs"].get("aria-invalid") == "true"
    by_id = {e["attrs"]["id"]: e["text"] for e in parts if e["attrs"].get("id")}
    described = [html.unescape(by_id[i]) for i in choices["attrs"].get("aria-describedby", "").split()]
    assert any(ALL_EXCLUSIVE[language] in text for text in described), described
    assert "Ne sait pas | Don't know" in html.unescape(choices["text"])  # kept, to be corrected
    assert not draft.questions.exists()


def test_the_service_refuses_all_exclusive_choices_and_ignores_the_mark_elsewhere(db):
    draft = make_consultation("brouillon", phase="draft", questions=False)
    with pytest.raises(services.ConsultationError) as refused:
        services.add_question(
            actor=None,
            consultation=draft,
            kind="multiple",
            text_fr="Quels canaux ?",
            choices=[("Aucun", "None", True), ("Ne sait pas", "Don't know", True), ("  ", "", False)],
        )
    assert str(refused.value) == ALL_EXCLUSIVE["fr"]
    assert not draft.questions.exists()
    # One combinable choice is enough for the rule; and a single-choice question's choices already stand
    # alone, so a mark given to them is dropped rather than refused.
    services.add_question(
        actor=None,
        consultation=draft,
        kind="multiple",
        text_fr="Quels canaux ?",
        choices=[("Courrier", "Post"), ("En ligne", "Online"), ("Aucun", "None", True)],
    )
    single = services.add_question(
        actor=None,
        consultation=draft,
        kind="single",
        text_fr="Oui ou non ?",
        choices=[("Oui", "Yes", True), ("Non", "No", True)],
    )
    assert not single.choices.filter(exclusive=True).exists()
    assert draft.questions.count() == 2
