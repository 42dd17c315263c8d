"""A draw whose worker is lost after it published the lottery, and that another worker takes over (the task
is acknowledged late, so it is delivered again): the lottery is published once, with one audit event and
its first date, and the panel is drawn from it, whatever was edited meanwhile that the lottery does not
commit to (the panel's title) and whatever digits the solver would give now; if the pool it was computed
for changed (a volunteer added or withdrawn), the draw ends as failed with the reason, nothing seated, and
the published lottery is left as it was. The same with real workers killed by SIGKILL:
tests/faults/test_worker_killed_mid_task.py."""

import dataclasses

import pytest
from django.urls import reverse

from accounts.models import AuditEvent
from deliberation import lottery, services, tasks
from deliberation.models import Panel, PanelMember, Selection, Volunteer
from deliberation.sortition import run as sortition_run
from tests.factories import UserFactory


class WorkerLost(Exception):
    """Stands for the SIGKILL: the task stops between the lottery's publication and the seating."""


@pytest.fixture
def published_then_lost(pool_panel, organiser, monkeypatch):
    """A draw whose first run published its lottery and was lost before seating anyone."""
    selection = services.start_selection(actor=organiser, panel=pool_panel, seed="graine-reprise")

    def lost(**kwargs):
        selection.first_worker_drew = sorted(kwargs["result"].panel)
        raise WorkerLost

    with monkeypatch.context() as patch:
        patch.setattr(services, "record_selection_result", lost)
        with pytest.raises(WorkerLost):
            tasks.run_selection(selection.pk)
    selection.refresh_from_db()
    assert selection.status == Selection.Status.RUNNING and selection.lottery_sha256
    assert not PanelMember.objects.exists()
    first_worker_drew = selection.first_worker_drew
    selection.refresh_from_db()
    selection.first_worker_drew = first_worker_drew  # the panel it would have seated
    return selection


def _seated(selection):
    return sorted(
        str(v) for v in PanelMember.objects.filter(selection=selection).values_list("volunteer_id", flat=True)
    )


def _published_events(selection):
    return AuditEvent.objects.filter(action="selection.lottery_published", object_id=str(selection.pk))


def test_a_draw_taken_over_publishes_its_lottery_once(published_then_lost):
    selection = published_then_lost
    first_sha, first_date = selection.lottery_sha256, selection.lottery_published_at

    assert tasks.run_selection(selection.pk) == Selection.Status.DONE

    selection.refresh_from_db()
    assert PanelMember.objects.filter(selection=selection).count() == 4
    assert (selection.lottery_sha256, selection.lottery_published_at) == (first_sha, first_date)
    assert _published_events(selection).count() == 1
    assert AuditEvent.objects.filter(action="selection.drawn", object_id=str(selection.pk)).count() == 1


def test_a_draw_taken_over_after_the_title_was_edited_seats_the_panel_from_the_published_lottery(
    published_then_lost,
):
    selection = published_then_lost
    first_sha, first_title = selection.lottery_sha256, selection.lottery["title"]
    Panel.objects.filter(pk=selection.panel_id).update(title="Don de données : le titre corrigé")

    assert tasks.run_selection(selection.pk) == Selection.Status.DONE

    selection.refresh_from_db()
    assert _seated(selection) == selection.first_worker_drew
    assert selection.lottery_sha256 == first_sha and selection.lottery["title"] == first_title
    assert _published_events(selection).count() == 1
    assert list(services.redraw(selection)) == _seated(selection)  # anyone redraws it from the file


def test_a_draw_taken_over_where_the_solver_now_gives_other_digits_seats_the_published_panel(
    published_then_lost, monkeypatch
):
    """As on another host: the lottery found again differs in its last digits from the one published."""
    selection = published_then_lost
    solve = sortition_run.find_distribution

    def other_host(*args, **kwargs):
        found = solve(*args, **kwargs)
        shifted = tuple((seats, p * (1 + 1e-12)) for seats, p in found.lottery.compositions)
        return dataclasses.replace(found, lottery=dataclasses.replace(found.lottery, compositions=shifted))

    monkeypatch.setattr(sortition_run, "find_distribution", other_host)

    assert tasks.run_selection(selection.pk) == Selection.Status.DONE

    selection.refresh_from_db()
    assert _seated(selection) == selection.first_worker_drew
    assert _published_events(selection).count() == 1


def _add_volunteer(selection):
    """The services refuse a newcomer while a draw runs; the admin site does not."""
    user = UserFactory(roles=["citizen"])
    Volunteer.objects.create(
        panel=selection.panel, user=user, strata={"gender": "female"}, source=Volunteer.Source.ACCOUNT
    )


