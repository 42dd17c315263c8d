"""Every question of the questionnaire is optional, so an answer once saved can be taken back. A radio
cannot be unticked in a browser: each single-choice and scale question ends with a labelled "No answer"
radio (ticked while unanswered); unticking every box or emptying a text says the same for the other
kinds. Saving then deletes the stored answer (no empty row is kept) and the page shows the question
unanswered; the other questions' answers stay as they were. A page left open from before an answer was
given never erases that answer.

The tests post what a browser sends: every field of the questionnaire form as the page shows it (the
checked radios and boxes, the texts, the hidden fields), with the person's changes."""

import pytest
from django.urls import reverse

from consultation import services
from consultation.models import Answer, Question
from tests.helpers import make_consultation, open_questionnaire
from tests.html_parts import elements

pytestmark = pytest.mark.django_db

NO_ANSWER = {"en": "No answer", "fr": "Pas de réponse"}
ERASES = {
    "en": "No answer (erases the answer you saved)",
    "fr": "Pas de réponse (efface la réponse que vous avez enregistrée)",
}


@pytest.fixture
def consultation(db):
    return open_questionnaire("reponses-retirees")


@pytest.fixture
def member(client, citizen, consultation):
    services.accept_charter(user=citizen, consultation=consultation)
    client.force_login(citizen)
    return citizen


def _questions(consultation) -> dict[str, Question]:
    return {q.kind: q for q in consultation.questions.prefetch_related("choices")}


def _choice(question, label_en: str) -> str:
    return str(next(c.pk for c in question.choices.all() if c.label_en == label_en))


def _page(client, consultation, language="en") -> str:
    response = client.get(
        reverse("consultation:detail", args=[consultation.slug]), HTTP_ACCEPT_LANGUAGE=language
    )
    assert response.status_code == 200
    return response.content.decode()


def _questionnaire_form(html: str) -> dict:
    action = "/reponses/"
    return next(
        e
        for e in elements(html)
        if e["tag"] == "form" and e["attrs"].get("action", "").split("#")[0].endswith(action)
    )


def _descendants(element):
    for child in element["children"]:
        yield child
        yield from _descendants(child)


def _sent_by_browser(html: str) -> dict[str, list[str]]:
    """What submitting the questionnaire as shown sends: checked radios and boxes, texts, hidden fields."""
    data: dict[str, list[str]] = {}
    for e in _descendants(_questionnaire_form(html)):
        attrs, name = e["attrs"], e["attrs"].get("name")
        if not name:
            continue
        if e["tag"] == "textarea":
            data.setdefault(name, []).append(e["text"])
        elif e["tag"] == "input" and attrs.get("type") in ("radio", "checkbox"):
            if "checked" in attrs:
                data.setdefault(name, []).append(attrs.get("value", "on"))
        elif e["tag"] == "input":
            data.setdefault(name, []).append(attrs.get("value", ""))
    return data


def _save(client, consultation, data, language="en"):
    return client.post(
        reverse("consultation:answer", args=[consultation.slug]),
        data,
        HTTP_ACCEPT_LANGUAGE=language,
        follow=True,
    )


def _radios(html: str, name: str) -> list[dict]:
    """Each radio of the group `name`: its value, whether it is ticked, and its label's text."""
    parts = elements(html)
    labels = {e["attrs"].get("for"): e["text"] for e in parts if e["tag"] == "label"}
    return [
        {
            "value": e["attrs"]["value"],
            "checked": "checked" in e["attrs"],
            "label": labels.get(e["attrs"]["id"]),
        }
        for e in parts
        if e["tag"] == "input" and e["attrs"].get("type") == "radio" and e["attrs"].get("name") == name
    ]


def _answer_everything(client, consultation, q) -> None:
    data = _sent_by_browser(_page(client, consultation))
    data.update(
        {
            f"q{q['single'].pk}": [_choice(q["single"], "No")],
            f"q{q['scale'].pk}": [_choice(q["scale"], "Agree")],
            f"q{q['multiple'].pk}": [_choice(q["multiple"], "Post"), _choice(q["multiple"], "Online")],
            f"q{q['open'].pk}": ["Parce que."],
        }
    )
    _save(client, consultation, data)


