""" "Take back all my answers": while the consultation accepts contributions, a participant withdraws every
answer they saved to the questionnaire at once, required questions included (consultation/required_answers.py:
a save that takes back every answer is allowed, one that leaves some must still answer the required ones).
Through the page, as a browser sends it: the button's form with its hidden list of the answers shown."""

import datetime as dt
import html

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEvent
from consultation import services
from consultation.models import Answer, Consultation, Proposal, Vote
from consultation.required_answers import AnswersMissing
from tests.consultation.test_required_questions import _q
from tests.consultation.test_take_back_answers import _choice
from tests.factories import UserFactory
from tests.helpers import open_questionnaire
from tests.html_parts import elements

pytestmark = pytest.mark.django_db

TAKEN_BACK = {
    "en": "Your 2 answers to the questionnaire were taken back: you are no longer counted among its "
    "respondents. Your proposals and votes are unchanged.",
    "fr": "Vos 2 réponses au questionnaire ont été retirées\u00a0: vous ne faites plus partie de ses "
    "répondants. Vos propositions et vos votes ne changent pas.",
}
BUTTON = {"en": "Take back all my answers", "fr": "Retirer toutes mes réponses"}


@pytest.fixture
def consultation(db):
    """A required scale and a required open question, and an optional single choice."""
    return open_questionnaire("retrait", kinds=("single", "scale", "open"), required=("scale", "open"))


def _answer(user, consultation, scale="Agree", text="Parce que."):
    q = _q(consultation)
    services.accept_charter(user=user, consultation=consultation)
    services.save_answers(
        user=user,
        consultation=consultation,
        answers={q["scale"].pk: [int(_choice(q["scale"], scale))], q["open"].pk: text},
    )


@pytest.fixture
def member(client, citizen, consultation):
    _answer(citizen, consultation)
    client.force_login(citizen)
    return citizen


def _page(client, consultation, language):
    response = client.get(
        reverse("consultation:detail", args=[consultation.slug]), HTTP_ACCEPT_LANGUAGE=language
    )
    assert response.status_code == 200
    return response.content.decode()


def _withdraw_form(page: str) -> dict[str, str]:
    """What pressing the button sends: its form's hidden fields."""
    form = next(
        e for e in elements(page) if e["tag"] == "form" and e["attrs"].get("action", "").endswith("/retirer/")
    )
    return {
        e["attrs"]["name"]: e["attrs"].get("value", "")
        for e in _descendants(form)
        if e["tag"] == "input" and e["attrs"].get("type") == "hidden"
    }


def _descendants(element):
    for child in element["children"]:
        yield child
        yield from _descendants(child)


def _withdraw(client, consultation, data, language="en"):
    return client.post(
        reverse("consultation:withdraw_answers", args=[consultation.slug]),
        data,
        HTTP_ACCEPT_LANGUAGE=language,
        follow=True,
    )


def _text(response) -> str:
    return html.unescape(response.content.decode())


@pytest.mark.parametrize("language", ["en", "fr"])
def test_a_participant_takes_back_every_answer_required_ones_included(client, member, consultation, language):
    other = UserFactory(roles=["citizen"])
    _answer(other, consultation, scale="Disagree")
    proposal = Proposal.objects.create(
        consultation=consultation, author=member, text="Une idée.", status=Proposal.Status.VISIBLE
    )
    services.cast_vote(user=member, proposal=proposal, value="agree")
    audited = AuditEvent.objects.count()
    page = _page(client, consultation, language)
    assert BUTTON[language] in page
    response = _withdraw(client, consultation, _withdraw_form(page), language)
    assert response.status_code == 200
    assert TAKEN_BACK[language] in _text(response)
    assert not Answer.objects.filter(user=member).exists()
    assert Answer.objects.filter(user=other).count() == 2  # nobody else's answers
    assert (
        Proposal.objects.filter(author=member).exists()
        and Vote.objects.filter(proposal=proposal).count() == 1
    )
    assert AuditEvent.objects.count() == audited  # answers are not audited, nor their withdrawal
    assert BUTTON[language] not in response.content.decode()  # nothing left to take back
    # Answering again afterwards is a new save like any other: the required questions are asked again.
    q = _q(consultation)
    with pytest.raises(AnswersMissing):
        services.save_answers(
            user=member,
            consultation=consultation,
            answers={q["single"].pk: [int(_choice(q["single"], "Yes"))]},
        )


