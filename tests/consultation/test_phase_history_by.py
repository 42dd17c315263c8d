"""The "By" column of a consultation's phase history says who moved it, truthfully: the platform, and
why, when it closed the consultation at its closing time itself (the beat, or the organisers' page
catching up); the organisers' role and the organiser's pseudonym when they did it, still after their
account is erased. The two never read alike. Migration 0018 sorts the moves recorded before by the
audit log."""

import datetime as dt
import re

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from accounts.services import erase_account
from consultation import tasks
from consultation.models import Consultation, PhaseChange
from tests.conftest import with_totp
from tests.factories import UserFactory
from tests.helpers import make_consultation, migrate_to, migrate_to_latest

PLATFORM = {
    "fr": "La plateforme (heure de clôture atteinte)",
    "en": "The platform (closing time reached)",
}


def _due(slug="due"):
    """An open consultation whose closing time has passed (organisers cannot set a past one)."""
    consultation = make_consultation(slug, closes_at=timezone.now() + dt.timedelta(hours=1))
    Consultation.objects.filter(pk=consultation.pk).update(closes_at=timezone.now() - dt.timedelta(minutes=5))
    return consultation


def _history(client, consultation, language: str) -> list[tuple[str, str, str]]:
    """The history table of the organisers' page as its reader sees it: (from, to, by) per row."""
    page = client.get(
        reverse("consultation:manage", args=[consultation.slug]), HTTP_ACCEPT_LANGUAGE=language
    ).content.decode()
    table = page[page.index("<caption>") : page.index("</table>", page.index("<caption>"))]
    rows = re.findall(r"<tr><td>[^<]*</td><td>([^<]*)</td><td>([^<]*)</td><td>([^<]*)</td></tr>", table)
    assert rows, table
    return rows


@pytest.mark.parametrize("language", ["fr", "en"])
def test_a_close_at_the_closing_time_is_the_platforms(organiser_client, language):
    by_beat = _due("by-beat")
    assert tasks.close_due() == {"closed": ["by-beat"]}
    by_page = _due("by-page")  # due after the beat's run: the organisers' page closes it itself
    for consultation in (by_beat, by_page):
        *_opened, (_from, _to, by) = _history(organiser_client, consultation, language)
        assert by == PLATFORM[language], consultation.slug
    by_page.refresh_from_db()
    assert by_page.phase == Consultation.Phase.CLOSED
    change = PhaseChange.objects.get(consultation=by_beat, to_phase="closed")
    assert (change.actor, change.platform) == (None, PhaseChange.Platform.CLOSING_TIME)


def test_an_erased_organisers_close_keeps_the_role_and_pseudonym_not_the_platforms(client, db):
    consultation = make_consultation(closes_at=timezone.now() + dt.timedelta(days=3))
    closer, reader = (with_totp(UserFactory(roles=["citizen", "organiser"])) for _ in range(2))
    client.force_login(closer)
    client.post(
        reverse("consultation:change_phase", args=[consultation.slug]),
        {"phase": "closed", "understood": "yes"},
    )
    client.logout()
    erase_account(user=closer, keep_contributions=False)
    client.force_login(reader)
    for language in ("fr", "en"):
        *_opened, closed = _history(client, consultation, language)
        team = {"fr": "Les organisateurs", "en": "The organisers"}[language]
        assert closed[2] == f"{team} ({closer.pseudonym})"
        assert closed[2] not in PLATFORM.values()


def test_the_ready_made_consultation_is_opened_by_the_platform(organiser_client):
    call_command("load_consultation", "data-donation", stdout=open("/dev/null", "w"))  # noqa: SIM115
    consultation = Consultation.objects.get(slug="data-donation")
    assert _history(organiser_client, consultation, "fr") == [
        ("Brouillon", "Ouverte", "La plateforme (consultation prête à l’emploi chargée)")
    ]


@pytest.mark.django_db(transaction=True)
def test_migration_0018_says_the_platform_only_where_the_audit_log_does():
    """A close without actor whose audit event has none is the beat's; one whose audit event names an
    actor (the user row since deleted) stays unsaid."""
    organiser = UserFactory()
    old = migrate_to(
        [("consultation", "0017_forms2_french_apostrophes"), ("accounts", "0008_fastvote_vote_sessions")]
    )
    try:
        Consultation = old.get_model("consultation", "Consultation")
        OldChange = old.get_model("consultation", "PhaseChange")
        AuditEvent = old.get_model("accounts", "AuditEvent")
        for slug, actor_id in (("by-beat", None), ("by-a-person-gone", organiser.pk)):
            consultation = Consultation.objects.create(slug=slug, phase="closed")
            change = OldChange.objects.create(consultation=consultation, from_phase="open", to_phase="closed")
            AuditEvent.objects.create(
                created_at=change.created_at + dt.timedelta(milliseconds=3),
                actor_id=actor_id,
                actor_role="",
                action="consultation.phase",
                object_type="consultation.consultation",
                object_id=str(consultation.pk),
                details={"from": "open", "to": "closed"},
                prev_hash="0" * 64,
                hash=slug,
            )
        migrate_to_latest("consultation")
        platform = dict(PhaseChange.objects.values_list("consultation__slug", "platform"))
        assert platform == {"by-beat": "closing_time", "by-a-person-gone": ""}
    finally:
        migrate_to_latest("consultation")
