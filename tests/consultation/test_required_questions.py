"""Questions the organisers mark "Answer required": the rule (a required question holds an answer once the
person's answers are saved, so it cannot be left blank nor taken back), the questionnaire page (the mark
explained once at the top, `required` on the inputs, a refusal under the question with a summary linking to
it, everything typed kept, nothing saved lost), the organisers' editor (ticked when adding, switched on an
open consultation with the count of participants who have not answered), and the results page.

The page tests post what a browser sends (test_take_back_answers: every field as the page shows it)."""

import csv
import html
import io
import zipfile

import pytest
from django.urls import reverse
from drf_spectacular.validation import validate_schema

from accounts.models import AuditEvent
from consultation import services
from consultation.models import Answer, Question
from consultation.opendata import build_archive
from consultation.required_answers import AnswersMissing
from tests.conftest import with_totp
from tests.consultation.test_take_back_answers import _choice, _page, _radios, _save, _sent_by_browser
from tests.factories import UserFactory
from tests.helpers import make_consultation, open_questionnaire
from tests.html_parts import elements

pytestmark = pytest.mark.django_db

MISSING = {
    "en": "Answer this question: an answer is required.",
    "fr": "Répondez à cette question\u00a0: une réponse est obligatoire.",
}
NOT_TAKEN_BACK = {
    "en": "This question requires an answer: you can change yours, but not take it back.",
    "fr": "Cette question demande une réponse\u00a0: vous pouvez modifier la vôtre, mais pas la retirer.",
}
NOTE = {
    "en": "Every question is optional, except those marked “(required)”.",
    "fr": "Toutes les questions sont facultatives, sauf celles marquées «\u00a0(obligatoire)\u00a0».",
}


@pytest.fixture
def consultation(db):
    """Four questions, two of them required (a scale and an open question)."""
    return open_questionnaire("obligatoires", required=("scale", "open"))


@pytest.fixture
def member(client, citizen, consultation):
    services.accept_charter(user=citizen, consultation=consultation)
    client.force_login(citizen)
    return citizen


def _q(consultation) -> dict[str, Question]:
    return {q.kind: q for q in consultation.questions.prefetch_related("choices")}


def _saved(user) -> dict[str, Answer]:
    return {a.question.kind: a for a in Answer.objects.filter(user=user).prefetch_related("choices")}


# --- The rule (the service, for every caller) ------------------------------------------------------------


def test_questions_are_optional_unless_marked(db):
    """A question saved before the setting existed, or added without it, stays optional."""
    consultation = make_consultation("sans-obligation")
    assert not any(q.required for q in consultation.questions.all())


def test_a_save_without_a_required_answer_is_refused_whole(member, consultation):
    q = _q(consultation)
    with pytest.raises(AnswersMissing) as refused:
        services.save_answers(
            user=member,
            consultation=consultation,
            answers={q["single"].pk: [int(_choice(q["single"], "Yes"))], q["scale"].pk: []},
        )
    assert set(refused.value.by_question) == {q["scale"].pk, q["open"].pk}
    assert refused.value.status == 400
    assert str(refused.value) == "2 questions obligatoires sont sans réponse\u00a0: rien n’a été enregistré."
    assert not Answer.objects.exists()  # not even the single choice given with it


def test_a_required_answer_saved_before_counts_and_cannot_be_taken_back(member, consultation):
    q = _q(consultation)
    agree = int(_choice(q["scale"], "Agree"))
    services.save_answers(
        user=member, consultation=consultation, answers={q["scale"].pk: [agree], q["open"].pk: "Parce que."}
    )
    # Later, another answer alone: the required ones saved before still hold.
    result = services.save_answers(
        user=member, consultation=consultation, answers={q["single"].pk: [int(_choice(q["single"], "No"))]}
    )
    assert result.saved == 1
    with pytest.raises(AnswersMissing) as refused:
        services.save_answers(user=member, consultation=consultation, answers={}, taken_back=[q["open"].pk])
    assert list(refused.value.by_question.values()) == [NOT_TAKEN_BACK["fr"]]  # the site's language
    assert _saved(member)["open"].text == "Parce que."
    # An optional one still can be taken back.
    services.save_answers(user=member, consultation=consultation, answers={}, taken_back=[q["single"].pk])
    assert set(_saved(member)) == {"scale", "open"}