def test_the_results_no_longer_count_the_withdrawn_answers(client, member, consultation, organiser):
    _answer(UserFactory(roles=["citizen"]), consultation, scale="Disagree")
    _withdraw(client, consultation, _withdraw_form(_page(client, consultation, "en")))
    services.transition(actor=organiser, consultation=consultation, to_phase="closed")
    results = client.get(reverse("consultation:results", args=[consultation.slug]), HTTP_ACCEPT_LANGUAGE="en")
    parts = elements(results.content.decode())
    captions = [e["text"] for e in parts if e["tag"] == "caption" and "respondent" in e["text"]]
    assert captions == ["0 respondents", "1 respondent"]  # the single choice; the scale: the other one only


@pytest.mark.parametrize("language", ["en", "fr"])
def test_refused_after_the_closing_time_with_the_answers_kept(client, member, consultation, language):
    form = _withdraw_form(_page(client, consultation, language))
    Consultation.objects.filter(pk=consultation.pk).update(closes_at=timezone.now() - dt.timedelta(seconds=1))
    response = _withdraw(client, consultation, form, language)
    assert response.status_code == 403
    said = {
        "en": "This consultation is not open: your answers can no longer be taken back.",
        "fr": "Cette consultation n’est pas ouverte\u00a0: vos réponses ne peuvent plus être retirées.",
    }[language]
    assert said in _text(response)
    assert Answer.objects.filter(user=member).count() == 2
    assert BUTTON[language] not in response.content.decode()


@pytest.mark.parametrize("language", ["en", "fr"])
def test_a_tab_left_open_from_before_an_answer_takes_nothing_back(client, member, consultation, language):
    """The page showed two answers; a third was saved since, in another tab: refused whole, not erased
    unseen. The page comes back with the answers as they are now, and its button then works."""
    stale = _withdraw_form(_page(client, consultation, language))
    q = _q(consultation)
    services.save_answers(
        user=member, consultation=consultation, answers={q["single"].pk: [int(_choice(q["single"], "No"))]}
    )
    response = _withdraw(client, consultation, stale, language)
    assert response.status_code == 409
    said = {
        "en": "Your answers changed since this page was shown (in another tab?): nothing was taken back.",
        "fr": "Vos réponses ont changé depuis l’affichage de cette page (dans un autre onglet\u00a0?)\u00a0: "
        "rien n’a été retiré.",
    }[language]
    assert said in _text(response)
    assert Answer.objects.filter(user=member).count() == 3
    fresh = _withdraw_form(response.content.decode())
    assert _withdraw(client, consultation, fresh, language).status_code == 200
    assert not Answer.objects.filter(user=member).exists()


@pytest.mark.parametrize(
    "data", [{}, {"answered": "²"}, {"answered": "1" * 5000}, {"answered": "-1 x"}, {"answered": ["1", "2"]}]
)
def test_crafted_posts_take_nothing_back_and_never_fail(client, member, consultation, data):
    response = _withdraw(client, consultation, data)
    assert response.status_code == 409
    assert Answer.objects.filter(user=member).count() == 2


def test_nothing_to_take_back_says_so(client, citizen, consultation):
    services.accept_charter(user=citizen, consultation=consultation)
    client.force_login(citizen)
    response = _withdraw(client, consultation, {"answered": ""})
    assert response.status_code == 400
    assert "You have no saved answers to this questionnaire: nothing was taken back." in _text(response)


def test_a_get_takes_nothing_back(client, member, consultation):
    response = client.get(reverse("consultation:withdraw_answers", args=[consultation.slug]))
    assert response.status_code == 302
    assert Answer.objects.filter(user=member).count() == 2


def test_the_charter_need_not_be_accepted_again_to_withdraw(client, member, consultation, organiser):
    services.update_charter(actor=organiser, consultation=consultation, text_fr="Nouvelle charte.")
    page = _page(client, consultation, "en")
    assert _withdraw(client, consultation, _withdraw_form(page)).status_code == 200
    assert not Answer.objects.filter(user=member).exists()


def test_the_button_is_keyboard_reachable_and_says_what_it_does(client, member, consultation):
    parts = elements(_page(client, consultation, "en"))
    button = next(e for e in parts if e["tag"] == "button" and e["text"].strip() == BUTTON["en"])
    assert button["attrs"]["type"] == "submit" and "fr-btn--secondary" in button["attrs"]["class"]
    hint = next(e for e in parts if e["attrs"].get("id") == button["attrs"]["aria-describedby"])
    assert "This deletes the 2 answers you saved to this questionnaire" in " ".join(hint["text"].split())
