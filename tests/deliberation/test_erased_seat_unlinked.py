"""A drawn member who erases their account: nothing the database keeps links the pseudonym the audit log
shows to their answers, and the reserve rule still gives every seat to the reserve it gave before."""

from datetime import UTC, timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from accounts.audit import record_event
from accounts.models import AuditEvent
from accounts.roles import Role
from accounts.services import erase_account, update_profile
from deliberation import services
from deliberation.models import (
    Attendance,
    ErasedSeatStrata,
    Panel,
    PanelMember,
    Selection,
    Volunteer,
)
from tests.factories import UserFactory

QUOTAS = [
    services.QuotaInput("gender", "female", 2, 2),
    services.QuotaInput("gender", "male", 2, 2),
    services.QuotaInput("region", "corse", 1, 2),
    services.QuotaInput("region", "idf", 1, 2),
]


def _entry(panel, strata, name):
    return Volunteer.objects.create(
        panel=panel, strata=strata, source=Volunteer.Source.IMPORT, external_id=name, name=name
    )


@pytest.fixture
def world(organiser, facilitator):
    """Four seats: the person (female, Corsica), B (female, Île-de-France), C (male, Corsica), D (male,
    Île-de-France); reserves R1 (male, IdF), R2 (female, Corsica), R3 (female, IdF), in that rank."""
    panel = services.create_panel(actor=organiser, title="Panel de Corse", size=4)
    services.assign_facilitator(actor=organiser, panel=panel, user=facilitator)
    services.replace_quotas(actor=organiser, panel=panel, quotas=QUOTAS)
    services.set_panel_status(actor=organiser, panel=panel, status=Panel.Status.RECRUITING)
    person = UserFactory(roles=["citizen"])
    update_profile(user=person, strata={"gender": "female", "departement": "2A", "age_band": "35-49"})
    mine = services.volunteer(user=person, panel=panel, consent=True, language="fr")
    others = {
        name: _entry(panel, {"gender": gender, "region": region}, name)
        for name, gender, region in [
            ("B", "female", "idf"), ("C", "male", "corse"), ("D", "male", "idf"),
            ("R1", "male", "idf"), ("R2", "female", "corse"), ("R3", "female", "idf"),
        ]
    }  # fmt: skip
    draw = Selection.objects.create(
        panel=panel, seed="s", algorithm="leximin", status=Selection.Status.DONE,
        reserves=[str(others[r].pk) for r in ("R1", "R2", "R3")],
    )  # fmt: skip
    seats = {"person": PanelMember.objects.create(panel=panel, volunteer=mine, selection=draw)}
    for name in ("B", "C", "D"):
        seats[name] = PanelMember.objects.create(panel=panel, volunteer=others[name], selection=draw)
    Panel.objects.filter(pk=panel.pk).update(status=Panel.Status.DELIBERATING)
    session = services.schedule_session(
        actor=facilitator, panel=panel, title="Séance", starts_at=timezone.now(), place="Ajaccio"
    )
    services.check_in_with_code(user=person, session=session, code=session.checkin_code)
    return {"panel": panel, "person": person, "seats": seats, "others": others, "session": session}


def _who_would_take(member, facilitator) -> str:
    """The reserve the replacement of `member` seats, undone afterwards."""
    with transaction.atomic():
        newcomer = services.replace_member(actor=facilitator, member=member, reason="Départ")
        name = Volunteer.objects.get(pk=newcomer.volunteer_id).external_id
        transaction.set_rollback(True)
    return name


def test_a_member_checking_in_is_logged_by_pseudonym_without_their_seat(world):
    event = AuditEvent.objects.get(action="session.check_in")
    assert event.actor_label == world["person"].pseudonym
    assert "member" not in event.details


def test_after_erasure_the_seat_the_log_names_holds_nothing_about_the_person(world, facilitator):
    person, seat = world["person"], world["seats"]["person"]
    # An event written before the seat stopped being logged: the log keeps it for good.
    record_event(
        actor=person, as_role=Role.CITIZEN, action="session.check_in", obj=world["session"],
        details={"member": seat.pk},
    )  # fmt: skip
    volunteered = AuditEvent.objects.get(action="panel.volunteered")
    assert Volunteer.objects.get(pk=seat.volunteer_id).strata["region"] == "corse"

    erase_account(user=person, keep_contributions=False)

    logged_seat = AuditEvent.objects.filter(action="session.check_in", details__member__isnull=False).get()
    assert logged_seat.actor_label == person.pseudonym
    entry = Volunteer.objects.get(memberships__pk=logged_seat.details["member"])
    assert entry.strata == {} and entry.consent_at is None and entry.language == ""
    # Its times no longer line up with the person's own events: kept to the day.
    attendance = Attendance.objects.get(member_id=logged_seat.details["member"])
    for kept in (entry.created_at, attendance.checked_in_at):
        assert kept == kept.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
        assert abs(kept - volunteered.created_at) > timedelta(seconds=1)
    # What the reserve rule needs is a count for the panel, which points at no seat.
    counts = ErasedSeatStrata.objects.get(panel=world["panel"])
    assert (counts.seats, counts.counts) == (1, {"gender": {"female": 1}, "region": {"corse": 1}})
    assert {f.name for f in ErasedSeatStrata._meta.concrete_fields} == {"panel", "seats", "counts"}
    # No row anywhere in the panel's tables still holds their answers next to their seat.
    assert not Volunteer.objects.filter(memberships__panel=world["panel"], strata__region="corse",
                                        strata__gender="female").exists()  # fmt: skip


@pytest.mark.parametrize("leaving, reserve", [("B", "R3"), ("D", "R1"), ("person", "R2")])
def test_the_reserve_rule_gives_the_seat_to_the_same_reserve_after_the_erasure(
    world, facilitator, leaving, reserve
):
    member = world["seats"][leaving]
    before = _who_would_take(member, facilitator)
    assert before == reserve
    erase_account(user=world["person"], keep_contributions=False)
    assert _who_would_take(member, facilitator) == before


def test_the_erased_seat_leaving_takes_its_answers_out_of_the_counts(world, facilitator):
    erase_account(user=world["person"], keep_contributions=True)
    newcomer = services.replace_member(
        actor=facilitator, member=world["seats"]["person"], reason="Compte supprimé"
    )
    assert Volunteer.objects.get(pk=newcomer.volunteer_id).external_id == "R2"
    counts = ErasedSeatStrata.objects.get(panel=world["panel"])
    assert (counts.seats, counts.counts) == (0, {"gender": {}, "region": {}})
    # The next replacement counts the panel as it now sits: B leaves, only R3 keeps the quotas.
    assert _who_would_take(world["seats"]["B"], facilitator) == "R3"