def test_made_required_later_keeps_earlier_answers_and_asks_at_the_next_save(member, consultation, organiser):
    q = _q(consultation)
    services.save_answers(
        user=member,
        consultation=consultation,
        answers={q["scale"].pk: [int(_choice(q["scale"], "Agree"))], q["open"].pk: "Oui."},
    )
    without = services.set_question_required(actor=organiser, question=q["single"], required=True).without
    assert without == 1  # the member answered the questionnaire but not this question
    assert set(_saved(member)) == {"scale", "open"}  # nothing invalidated
    with pytest.raises(AnswersMissing):
        services.save_answers(user=member, consultation=consultation, answers={q["open"].pk: "Non."})
    assert _saved(member)["open"].text == "Oui."


# --- The questionnaire page ---------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_page_marks_the_required_questions_and_explains_the_mark_once(
    client, member, consultation, language
):
    q = _q(consultation)
    page = _page(client, consultation, language)
    section = page[page.index('id="questionnaire"') :]
    assert section.count(NOTE[language]) == 1
    parts = elements(page)
    mark = {"en": "(required)", "fr": "(obligatoire)"}[language]
    legends = {e["attrs"].get("id"): e["text"] for e in parts if e["tag"] == "legend"}
    assert legends[f"id_q{q['scale'].pk}-legend"].endswith(mark)
    assert not legends[f"id_q{q['single'].pk}-legend"].endswith(mark)
    label = next(e for e in parts if e["tag"] == "label" and e["attrs"].get("for") == f"id_q{q['open'].pk}")
    assert mark in label["text"]
    text = next(e for e in parts if e["attrs"].get("name") == f"q{q['open'].pk}")
    assert "required" in text["attrs"] and text["attrs"].get("aria-required") == "true"
    # The required scale: no "No answer", nothing ticked, the browser told it is required.
    scale = [e for e in parts if e["tag"] == "input" and e["attrs"].get("name") == f"q{q['scale'].pk}"]
    assert len(scale) == 5 and not any("checked" in e["attrs"] for e in scale)
    assert all("required" in e["attrs"] for e in scale)
    # The optional single choice keeps its "No answer", and no required attribute.
    single = _radios(page, f"q{q['single'].pk}")
    assert single[-1]["value"] == "" and single[-1]["checked"]
    assert not any("required" in e["attrs"] for e in parts if e["attrs"].get("name") == f"q{q['single'].pk}")