@pytest.mark.parametrize("language", ["en", "fr"])
def test_an_unanswered_radio_question_offers_no_answer_ticked_and_labelled(
    client, member, consultation, language
):
    q = _questions(consultation)
    html = _page(client, consultation, language)
    for kind in ("single", "scale"):
        radios = _radios(html, f"q{q[kind].pk}")
        assert radios[-1] == {"value": "", "checked": True, "label": NO_ANSWER[language]}
        assert not any(r["checked"] for r in radios[:-1])
        assert len(radios) == q[kind].choices.count() + 1


@pytest.mark.parametrize("language", ["en", "fr"])
def test_a_saved_single_choice_answer_is_taken_back_and_the_page_shows_it_unanswered(
    client, member, consultation, language
):
    q = _questions(consultation)
    _answer_everything(client, consultation, q)
    html = _page(client, consultation, language)
    name = f"q{q['single'].pk}"
    radios = _radios(html, name)
    assert [r["value"] for r in radios if r["checked"]] == [_choice(q["single"], "No")]
    assert radios[-1]["label"] == ERASES[language]  # says what choosing it does

    data = _sent_by_browser(html)
    data[name] = [radios[-1]["value"]]  # the person ticks "No answer"
    response = _save(client, consultation, data, language)

    assert not Answer.objects.filter(user=member, question=q["single"]).exists()  # deleted, not kept empty
    shown = response.content.decode()
    taken_back = {
        "en": "Your answer to 1 question was taken back: the question is unanswered again.",
        "fr": "Votre réponse à 1 question a été retirée\u00a0: la question est de nouveau sans réponse.",
    }[language]
    assert taken_back in shown
    reloaded = _radios(_page(client, consultation, language), name)
    assert [r["label"] for r in reloaded if r["checked"]] == [NO_ANSWER[language]]  # unanswered again
    # The other questions kept their answers, unchanged.
    answers = {a.question.kind: a for a in Answer.objects.filter(user=member).prefetch_related("choices")}
    assert set(answers) == {"scale", "multiple", "open"}
    assert [c.label_en for c in answers["scale"].choices.all()] == ["Agree"]
    assert sorted(c.label_en for c in answers["multiple"].choices.all()) == ["Online", "Post"]
    assert answers["open"].text == "Parce que."


def test_a_scale_answer_is_taken_back_too(client, member, consultation):
    q = _questions(consultation)
    _answer_everything(client, consultation, q)
    data = _sent_by_browser(_page(client, consultation))
    data[f"q{q['scale'].pk}"] = [""]
    _save(client, consultation, data)
    assert set(Answer.objects.filter(user=member).values_list("question__kind", flat=True)) == {
        "single",
        "multiple",
        "open",
    }


def test_unticking_every_box_or_emptying_the_text_takes_those_answers_back(client, member, consultation):
    q = _questions(consultation)
    _answer_everything(client, consultation, q)
    data = _sent_by_browser(_page(client, consultation))
    del data[f"q{q['multiple'].pk}"]  # no box ticked: the browser sends nothing for them
    data[f"q{q['open'].pk}"] = ["  "]
    response = _save(client, consultation, data)
    assert "Your answers to 2 questions were taken back" in response.content.decode()
    assert "2 answers saved" in response.content.decode()  # the two radio questions, unchanged
    assert set(Answer.objects.filter(user=member).values_list("question__kind", flat=True)) == {
        "single",
        "scale",
    }
    html = _page(client, consultation)
    assert not _sent_by_browser(html).get(f"q{q['multiple'].pk}")
    assert _sent_by_browser(html)[f"q{q['open'].pk}"] == [""]


def test_saving_the_unanswered_page_again_stores_no_empty_answer(client, member, consultation):
    response = _save(client, consultation, _sent_by_browser(_page(client, consultation)))
    shown = response.content.decode()
    assert "You did not answer any question." in shown  # not a green "0 answers saved"
    assert "answers saved" not in shown and "taken back" not in shown
    assert not Answer.objects.exists()


