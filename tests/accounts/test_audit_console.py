"""The audit console (/compte/journal/) as an organiser reads it: every event type in words in their
language (never a developer's code), who acted named as every back-office page names staff ("The
organisers (Citoyen·ne …)"), the object named and linked to its page only when the reader may see it,
filters that work without JavaScript, and pages beyond the newest events."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from accounts import event_types
from accounts.audit import record_event, verify_chain
from accounts.models import AuditEvent
from consultation import services as consultation_services
from consultation.models import Proposal
from tests.factories import UserFactory
from tests.helpers import make_consultation
from tests.html_parts import audit_console, table_rows

LABELS = {
    "fr": {"phase": "Phase de la consultation modifiée", "created": "Consultation créée"},
    "en": {"phase": "Consultation phase changed", "created": "Consultation created"},
}
ORGANISERS = {"fr": "Les organisateurs", "en": "The organisers"}


@pytest.fixture
def opened(organiser):
    """A consultation an organiser created, opened and edited, recorded with their role."""
    consultation = consultation_services.create_consultation(
        actor=organiser, slug="registre", title_fr="Registre des refus", title_en="Opt-out registry"
    )
    consultation_services.add_question(
        actor=organiser, consultation=consultation, kind="open", text_fr="Pourquoi ?", text_en="Why?"
    )
    consultation_services.transition(actor=organiser, consultation=consultation, to_phase="open")
    return consultation


@pytest.mark.parametrize("language", ["fr", "en"])
def test_events_read_in_words_in_the_readers_language(organiser_client, opened, language):
    rows = audit_console(organiser_client, language)
    labels = [row["label"] for row in rows]
    assert LABELS[language]["phase"] in labels and LABELS[language]["created"] in labels
    assert not any("consultation." in label or "question." in label for label in labels)


@pytest.mark.parametrize("language", ["fr", "en"])
def test_staff_read_as_their_team_with_their_pseudonym_on_every_staff_event(
    organiser_client, organiser, opened, language
):
    """consultation.created and question.added recorded no role before: now every staff event does, and
    the console names the organiser the same way on each."""
    rows = [r for r in audit_console(organiser_client, language) if r["code"]]
    mine = [r for r in rows if r["code"] in ("consultation.created", "question.added", "consultation.phase")]
    assert len(mine) == 3
    assert {r["actor"] for r in mine} == {f"{ORGANISERS[language]} ({organiser.pseudonym})"}
    recorded = AuditEvent.objects.filter(actor_id=organiser.pk).values_list("action", "actor_role")
    assert {role for _action, role in recorded} == {"organiser"}


def test_an_old_event_without_a_role_reads_as_its_type_role_and_is_not_rewritten(organiser_client, organiser):
    """An event recorded before roles were (no actor_role) keeps its hash; the console names it by the
    role its type is taken under."""
    old = AuditEvent.objects.create(
        created_at=timezone.now(),
        actor_id=organiser.pk,
        actor_label=organiser.pseudonym,
        action="consultation.updated",
        details={"changed": ["title_fr"]},
        prev_hash="0" * 64,
        hash="f" * 64,
    )
    rows = audit_console(organiser_client, "en", type="consultation.updated")
    assert [r["actor"] for r in rows] == [f"The organisers ({organiser.pseudonym})"]
    assert AuditEvent.objects.get(pk=old.pk).actor_role == ""


def test_a_filter_by_type_narrows_the_list(organiser_client, opened):
    every = audit_console(organiser_client, "en")
    phases = audit_console(organiser_client, "en", type="consultation.phase")
    assert len(phases) == 1 < len(every)
    assert phases[0]["label"] == "Consultation phase changed"


def test_filters_by_role_date_and_object(organiser_client, organiser, opened):
    other = make_consultation("autre")  # created by the platform's own set-up (no actor)
    platform = audit_console(organiser_client, "en", role="platform")
    assert platform and all(r["actor"].startswith("The platform") for r in platform)
    organisers = audit_console(organiser_client, "en", role="organiser")
    assert organisers and all(r["actor"] == f"The organisers ({organiser.pseudonym})" for r in organisers)
    today = timezone.localdate()
    assert audit_console(organiser_client, "en", until=str(today - dt.timedelta(days=1))) == []
    assert len(audit_console(organiser_client, "en", since=str(today))) == len(platform) + len(organisers)
    about_other = audit_console(
        organiser_client, "en", object_type="consultation.consultation", object_id=str(other.pk)
    )
    assert about_other and {r["object"] for r in about_other} == {"Consultation “Test consultation”"}


def test_a_date_range_upside_down_is_said_in_the_form(organiser_client, opened):
    page = organiser_client.get(
        reverse("accounts:audit_log"),
        {"since": "2026-05-02", "until": "2026-05-01"},
        HTTP_ACCEPT_LANGUAGE="en",
    ).content.decode()
    assert "The end date comes before the start date." in page


def test_page_two_holds_the_older_events_and_keeps_the_filters(organiser_client, organiser):
    for n in range(60):
        record_event(actor=organiser, action="profile.updated", obj=organiser, details={"n": n})
    first = organiser_client.get(
        reverse("accounts:audit_log"), {"type": "profile.updated"}, HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "Events 1 to 50 of 60, newest first." in first
    assert "type=profile.updated&amp;page=2" in first
    second = organiser_client.get(
        reverse("accounts:audit_log"), {"type": "profile.updated", "page": 2}, HTTP_ACCEPT_LANGUAGE="fr"
    ).content.decode()
    ids = [int(row[0]["text"]) for row in table_rows(second, "audit-log")]
    assert len(ids) == 10 and min(ids) == AuditEvent.objects.filter(action="profile.updated").first().pk
    assert "Événements 51 à 60 sur 60" in second
    assert {row[4]["text"] for row in table_rows(second, "audit-log")} == {f"Compte {organiser.pseudonym}"}
    assert verify_chain().ok


def test_objects_link_to_their_page_only_when_the_reader_may_see_it(organiser_client, citizen, opened):
    consultation_services.accept_charter(user=citizen, consultation=opened)
    published = consultation_services.submit_proposal(
        user=citizen, consultation=opened, text="Un registre papier."
    )
    waiting = Proposal.objects.create(consultation=opened, text="À modérer.", status=Proposal.Status.PENDING)
    record_event(actor=None, action="proposal.submitted", obj=waiting)
    rows = {r["object"]: r["links"] for r in audit_console(organiser_client, "en", type="proposal.submitted")}
    shown = f"Proposal no. {published.pk} in “Opt-out registry”"
    assert rows[shown] == [(reverse("consultation:proposal", args=[opened.slug, published.pk]), shown)]
    assert rows[f"Proposal no. {waiting.pk}"] == []  # awaiting moderation: no public page, no title
    consultation_rows = audit_console(organiser_client, "fr", type="consultation.created")
    assert consultation_rows[0]["links"] == [
        (reverse("consultation:manage", args=[opened.slug]), "Consultation «\u00a0Registre des refus\u00a0»")
    ]


def test_the_rule_is_asked_before_the_object_is_named(opened, db):
    """A reader who may not see a draft consultation's page reads its kind and number, not its title."""
    draft = make_consultation("brouillon", phase="draft", title_en="Secret draft")
    outsider = UserFactory(roles=["citizen"])
    with translation.override("en"):
        named = event_types.describe([("consultation.consultation", str(draft.pk))], outsider)
    assert named[("consultation.consultation", str(draft.pk))] == event_types.ObjectRef(
        f"Consultation no. {draft.pk}"
    )


def test_citizens_do_not_see_the_console(client, citizen):
    client.force_login(citizen)
    assert client.get(reverse("accounts:audit_log")).status_code == 403