@pytest.mark.parametrize("language", ["en", "fr"])
def test_saving_without_a_required_answer_shows_the_error_and_keeps_everything(
    client, member, consultation, language
):
    q = _q(consultation)
    data = _sent_by_browser(_page(client, consultation, language))
    data.update(
        {
            f"q{q['single'].pk}": [_choice(q["single"], "Yes")],
            f"q{q['multiple'].pk}": [_choice(q["multiple"], "Post")],
            f"q{q['open'].pk}": ["Parce que c’est utile."],
        }
    )  # the required scale left unanswered
    response = _save(client, consultation, data, language)

    assert response.status_code == 400
    assert not Answer.objects.exists()
    page = response.content.decode()
    parts = elements(page)
    by_id = {e["attrs"]["id"]: e for e in parts if e["attrs"].get("id")}
    fieldset = by_id[f"radio-id_q{q['scale'].pk}"]
    assert "fr-fieldset--error" in fieldset["attrs"]["class"]
    described = [by_id[i]["text"] for i in fieldset["attrs"]["aria-labelledby"].split()]
    assert any(MISSING[language] in html.unescape(t) for t in described)
    # The summary at the top links to the question in error, and only to it.
    summary = next(e for e in parts if e["attrs"].get("id") == "error-summary")  # the site's one summary
    hrefs = [e["attrs"]["href"] for e in parts if e["tag"] == "a" and _inside(e, summary)]
    assert hrefs == [f"#radio-id_q{q['scale'].pk}"]
    # The link's target takes the focus, so the keyboard moves there too (a plain fieldset does not).
    assert fieldset["attrs"]["tabindex"] == "-1"
    # What was typed and ticked is shown again.
    sent_back = _sent_by_browser(page)
    assert sent_back[f"q{q['single'].pk}"] == [_choice(q["single"], "Yes")]
    assert sent_back[f"q{q['multiple'].pk}"] == [_choice(q["multiple"], "Post")]
    assert sent_back[f"q{q['open'].pk}"] == ["Parce que c’est utile."]

    # Answering it saves everything.
    sent_back[f"q{q['scale'].pk}"] = [_choice(q["scale"], "Agree")]
    response = _save(client, consultation, sent_back, language)
    assert response.status_code == 200
    saved = _saved(member)
    assert set(saved) == {"single", "scale", "multiple", "open"}
    assert [c.label_en for c in saved["scale"].choices.all()] == ["Agree"]
    assert saved["open"].text == "Parce que c’est utile."


def test_a_required_question_left_blank_is_shown_with_the_other_errors_at_once(client, member, consultation):
    """The form refuses "None" ticked with another choice; the required questions left blank are said
    in the same answer, not one round later."""
    q = _q(consultation)
    data = _sent_by_browser(_page(client, consultation))
    data[f"q{q['multiple'].pk}"] = [_choice(q["multiple"], "Post"), _choice(q["multiple"], "None")]
    data[f"q{q['open'].pk}"] = ["Parce que."]
    response = _save(client, consultation, data)
    assert response.status_code == 400
    parts = elements(response.content.decode())
    summary = next(e for e in parts if e["attrs"].get("id") == "error-summary")  # the site's one summary
    hrefs = [e["attrs"]["href"] for e in parts if e["tag"] == "a" and _inside(e, summary)]
    assert hrefs == [f"#radio-id_q{q['scale'].pk}", f"#checkboxes-id_q{q['multiple'].pk}"]
    errors = {
        e["attrs"]["id"]: html.unescape(e["text"])
        for e in parts
        if e["attrs"].get("id", "").endswith("-desc-error")
    }
    assert MISSING["en"] in errors[f"id_q{q['scale'].pk}-desc-error"]
    assert "cannot be ticked with another choice" in errors[f"id_q{q['multiple'].pk}-desc-error"]
    assert not Answer.objects.exists()


def _inside(element, container) -> bool:
    while element is not None:
        if element is container:
            return True
        element = element["parent"]
    return False


@pytest.mark.parametrize("language", ["en", "fr"])
def test_emptying_a_required_text_is_refused_and_the_saved_answer_stays(
    client, member, consultation, language
):
    q = _q(consultation)
    services.save_answers(
        user=member,
        consultation=consultation,
        answers={q["scale"].pk: [int(_choice(q["scale"], "Agree"))], q["open"].pk: "Première réponse."},
    )
    page = _page(client, consultation, language)
    said = {
        "en": "An answer to a required question can be changed but not taken back on its own: "
        "“Take back all my answers”, below, takes them all back.",
        "fr": "La réponse à une question obligatoire peut être modifiée mais pas retirée seule : "
        "« Retirer toutes mes réponses », plus bas, les retire toutes.",
    }
    assert said[language] in page
    data = _sent_by_browser(page)
    data[f"q{q['open'].pk}"] = [""]
    data[f"q{q['single'].pk}"] = [_choice(q["single"], "No")]
    response = _save(client, consultation, data, language)
    assert response.status_code == 400
    parts = elements(response.content.decode())
    text = next(e for e in parts if e["attrs"].get("name") == f"q{q['open'].pk}")
    assert text["attrs"].get("aria-invalid") == "true"
    by_id = {e["attrs"]["id"]: e["text"] for e in parts if e["attrs"].get("id")}
    described = [html.unescape(by_id[i]) for i in text["attrs"]["aria-describedby"].split()]
    assert any(NOT_TAKEN_BACK[language] in t for t in described)
    saved = _saved(member)
    assert saved["open"].text == "Première réponse." and "single" not in saved


