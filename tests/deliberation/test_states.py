"""The life cycles of deliberation/states.py as grids: every (from, to) pair of each machine, allowed or
refused, for each kind of actor and situation; and the one helper that moves them (accounts.states)."""

from datetime import timedelta

import pytest
from django.utils import timezone, translation

from accounts.errors import Conflict
from accounts.models import AuditEvent
from accounts.states import transition
from deliberation import states
from deliberation.models import Amendment, Panel, Recommendation, Selection
from tests.factories import UserFactory

from .conftest import seat


def _grid(machine, obj, actor) -> set[tuple[str, str]]:
    """The (from, to) pairs the machine allows `actor` on `obj`, trying every pair of its states."""
    allowed = set()
    for source in machine.states:
        setattr(obj, machine.field, source)
        for target in machine.states:
            if machine.allows(obj, target, actor=actor):
                allowed.add((source, target))
    return allowed


def _pairs(sources, targets) -> set[tuple[str, str]]:
    return {(source, target) for source in sources for target in targets}


P = Panel.Status
EVERY = tuple(P)
PANEL_GRID = {
    # situation: {actor: allowed pairs}. What an organiser may set depends on the draw, from any status.
    "before the draw": {
        "organiser": _pairs(EVERY, (P.DRAFT, P.RECRUITING, P.CLOSED)),
        "facilitator": set(),
        "system": set(),
    },
    "draw running": {"organiser": set(), "facilitator": set(), "system": set()},
    "draw committed": {
        "organiser": _pairs(EVERY, (P.SELECTED, P.DELIBERATING, P.CLOSED)),
        "facilitator": set(),
        "system": {(P.DRAFT, P.SELECTED), (P.RECRUITING, P.SELECTED)},  # the draw seats the panel
    },
}


@pytest.mark.parametrize("situation", sorted(PANEL_GRID))
def test_panel_grid(panel, organiser, facilitator, situation):
    if situation == "draw running":
        Selection.objects.create(panel=panel, seed="s", algorithm="leximin", status=Selection.Status.RUNNING)
    if situation == "draw committed":
        Selection.objects.create(panel=panel, seed="s", algorithm="leximin", status=Selection.Status.DONE)
    actors = {"organiser": organiser, "facilitator": facilitator, "system": None}
    for name, actor in actors.items():
        assert _grid(states.PANEL, panel, actor) == PANEL_GRID[situation][name], name


S = Selection.Status
SELECTION_GRID = {
    # The system also stops a two-step draw once its lottery is published (awaiting) and fails one whose
    # pool changed; only an organiser's public value moves it on (queued), and nobody abandons it.
    "system": _pairs((S.QUEUED, S.RUNNING), (S.RUNNING, S.AWAITING, S.DONE, S.FAILED))
    | {(S.AWAITING, S.FAILED)},
    "organiser, draw stale": {(S.QUEUED, S.FAILED), (S.RUNNING, S.FAILED), (S.AWAITING, S.QUEUED)},
    "organiser, draw recent": {(S.AWAITING, S.QUEUED)},
    "facilitator, draw stale": set(),
}


def test_selection_grid(panel, organiser, facilitator, settings):
    # A two-step draw whose lottery is published: the organiser's value may move it on from awaiting.
    selection = Selection.objects.create(
        panel=panel, seed="s", algorithm="leximin", public_value_source="dés", lottery_sha256="x"
    )
    stale = timezone.now() - timedelta(minutes=settings.PACTE_SELECTION_STALE_MINUTES + 1)
    cases = {
        "system": (None, timezone.now()),
        "organiser, draw stale": (organiser, stale),
        "organiser, draw recent": (organiser, timezone.now()),
        "facilitator, draw stale": (facilitator, stale),
    }
    for name, (actor, started) in cases.items():
        selection.created_at = started
        assert _grid(states.SELECTION, selection, actor) == SELECTION_GRID[name], name


R = Recommendation.Status
VOTE_GRID = {
    "the panel's team": {
        (R.DRAFT, R.VOTING), (R.NO_BALLOT, R.VOTING),  # opened (again, after a vote with no ballot)
        (R.TOO_FEW, R.VOTING),  # or after one with too few ballots to publish a count
        (R.VOTING, R.ADOPTED), (R.VOTING, R.REJECTED), (R.VOTING, R.NO_BALLOT),  # closed
        (R.VOTING, R.TOO_FEW),
    },
    "a member": set(),
    "a facilitator of another panel": set(),
    "the system": set(),
}  # fmt: skip


def test_recommendation_vote_grid(recommendation, organiser, facilitator):
    actors = {
        "a member": seat(recommendation.panel).volunteer.user,
        "a facilitator of another panel": UserFactory(roles=["citizen", "facilitator"]),
        "the system": None,
    }
    for name, actor in actors.items():
        assert _grid(states.RECOMMENDATION_VOTE, recommendation, actor) == VOTE_GRID[name], name
    for actor in (organiser, facilitator):
        assert _grid(states.RECOMMENDATION_VOTE, recommendation, actor) == VOTE_GRID["the panel's team"]


def test_amendment_grid(recommendation, organiser, facilitator):
    """Decided once, by whoever runs the panel, while the recommendation is drafted; never by a member."""
    A = Amendment.Status
    amendment = Amendment(recommendation=recommendation, proposed_by=seat(recommendation.panel), text="Autre")
    decided = _pairs([A.PROPOSED], [A.ACCEPTED, A.REJECTED])
    for actor in (organiser, facilitator):
        assert _grid(states.AMENDMENT, amendment, actor) == decided
    for actor in (seat(recommendation.panel).volunteer.user, None):
        assert _grid(states.AMENDMENT, amendment, actor) == set()
    recommendation.status = Recommendation.Status.VOTING
    assert _grid(states.AMENDMENT, amendment, organiser) == set()


def test_a_step_is_written_and_audited_once(panel, organiser):
    transition(panel, P.RECRUITING, actor=organiser, action="panel.status", details={"why": "test"})
    panel.refresh_from_db()
    assert panel.status == P.RECRUITING
    event = AuditEvent.objects.filter(action="panel.status").get()
    assert event.details == {"from": "draft", "to": "recruiting", "why": "test"}


@pytest.mark.parametrize(
    ("language", "refusal"),
    [
        ("en", "This cannot change from “In preparation” to “Panel drawn”."),
        ("fr", "Impossible de passer de «\u00a0En préparation\u00a0» à «\u00a0Panel tiré au sort\u00a0»."),
    ],
)
def test_a_step_the_table_refuses_changes_nothing_and_says_why(panel, organiser, language, refusal):
    with translation.override(language), pytest.raises(Conflict) as refused:
        transition(panel, P.SELECTED, actor=organiser, action="panel.status")  # only the draw seats it
    assert str(refused.value) == refusal and refused.value.status == 409
    panel.refresh_from_db()
    assert panel.status == P.DRAFT and not AuditEvent.objects.filter(action="panel.status").exists()
