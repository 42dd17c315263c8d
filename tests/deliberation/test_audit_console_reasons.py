"""The audit console (organisers) says why the platform acted by itself instead of a bare "system": the
closing time reached, the ready-made consultation loaded, the background task of a draw, the scheduled
task that purges the pools, the command that imported a Pol.is conversation, an account erased at its
holder's request. An event recorded without a reason
(as every one before this) says so; nothing already in the log is rewritten (the chain still verifies)."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from accounts.audit import record_event, verify_chain
from accounts.models import AuditEvent
from accounts.services import erase_account
from consultation import tasks as consultation_tasks
from consultation.models import Consultation
from deliberation import services
from deliberation import tasks as deliberation_tasks
from deliberation.models import Panel
from tests.conftest import with_totp
from tests.factories import UserFactory
from tests.html_parts import audit_console

WORDS = {
    "fr": {
        "closing": "La plateforme (heure de clôture atteinte)",
        "ready": "La plateforme (consultation prête à l’emploi chargée)",
        "draw": "La plateforme (tâche de fond deliberation.run_selection)",
        "purge": "La plateforme (tâche planifiée deliberation.purge_volunteer_pools)",
        "erased": "La plateforme (compte effacé à la demande de son titulaire)",
        "import": "La plateforme (commande import_polis)",
        "unsaid": "La plateforme (raison non enregistrée)",
        "organiser": "Les organisateurs",
    },
    "en": {
        "closing": "The platform (closing time reached)",
        "ready": "The platform (ready-made consultation loaded)",
        "draw": "The platform (background task deliberation.run_selection)",
        "purge": "The platform (scheduled task deliberation.purge_volunteer_pools)",
        "erased": "The platform (account erased at its holder's request)",
        "import": "The platform (command import_polis)",
        "unsaid": "The platform (reason not recorded)",
        "organiser": "The organisers",
    },
}


def _console(client, organiser, language: str) -> list[tuple[str, str]]:
    """(event type, actor) of each row of the console, oldest first, as an organiser reads it (every
    page; each type read in words, `audit_console` maps the words back to the type)."""
    client.force_login(with_totp(organiser))
    return [(row["code"], row["actor"]) for row in reversed(audit_console(client, language))]


def _actors(console, action: str) -> list[str]:
    return [actor for done, actor in console if done == action]


@pytest.mark.parametrize("language", ["fr", "en"])
def test_a_ready_made_consultation_closed_at_its_closing_time(client, organiser, eager_celery, language):
    call_command("load_consultation", "data-donation", stdout=open("/dev/null", "w"))  # noqa: SIM115
    Consultation.objects.filter(slug="data-donation").update(closes_at=timezone.now() - timedelta(minutes=1))
    consultation_tasks.close_due.apply()
    console = _console(client, organiser, language)
    words = WORDS[language]
    assert _actors(console, "consultation.created") == [words["ready"]]
    assert set(_actors(console, "question.added")) == {words["ready"]}
    assert _actors(console, "consultation.phase") == [words["ready"], words["closing"]]


@pytest.mark.parametrize("language", ["fr", "en"])
def test_a_draw_and_the_pools_purge(client, drawn, organiser, language):
    closed = services.set_panel_status(actor=organiser, panel=drawn, status=Panel.Status.CLOSED)
    Panel.objects.filter(pk=closed.pk).update(closed_at=timezone.now() - timedelta(days=400))
    deliberation_tasks.purge_volunteer_pools.apply()
    console = _console(client, organiser, language)
    words = WORDS[language]
    assert _actors(console, "selection.started") == [f"{words['organiser']} ({organiser.pseudonym})"]
    assert _actors(console, "selection.drawn") == [words["draw"]]
    assert _actors(console, "panel.pool_purged") == [words["purge"]]


@pytest.mark.parametrize("language", ["fr", "en"])
def test_an_erasure_and_an_event_that_did_not_say_why(client, organiser, language):
    unsaid = record_event(actor=None, action="consultation.updated", details={"changed": ["title_fr"]})
    hashed = unsaid.hash
    erase_account(user=UserFactory(roles=["citizen"]), keep_contributions=False)
    console = _console(client, organiser, language)
    assert _actors(console, "consultation.updated") == [WORDS[language]["unsaid"]]
    assert _actors(console, "account.erased") == [WORDS[language]["erased"]]
    assert AuditEvent.objects.get(pk=unsaid.pk).hash == hashed
    assert verify_chain().ok


@pytest.mark.parametrize("language", ["fr", "en"])
def test_a_conversation_imported_from_the_command_line(client, organiser, test_data, language):
    london = test_data / "polis" / "london.youth.policing"
    call_command("import_polis", str(london), consultation="londres", language="en", stdout=StringIO())
    console = _console(client, organiser, language)
    assert _actors(console, "consultation.created") == [WORDS[language]["import"]]