def test_crafted_values_on_a_required_question_are_refused_not_a_server_error(client, member, consultation):
    q = _q(consultation)
    data = _sent_by_browser(_page(client, consultation))
    data.update({f"q{q['scale'].pk}": ["abc"], f"q{q['open'].pk}": ["\u202e"]})
    response = _save(client, consultation, data)
    assert response.status_code == 400
    assert not Answer.objects.exists()


# --- The organisers' editor -------------------------------------------------------------------------


@pytest.fixture
def editor(client, organiser):
    client.force_login(with_totp(organiser))
    return client


def test_the_editor_adds_a_required_question(editor, db):
    draft = make_consultation("brouillon", phase="draft", questions=False)
    page = editor.get(reverse("consultation:questions", args=[draft.slug]), HTTP_ACCEPT_LANGUAGE="fr")
    parts = elements(page.content.decode())
    box = next(e for e in parts if e["tag"] == "input" and e["attrs"].get("name") == "required")
    assert (
        box["attrs"]["type"] == "checkbox"
        and "required" not in box["attrs"]
        and "checked" not in box["attrs"]
    )
    label = next(e for e in parts if e["tag"] == "label" and e["attrs"].get("for") == box["attrs"]["id"])
    assert label["text"].startswith("Réponse obligatoire Les participants")  # no "(Optionnel)" after it
    response = editor.post(
        reverse("consultation:questions", args=[draft.slug]),
        {"kind": "open", "text_fr": "Pourquoi ?", "required": "on"},
        HTTP_ACCEPT_LANGUAGE="en",
        follow=True,
    )
    assert response.status_code == 200
    assert draft.questions.get().required
    editor.post(
        reverse("consultation:questions", args=[draft.slug]), {"kind": "open", "text_fr": "Et encore ?"}
    )
    assert not draft.questions.get(text_fr="Et encore ?").required  # unticked: optional
    parts = elements(response.content.decode())
    item = next(e for e in parts if e["attrs"].get("id", "").startswith("question-"))
    assert "Answer required" in item["text"]


@pytest.mark.parametrize("language", ["en", "fr"])
def test_making_a_question_required_on_an_open_consultation_says_who_has_not_answered(
    editor, consultation, language
):
    q = _q(consultation)
    for text in ("Oui.", "Non."):
        person = UserFactory(roles=["citizen"])
        services.accept_charter(user=person, consultation=consultation)
        services.save_answers(
            user=person,
            consultation=consultation,
            answers={q["scale"].pk: [int(_choice(q["scale"], "Agree"))], q["open"].pk: text},
        )
    url = reverse("consultation:questions", args=[consultation.slug])
    page = editor.get(url, HTTP_ACCEPT_LANGUAGE=language).content.decode()
    before = {
        "en": "2 participants who already answered have not answered this question. Making it required "
        "does not invalidate their answers",
        "fr": "2 participants ayant déjà répondu n’ont pas répondu à cette question. La rendre obligatoire "
        "n’invalide pas leurs réponses",
    }[language]
    assert before in html.unescape(" ".join(page.split()))
    response = editor.post(
        reverse("consultation:question_required", args=[consultation.slug, q["single"].pk]),
        {"required": "1"},
        HTTP_ACCEPT_LANGUAGE=language,
        follow=True,
    )
    assert Question.objects.get(pk=q["single"].pk).required
    said = {
        "en": "2 participants who already answered have not answered it: their answers stay saved and valid",
        "fr": "2 participants ayant déjà répondu n’y ont pas répondu\u00a0: leurs réponses restent "
        "enregistrées et valables",
    }[language]
    assert said in html.unescape(response.content.decode())
    assert Answer.objects.count() == 4  # nothing invalidated
    editor.post(
        reverse("consultation:question_required", args=[consultation.slug, q["single"].pk]), {"required": "0"}
    )
    assert not Question.objects.get(pk=q["single"].pk).required


