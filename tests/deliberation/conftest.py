"""Builders for panel tests: a panel with seated members, a session where they are checked in, a
recommendation at any stage. They write rows directly only for what a test does not exercise (the draw);
everything under test goes through the services."""

from datetime import timedelta

import pytest
from django.utils import timezone, translation

from deliberation import services
from deliberation.models import Attendance, Panel, PanelMember, Recommendation, Selection, Session, Volunteer
from tests.factories import UserFactory


@pytest.fixture(autouse=True)
def _english_messages():
    """Service messages are asserted in English (the source language); pages choose their own language."""
    with translation.override("en"):
        yield


@pytest.fixture
def counts_published_from_one_ballot(settings):
    """For tests of the vote's other rules on panels of a few members: a count is published from one
    ballot (the floor of `PACTE_MIN_BALLOTS_TO_PUBLISH` is tested in test_vote_count_threshold.py)."""
    settings.PACTE_MIN_BALLOTS_TO_PUBLISH = 1


def messages_of(response) -> list[str]:
    """The messages a page shows its reader (as translated when it was rendered)."""
    return [str(m) for m in response.context["messages"]]


def recorded_draw(panel: Panel) -> Selection:
    """The panel's committed draw, made up for tests that do not exercise the lottery."""
    return panel.selections.first() or Selection.objects.create(
        panel=panel, seed="test", algorithm="maximin", status=Selection.Status.DONE
    )


def seat(panel: Panel, user=None) -> PanelMember:
    """Seat a citizen on the panel as if the draw had picked them."""
    user = user or UserFactory(roles=["citizen"])
    selection = recorded_draw(panel)
    person = Volunteer.objects.create(panel=panel, user=user, strata={}, source=Volunteer.Source.ACCOUNT)
    return PanelMember.objects.create(panel=panel, volunteer=person, selection=selection)


@pytest.fixture
def panel(organiser, facilitator):
    """A panel the `facilitator` fixture runs (an organiser assigned them)."""
    panel = services.create_panel(actor=organiser, title="Don de données par défaut", size=4)
    services.assign_facilitator(actor=organiser, panel=panel, user=facilitator)
    return panel


@pytest.fixture
def session(panel, facilitator):
    return services.schedule_session(
        actor=facilitator, panel=panel, title="Séance 1", starts_at=timezone.now(), place="Lyon"
    )


@pytest.fixture
def members(panel, session):
    """Three seated members, all checked in at `session`."""
    seats = [seat(panel) for _ in range(3)]
    for member in seats:
        Attendance.objects.create(session=session, member=member, method=Attendance.Method.FACILITATOR)
    return seats


@pytest.fixture
def recommendation(panel, session, facilitator):
    return services.create_recommendation(
        actor=facilitator,
        panel=panel,
        session=session,
        title="Registre des refus en ligne",
        text="Créer un registre national des refus accessible en ligne.",
        rationale="Simplicité.",
    )


def adopt(recommendation: Recommendation, *, days_ago: int = 0) -> Recommendation:
    """Mark a recommendation adopted `days_ago` days ago (the vote itself is tested elsewhere). Its panel,
    if still in preparation, is moved to deliberating: a panel in preparation is shown to nobody but its
    team, so its recommendations could not be public."""
    Panel.objects.filter(pk=recommendation.panel_id, status=Panel.Status.DRAFT).update(
        status=Panel.Status.DELIBERATING
    )
    recommendation.panel.refresh_from_db(fields=["status"])
    recommendation.status = Recommendation.Status.ADOPTED
    recommendation.decided_at = timezone.now() - timedelta(days=days_ago)
    recommendation.save()
    return recommendation


def citizen_in_pool(panel: Panel, gender: str):
    """A citizen with a gender in their profile who volunteered for `panel` (through the service)."""
    from accounts.services import update_profile

    user = UserFactory(roles=["citizen"])
    update_profile(user=user, strata={"gender": gender})
    services.volunteer(user=user, panel=panel, consent=True, language="en")
    return user


@pytest.fixture
def pool_panel(panel, organiser):
    """A panel of 4 open to volunteers, 10 citizens in its pool; loose quotas: any reserve fits any seat."""
    services.set_panel_status(actor=organiser, panel=panel, status=Panel.Status.RECRUITING)
    for i in range(10):
        citizen_in_pool(panel, ["female", "male"][i % 2])
    services.replace_quotas(
        actor=organiser,
        panel=panel,
        quotas=[services.QuotaInput("gender", "female", 0, 4), services.QuotaInput("gender", "male", 0, 4)],
    )
    return panel


@pytest.fixture
def drawn(pool_panel, organiser, eager_celery, django_capture_on_commit_callbacks):
    """`pool_panel` drawn by the Celery task (eager): 4 seated, the others ranked on the reserve list."""
    with django_capture_on_commit_callbacks(execute=True):
        selection = services.start_selection(actor=organiser, panel=pool_panel, seed="graine-publique")
    selection.refresh_from_db()
    assert selection.status == Selection.Status.DONE, selection.failure_text
    pool_panel.refresh_from_db()
    assert pool_panel.status == Panel.Status.SELECTED
    return pool_panel


def other_session(panel: Panel) -> Session:
    return Session.objects.create(panel=panel, title="Séance 2", starts_at=timezone.now(), place="Paris")


@pytest.fixture
def started(pool_panel, organiser):
    """A draw started, its task not run yet."""
    return services.start_selection(actor=organiser, panel=pool_panel, seed="graine-en-cours")