def test_a_page_left_open_from_before_an_answer_never_erases_it(client, member, consultation):
    """The person opens the questionnaire in two tabs, answers the first question in one, then saves the
    other (which still shows it unanswered, "No answer" ticked) with an answer to another question."""
    q = _questions(consultation)
    old_tab = _sent_by_browser(_page(client, consultation))
    new_tab = _sent_by_browser(_page(client, consultation))
    new_tab[f"q{q['single'].pk}"] = [_choice(q["single"], "Yes")]
    _save(client, consultation, new_tab)
    old_tab[f"q{q['scale'].pk}"] = [_choice(q["scale"], "Disagree")]
    _save(client, consultation, old_tab)
    answers = {a.question.kind: a for a in Answer.objects.filter(user=member)}
    assert set(answers) == {"single", "scale"}
    assert [c.label_en for c in answers["single"].choices.all()] == ["Yes"]


def test_a_taken_back_answer_waits_with_the_others_when_the_charter_changed(
    client, member, consultation, organiser
):
    """Answers refused because the charter must be accepted again wait in the session: the answer taken
    back is taken back once they are saved, not before."""
    q = _questions(consultation)
    _answer_everything(client, consultation, q)
    data = _sent_by_browser(_page(client, consultation))
    data[f"q{q['single'].pk}"] = [""]
    services.update_charter(
        actor=organiser, consultation=consultation, text_fr="Nouvelle charte.", text_en=""
    )
    _save(client, consultation, data)
    assert Answer.objects.filter(user=member, question=q["single"]).exists()  # nothing changed yet
    client.post(
        reverse("consultation:accept_charter", args=[consultation.slug]),
        {"accept": "on", "version": consultation.__class__.objects.get(pk=consultation.pk).charter_version},
    )
    kept = _page(client, consultation)
    assert [r["checked"] for r in _radios(kept, f"q{q['single'].pk}")][-1]  # still "No answer"
    _save(client, consultation, _sent_by_browser(kept))
    assert not Answer.objects.filter(user=member, question=q["single"]).exists()
    assert Answer.objects.filter(user=member).count() == 3


def test_the_service_deletes_only_the_answers_taken_back(member, consultation):
    q = _questions(consultation)
    services.save_answers(
        user=member,
        consultation=consultation,
        answers={q["single"].pk: [int(_choice(q["single"], "Yes"))], q["open"].pk: "Oui."},
    )
    result = services.save_answers(
        user=member, consultation=consultation, answers={}, taken_back=[q["single"].pk, q["scale"].pk]
    )
    assert (result.saved, result.removed) == (0, 1)  # the scale question had no answer to take back
    assert list(Answer.objects.filter(user=member).values_list("question__kind", flat=True)) == ["open"]
    other = make_consultation("autre")
    with pytest.raises(services.ConsultationError):
        services.save_answers(
            user=member, consultation=consultation, answers={}, taken_back=[other.questions.first().pk]
        )
    assert Answer.objects.filter(user=member).count() == 1


@pytest.mark.parametrize("sent", ["²", "1" * 5000])
def test_a_mangled_answered_list_saves_the_answers_and_takes_nothing_back(client, member, consultation, sent):
    """The hidden list comes back from the browser: what is not a question's number in it (a digit
    Python calls a digit but no number, a number too long to read) is ignored, never a server error."""
    q = _questions(consultation)
    _answer_everything(client, consultation, q)
    data = _sent_by_browser(_page(client, consultation))
    data.update(
        {"answered": [sent], f"q{q['open'].pk}": [""], f"q{q['single'].pk}": [_choice(q["single"], "Yes")]}
    )
    response = _save(client, consultation, data)
    assert response.status_code == 200
    answers = {a.question_id: a for a in Answer.objects.filter(user=member).prefetch_related("choices")}
    assert set(answers) == {q["single"].pk, q["scale"].pk, q["multiple"].pk, q["open"].pk}
    assert [c.label_en for c in answers[q["single"].pk].choices.all()] == ["Yes"]