@pytest.mark.parametrize(
    ("language", "wanted", "said"),
    [
        ("en", "1", "The answer to “Which mode?” was already required."),
        ("fr", "1", "La réponse à «\u00a0Mode ?\u00a0» était déjà obligatoire."),
        ("en", "0", "The answer to “Trust?” was already optional."),
        ("fr", "0", "La réponse à «\u00a0Confiance ?\u00a0» était déjà facultative."),
    ],
)
def test_setting_the_value_a_question_already_has_says_so_and_records_nothing(
    editor, consultation, organiser, language, wanted, said
):
    """A double submit, or a second tab: the first request changed the setting, the second finds it done."""
    q = _q(consultation)
    question = q["single"] if wanted == "1" else q["scale"]
    url = reverse("consultation:question_required", args=[consultation.slug, question.pk])
    editor.post(url, {"required": wanted}, follow=True)  # the first tab: changed, its message read
    recorded = AuditEvent.objects.filter(action="question.required_changed").count()
    response = editor.post(url, {"required": wanted}, HTTP_ACCEPT_LANGUAGE=language, follow=True)
    text = html.unescape(response.content.decode())
    assert said in text
    assert "now required" not in text and "désormais" not in text
    assert AuditEvent.objects.filter(action="question.required_changed").count() == recorded
    assert Question.objects.get(pk=question.pk).required is (wanted == "1")


def test_the_setting_cannot_change_once_the_consultation_is_closed(editor, consultation, organiser):
    q = _q(consultation)
    services.transition(actor=organiser, consultation=consultation, to_phase="closed")
    response = editor.post(
        reverse("consultation:question_required", args=[consultation.slug, q["single"].pk]),
        {"required": "1"},
        HTTP_ACCEPT_LANGUAGE="en",
        follow=True,
    )
    assert "can only be changed while the consultation is a draft or open" in html.unescape(
        response.content.decode()
    )
    assert not Question.objects.get(pk=q["single"].pk).required


def test_a_citizen_cannot_change_the_setting(client, member, consultation):
    q = _q(consultation)
    response = client.post(
        reverse("consultation:question_required", args=[consultation.slug, q["single"].pk]), {"required": "1"}
    )
    assert response.status_code in (403, 404)
    assert not Question.objects.get(pk=q["single"].pk).required


