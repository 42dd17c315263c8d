"""Contributions stop at the announced closing time, not when the beat next runs (consultation/accepting.py).

A consultation whose closing time has just passed but whose phase the beat has not moved yet ("due") is
compared with one an organiser closed ("closed"): the same refusals (status and translated message,
JSON for JSON requests), nothing saved, and the same page: closed, with no way to take part."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from consultation import accepting, services
from consultation.models import Answer, Consultation, PhaseChange, Proposal, Vote
from tests.factories import UserFactory
from tests.helpers import make_consultation
from tests.typography import text_of

pytestmark = pytest.mark.django_db

CLOSED_FR = "Cette consultation n’est pas ouverte\u00a0: les contributions sont closes."
CLOSED_FR_READ = CLOSED_FR.replace("\u00a0", " ")  # as text_of reads it
ENDS = ["closed", "due"]


def url(name, *args):
    return reverse(f"consultation:{name}", args=args)


@pytest.fixture
def world(db):
    """An open consultation closing in an hour, a citizen who accepted its charter, a published proposal."""
    consultation = make_consultation(closes_at=timezone.now() + dt.timedelta(hours=1))
    member = UserFactory()
    services.accept_charter(user=member, consultation=consultation)
    proposal = services.submit_proposal(user=member, consultation=consultation, text="Des bancs publics.")
    return {"consultation": consultation, "member": member, "proposal": proposal}


def _end(consultation: Consultation, how: str) -> Consultation:
    """Close it by hand, or let its closing time pass (a second ago) with the beat not run yet."""
    if how == "closed":
        services.transition(actor=None, consultation=consultation, to_phase=Consultation.Phase.CLOSED)
    else:
        just_passed = timezone.now() - dt.timedelta(seconds=1)
        Consultation.objects.filter(pk=consultation.pk).update(closes_at=just_passed)
    consultation.refresh_from_db()
    assert consultation.phase == ("closed" if how == "closed" else "open")
    return consultation


def test_the_three_forms_of_the_rule_agree():
    """The Python predicate, the queryset's Q and the SQL guard select the same consultations, at the
    same instant: open with no closing time or one ahead; at the closing time itself, no more."""
    if connection.vendor != "postgresql":
        pytest.fail("this test needs PostgreSQL (DATABASE_URL): run it with `make test`")
    now = timezone.now()
    times = {
        "none": None,
        "past": now - dt.timedelta(seconds=1),
        "now": now,
        "ahead": now + dt.timedelta(seconds=1),
    }
    for phase in ("draft", "open", "closed", "synthesis_published"):
        for name, closes_at in times.items():
            Consultation.objects.create(
                slug=f"{phase}-{name}", title_fr="C", phase=phase, closes_at=closes_at
            )
    python = {c.slug for c in Consultation.objects.all() if accepting.accepts_contributions(c, now)}
    queryset = set(
        Consultation.objects.filter(accepting.accepting_contributions(now)).values_list("slug", flat=True)
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT c.slug FROM {Consultation._meta.db_table} c WHERE {accepting.guard_sql('c')}",  # noqa: S608
            accepting.sql_params(now),
        )
        sql = {row[0] for row in cursor.fetchall()}
    assert python == queryset == sql == {"open-none", "open-ahead"}


@pytest.mark.parametrize("fast", [True, False], ids=["fast path", "full path"])
def test_until_the_closing_time_a_vote_counts(client, world, fast):
    """The control: with its closing time a few seconds ahead, both paths take the vote."""
    consultation, proposal = world["consultation"], world["proposal"]
    Consultation.objects.filter(pk=consultation.pk).update(closes_at=timezone.now() + dt.timedelta(seconds=5))
    client.force_login(world["member"])
    with override_settings(PACTE_FAST_VOTE=fast):
        response = client.post(
            url("vote", consultation.slug, proposal.pk), {"value": "agree"}, HTTP_ACCEPT="application/json"
        )
    assert response.status_code == 200
    assert Vote.objects.filter(proposal=proposal, value=Vote.Value.AGREE).count() == 1


@pytest.mark.parametrize("fast", [True, False], ids=["fast path", "full path"])
@pytest.mark.parametrize("how", ENDS)
def test_a_json_vote_is_refused_as_on_a_closed_consultation(client, world, how, fast):
    consultation, proposal = _end(world["consultation"], how), world["proposal"]
    client.force_login(world["member"])
    with override_settings(PACTE_FAST_VOTE=fast):
        response = client.post(
            url("vote", consultation.slug, proposal.pk),
            {"value": "agree"},
            HTTP_ACCEPT="application/json",
            HTTP_ACCEPT_LANGUAGE="fr",
        )
    assert (response.status_code, response.json()) == (403, {"detail": CLOSED_FR})
    assert not Vote.objects.exists()
    proposal.refresh_from_db()
    assert (proposal.agree_count, proposal.disagree_count, proposal.pass_count) == (0, 0, 0)


@pytest.mark.parametrize("how", ENDS)
def test_a_form_vote_is_refused_with_the_message_of_a_closed_consultation(client, world, how):
    consultation, proposal = _end(world["consultation"], how), world["proposal"]
    client.force_login(world["member"])
    response = client.post(url("vote", consultation.slug, proposal.pk), {"value": "agree"}, follow=True)
    assert CLOSED_FR_READ in text_of(response)
    assert not Vote.objects.exists()


@pytest.mark.parametrize("how", ENDS)
def test_an_answer_is_refused_and_nothing_saved(client, world, how):
    consultation = _end(world["consultation"], how)
    question = consultation.questions.get(kind="open")
    client.force_login(world["member"])
    response = client.post(url("answer", consultation.slug), {f"q{question.pk}": "Ma réponse."})
    assert response.status_code == 403
    assert CLOSED_FR_READ in text_of(response)
    assert not Answer.objects.exists()


@pytest.mark.parametrize("how", ENDS)
def test_a_proposal_is_refused_and_nothing_saved(client, world, how):
    consultation = _end(world["consultation"], how)
    client.force_login(world["member"])
    response = client.post(
        url("propose", consultation.slug), {"text": "Une autre idée, bien argumentée.", "step": "confirm"}
    )
    assert response.status_code == 403  # the refusal, with the text given back to copy
    assert "ne reçoit pas de propositions en ce moment" in text_of(response)
    assert "Une autre idée, bien argumentée." in text_of(response)
    assert list(Proposal.objects.values_list("text", flat=True)) == ["Des bancs publics."]


@pytest.mark.parametrize("how", ENDS)
def test_every_contribution_service_refuses(world, how):
    consultation, member, proposal = _end(world["consultation"], how), world["member"], world["proposal"]
    newcomer = UserFactory()
    question = consultation.questions.get(kind="open")
    attempts = {
        "vote": lambda: services.cast_vote(user=member, proposal=proposal, value="agree"),
        "answer": lambda: services.save_answers(
            user=member, consultation=consultation, answers={question.pk: "Parce que."}
        ),
        "proposal": lambda: services.submit_proposal(
            user=member, consultation=consultation, text="Une idée."
        ),
        "charter": lambda: services.accept_charter(user=newcomer, consultation=consultation),
    }
    for attempt in attempts.values():
        with pytest.raises(services.NotAllowed):
            attempt()
    assert (Vote.objects.count(), Answer.objects.count(), Proposal.objects.count()) == (0, 0, 1)


@pytest.mark.parametrize("how", ENDS)
def test_its_pages_say_it_is_closed_with_no_way_to_take_part(client, world, how):
    consultation, proposal = _end(world["consultation"], how), world["proposal"]
    client.force_login(world["member"])  # who accepted the charter: an open page would show the questionnaire
    page = client.get(url("detail", consultation.slug), HTTP_ACCEPT_LANGUAGE="fr")
    body = page.content.decode()
    assert "Clôturée le <time" in body and "Ouverte jusqu’au" not in body
    assert re.search(r'class="fr-badge fr-badge--info">\s*Clôturée\s*<', body)
    assert url("answer", consultation.slug) not in body  # no questionnaire form
    for address in (url("proposals", consultation.slug), url("proposal", consultation.slug, proposal.pk)):
        listing = client.get(address, HTTP_ACCEPT_LANGUAGE="fr").content.decode()
        assert url("vote", consultation.slug, proposal.pk) not in listing, address  # no vote buttons
        assert url("propose", consultation.slug) not in listing, address
    card = client.get(url("list"), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Clôturée le <time" in card and "Ouverte jusqu’au" not in card
    home = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert url("detail", consultation.slug) not in home  # no longer among the consultations open now
    client.logout()
    signed_out = client.get(url("detail", consultation.slug), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Se connecter pour participer" not in signed_out


def test_the_beat_still_moves_the_phase_afterwards(world):
    consultation = _end(world["consultation"], "due")
    assert services.close_due_consultations() == [consultation.slug]
    change = PhaseChange.objects.get(consultation=consultation, to_phase="closed")
    assert (change.from_phase, change.actor) == ("open", None)