def _withdraw_one_not_drawn(selection):
    """Leaving the pool is allowed at any time (consent withdrawn)."""
    person = selection.panel.volunteers.exclude(pk__in=[int(v) for v in selection.first_worker_drew]).first()
    services.withdraw_volunteering(user=person.user, panel=selection.panel)


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(_add_volunteer, id="volunteer-added"),
        pytest.param(_withdraw_one_not_drawn, id="volunteer-withdrawn"),
    ],
)
def test_a_draw_taken_over_after_the_pool_changed_fails_and_keeps_the_published_lottery(
    published_then_lost, change
):
    selection = published_then_lost
    first_sha, first_document = selection.lottery_sha256, selection.lottery
    change(selection)

    assert tasks.run_selection(selection.pk) == Selection.Status.FAILED

    selection.refresh_from_db()
    assert selection.reasons == [{"code": "lottery_changed"}]
    assert (selection.lottery_sha256, selection.lottery) == (first_sha, first_document)
    assert _published_events(selection).count() == 1
    assert not PanelMember.objects.exists()


@pytest.mark.parametrize(
    ("language", "reason"),
    [
        ("en", "found another lottery than the one published before the draw"),
        ("fr", "a trouvé une autre loterie que celle publiée avant le tirage"),
    ],
)
def test_a_draw_taken_over_that_finds_another_lottery_fails_and_keeps_the_published_one(
    published_then_lost, organiser_client, language, reason
):
    selection = published_then_lost
    # The quotas changed while no worker held the draw (the services refuse it; the admin site does not).
    quota = selection.panel.quotas.get(value="female")
    quota.max = 3
    quota.save(update_fields=["max"])
    first_sha = selection.lottery_sha256

    assert tasks.run_selection(selection.pk) == Selection.Status.FAILED

    selection.refresh_from_db()
    assert selection.reasons == [{"code": "lottery_changed"}]
    assert selection.lottery_sha256 == first_sha  # the commitment is not replaced
    assert _published_events(selection).count() == 1
    assert not PanelMember.objects.exists()
    assert not AuditEvent.objects.filter(action="selection.late_result_refused").exists()
    page = organiser_client.get(
        reverse("deliberation:manage", args=[selection.panel_id]), HTTP_ACCEPT_LANGUAGE=language
    ).content.decode()
    assert reason in page


def _found_again(selection, **changes):
    """The lottery document another run would publish for this draw, with `changes`."""
    document = dict(selection.lottery, **changes)
    return document


def test_a_run_that_finds_the_lottery_published_by_another_draws_from_the_published_one(published_then_lost):
    """Two runs of one draw at once: the second to publish keeps the first publication and draws from it."""
    selection = published_then_lost
    shifted = [dict(c, probability=c["probability"] * (1 + 1e-12)) for c in selection.lottery["compositions"]]
    other = _found_again(selection, title="Autre titre", compositions=shifted)

    kept = services.publish_lottery(
        selection_id=selection.pk, document=other, inputs_sha256=selection.lottery_inputs_sha256
    )

    assert kept.lottery == selection.lottery and kept.lottery_sha256 == selection.lottery_sha256
    with pytest.raises(services.LotteryChanged):
        services.publish_lottery(selection_id=selection.pk, document=other, inputs_sha256="1" * 64)
    assert _published_events(selection).count() == 1


def test_a_lottery_published_before_its_inputs_were_recorded_is_compared_by_what_it_commits_to(
    published_then_lost,
):
    """A draw published by a worker of the previous version (no inputs recorded): a run taking it over
    finds the lottery again and compares it, the title and the solver's last digits aside."""
    selection = published_then_lost
    Selection.objects.filter(pk=selection.pk).update(lottery_inputs_sha256="")
    shifted = [dict(c, probability=c["probability"] * (1 + 1e-12)) for c in selection.lottery["compositions"]]
    same = _found_again(selection, title="Autre titre", compositions=shifted)
    groups = [list(reversed(selection.lottery["groups"]))[0], *selection.lottery["groups"][1:]]
    other = _found_again(selection, groups=groups)

    assert services.publish_lottery(selection_id=selection.pk, document=same).lottery == selection.lottery
    with pytest.raises(services.LotteryChanged):
        services.publish_lottery(selection_id=selection.pk, document=other)

    assert tasks.run_selection(selection.pk) == Selection.Status.DONE
    assert _seated(selection) == selection.first_worker_drew
    assert lottery.document_sha256(selection.lottery) == selection.lottery_sha256