# --- Results -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("language", "badge"), [("en", "Answer required"), ("fr", "Réponse obligatoire")])
def test_the_public_results_show_which_questions_required_an_answer(
    client, member, consultation, organiser, language, badge
):
    """A forced answer changes how a response rate reads: everyone sees it, not only the organisers."""
    services.transition(actor=organiser, consultation=consultation, to_phase="closed")
    client.logout()
    url = reverse("consultation:results", args=[consultation.slug])
    page = client.get(url, HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert page.count(badge) == 1  # the scale; the open question has no results table


def test_the_api_and_the_open_data_say_which_questions_required_an_answer(client, consultation):
    q = _q(consultation)
    questions = client.get(f"/api/consultations/{consultation.slug}/questions/").json()
    assert {item["id"]: item["required"] for item in questions} == {
        q["single"].pk: False, q["scale"].pk: True, q["multiple"].pk: False, q["open"].pk: True
    }  # fmt: skip
    schema = client.get("/api/schema/?format=json", HTTP_ACCEPT_LANGUAGE="en").json()
    validate_schema(schema)
    declared = schema["components"]["schemas"]["Question"]["properties"]["required"]
    assert declared["type"] == "boolean" and declared.get("readOnly") is True
    assert "had to answer this question" in declared["description"]

    archive = zipfile.ZipFile(io.BytesIO(build_archive(consultation)))
    lines = archive.read("questions.csv").decode().splitlines()
    assert lines[0].split(",") == [
        "question_id",
        "position",
        "kind",
        "text_fr",
        "text_en",
        "choice_id",
        "choice_fr",
        "choice_en",
        "required",
    ]  # fmt: skip  (added last: scripts reading the columns by position still work)
    rows = list(csv.DictReader(lines))
    assert {int(r["question_id"]): r["required"] for r in rows} == {
        q["single"].pk: "false", q["scale"].pk: "true", q["multiple"].pk: "false", q["open"].pk: "true"
    }  # fmt: skip
    readme = archive.read("README.md").decode().split("## questions.csv", 1)[1].split("##", 1)[0]
    assert "required (true | false" in " ".join(readme.split())


def test_a_closed_consultations_editor_promises_no_next_save(editor, consultation, organiser):
    """Once closed, nobody saves answers again and the setting no longer changes: the editor does not
    say that those who have not answered "will be asked for this answer the next time they save"."""
    q = _q(consultation)
    person = UserFactory(roles=["citizen"])
    services.accept_charter(user=person, consultation=consultation)
    services.save_answers(
        user=person,
        consultation=consultation,
        answers={q["scale"].pk: [int(_choice(q["scale"], "Agree"))], q["open"].pk: "Oui."},
    )
    services.transition(actor=organiser, consultation=consultation, to_phase="closed")
    page = editor.get(reverse("consultation:questions", args=[consultation.slug]), HTTP_ACCEPT_LANGUAGE="en")
    text = html.unescape(" ".join(page.content.decode().split()))
    assert "Make the answer required" not in text
    assert "the next time they save their answers" not in text


def test_an_erased_participant_is_not_counted_as_one_to_ask(editor, consultation, organiser):
    """An erased account that kept its answers under its pseudonym never saves again: the editor does not
    count it among those "asked for this answer the next time they save"."""
    from accounts.services import erase_account

    q = _q(consultation)
    people = [UserFactory(roles=["citizen"]) for _ in range(2)]
    for person in people:
        services.accept_charter(user=person, consultation=consultation)
        services.save_answers(
            user=person,
            consultation=consultation,
            answers={q["scale"].pk: [int(_choice(q["scale"], "Agree"))], q["open"].pk: "Oui."},
        )
    erase_account(user=people[0], keep_contributions=True)
    assert Answer.objects.filter(user=people[0]).exists()  # kept, under the pseudonym
    page = editor.get(reverse("consultation:questions", args=[consultation.slug]), HTTP_ACCEPT_LANGUAGE="en")
    text = html.unescape(" ".join(page.content.decode().split()))
    assert "1 participant who already answered has not answered this question." in text
    assert services.set_question_required(actor=organiser, question=q["single"], required=True).without == 1


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_editor_of_an_open_consultation_does_not_say_nothing_can_change(
    editor, consultation, organiser, language
):
    """Below the "Make the answer required" buttons of an open consultation, the page said that questions
    can only be changed while the consultation is a draft: it now says what can still change."""
    url = reverse("consultation:questions", args=[consultation.slug])
    still = {
        "en": "whether an answer is required can still be changed until it closes.",
        "fr": "le caractère obligatoire d’une réponse peut encore être changé jusqu’à sa clôture.",
    }
    draft_only = {
        "en": "Questions can only be changed while the consultation is a draft.",
        "fr": "Les questions ne peuvent être modifiées que tant que la consultation est un brouillon.",
    }
    page = " ".join(html.unescape(editor.get(url, HTTP_ACCEPT_LANGUAGE=language).content.decode()).split())
    assert still[language] in page and draft_only[language] not in page
    services.transition(actor=organiser, consultation=consultation, to_phase="closed")
    page = " ".join(html.unescape(editor.get(url, HTTP_ACCEPT_LANGUAGE=language).content.decode()).split())
    assert draft_only[language] in page and still[language] not in page
