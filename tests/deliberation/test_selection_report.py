"""The public report of a draw names each recorded step, and who took it, in the reader's language: the
step by its translated name (not its audit code), who acted by role (never by pseudonym, which is French
text and names a person); the organisers' audit log still shows the account."""

import re
from html import unescape

import pytest
from django.urls import reverse

from accounts import event_types
from accounts.audit import record_event, verify_chain
from accounts.models import AuditEvent
from deliberation import services
from deliberation.models import PanelMember
from tests.conftest import with_totp

STEPS = {
    "en": (
        "Draw started",
        "Lottery published with its SHA-256, before the draw",
        "Panel drawn and seated",
        "system",
    ),
    "fr": (
        "Tirage lancé",
        "Loterie publiée avec son SHA-256, avant le tirage",
        "Panel tiré au sort et installé",
        "système",
    ),
}
ORGANISERS = {"en": "the organisers", "fr": "les organisateurs"}
FACILITATION = {"en": "the facilitation team", "fr": "l’équipe d’animation"}
TEAM = {"en": "the panel's team", "fr": "l’équipe du panel"}


def trail_rows(client, panel, language) -> list[str]:
    """The rows of the report's audit trail as text, cells separated by "|"."""
    html = client.get(
        reverse("deliberation:selection_report", args=[panel.pk]), HTTP_ACCEPT_LANGUAGE=language
    ).content.decode()
    trail = unescape(html[html.index("<caption>", html.index('id="audit-trail"')) :])
    return [re.sub(r"<[^>]+>", "|", row) for row in re.findall(r"<tr>(.*?)</tr>", trail, flags=re.S)][1:]


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_audit_trail_is_worded_in_the_readers_language(client, drawn, organiser, language):
    rows = trail_rows(client, drawn, language)
    started, published, drawn_step, system = STEPS[language]
    assert started in rows[0] and f"|{ORGANISERS[language]}|" in rows[0]
    assert published in rows[1] and f"|{system}|" in rows[1]
    assert drawn_step in rows[2] and f"|{system}|" in rows[2]
    assert not any("selection." in row for row in rows)
    # The organiser's pseudonym ("Citoyen·ne …", French whatever the page's language) is not on the page.
    html = client.get(
        reverse("deliberation:selection_report", args=[drawn.pk]), HTTP_ACCEPT_LANGUAGE=language
    )
    assert organiser.pseudonym not in html.content.decode()


@pytest.mark.parametrize("language", ["en", "fr"])
def test_a_replacement_by_a_facilitator_reads_as_the_facilitation_team(
    client, drawn, facilitator, django_capture_on_commit_callbacks, language
):
    leaving = PanelMember.objects.filter(panel=drawn).first()
    with django_capture_on_commit_callbacks(execute=True):
        services.replace_member(actor=facilitator, member=leaving, reason="Départ annoncé")
    event = AuditEvent.objects.get(action="selection.replaced")
    assert event.actor_id == facilitator.pk and event.actor_role == "facilitator"
    rows = trail_rows(client, drawn, language)
    assert f"|{FACILITATION[language]}|" in rows[-1]
    assert not any(facilitator.pseudonym in row for row in rows)


@pytest.mark.parametrize("language", ["en", "fr"])
def test_steps_recorded_before_roles_were_stored_name_a_role_not_the_person(
    client, drawn, organiser, facilitator, language, monkeypatch
):
    """Events written before `actor_role` existed hold only the pseudonym: the report names the role the
    step requires (only organisers start a draw), else the panel's team; the chain still verifies. (Today
    `record_event` records the role its event type declares: without it, as the code then did.)"""
    monkeypatch.setattr(event_types, "declared_role", lambda code: "")
    selection = drawn.selections.get()
    old_started = record_event(actor=organiser, action="selection.started", obj=selection)
    old_replaced = record_event(actor=facilitator, action="selection.replaced", obj=selection)
    assert old_started.actor_role == "" and old_replaced.actor_role == ""
    rows = trail_rows(client, drawn, language)
    assert f"|{ORGANISERS[language]}|" in rows[-2] and f"|{TEAM[language]}|" in rows[-1]
    assert not any(organiser.pseudonym in row or facilitator.pseudonym in row for row in rows)
    assert verify_chain().ok


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_organisers_audit_log_shows_the_account_and_its_role(client, drawn, organiser, language):
    client.force_login(with_totp(organiser))
    html = client.get(reverse("accounts:audit_log"), HTTP_ACCEPT_LANGUAGE=language).content.decode()
    team = {"en": "The organisers", "fr": "Les organisateurs"}[language]  # accounts.roles.acted_by
    assert f"{team} ({organiser.pseudonym})" in unescape(html)
    draw = {  # the draw itself: the platform's task, in the reader's language (no longer a bare "system")
        "en": "The platform (background task deliberation.run_selection)",
        "fr": "La plateforme (tâche de fond deliberation.run_selection)",
    }[language]
    assert f"<td>{draw}</td>" in html
