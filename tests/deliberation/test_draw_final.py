"""A committed draw is final: the panel never goes back to recruiting, is never drawn again (service, page,
task), and a seat left empty is filled from the reserve list. A volunteer may leave the pool at any time;
a reserve who left is never called. While a draw runs, the pool and the quotas it reads do not move."""

import re

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from deliberation import services, tasks
from deliberation.models import Panel, PanelMember, Selection, Volunteer
from tests.conftest import with_totp
from tests.deliberation.conftest import messages_of
from tests.factories import UserFactory

FINAL = "This panel has been drawn and a committed draw is final"


def _seated(panel) -> set[int]:
    return set(PanelMember.objects.filter(panel=panel).values_list("volunteer_id", flat=True))


def test_a_committed_draw_never_goes_back_to_recruiting_and_is_not_drawn_again(drawn, organiser):
    seated = _seated(drawn)
    for status in (Panel.Status.RECRUITING, Panel.Status.DRAFT):
        with pytest.raises(services.DeliberationError, match=FINAL):
            services.set_panel_status(actor=organiser, panel=drawn, status=status)
    drawn.refresh_from_db()
    assert drawn.status == Panel.Status.SELECTED
    with pytest.raises(services.DeliberationError, match="it cannot be drawn again"):
        services.start_selection(actor=organiser, panel=drawn, seed="une-autre-graine")
    assert drawn.selections.count() == 1 and _seated(drawn) == seated
    # Moving on is still possible.
    services.set_panel_status(actor=organiser, panel=drawn, status=Panel.Status.DELIBERATING)
    drawn.refresh_from_db()
    assert drawn.status == Panel.Status.DELIBERATING


def test_a_panel_reopened_before_the_rule_existed_is_still_not_drawn_again(drawn, organiser, citizen):
    Panel.objects.filter(pk=drawn.pk).update(status=Panel.Status.RECRUITING)  # data from before the fix
    drawn.refresh_from_db()
    with pytest.raises(services.DeliberationError, match="it cannot be drawn again"):
        services.start_selection(actor=organiser, panel=drawn)
    with pytest.raises(PermissionDenied):  # the pool is closed too
        services.volunteer(user=citizen, panel=drawn, consent=True)
    assert drawn.selections.count() == 1


def test_a_stray_run_on_a_drawn_panel_ends_as_failed_with_the_reason_and_seats_nobody(
    drawn, organiser, client
):
    seated = _seated(drawn)
    published = drawn.selections.get()
    stray = Selection.objects.create(panel=drawn, seed="autre", algorithm="maximin")  # queued earlier
    assert tasks.run_selection(stray.pk) == Selection.Status.FAILED
    stray.refresh_from_db()
    assert stray.status == Selection.Status.FAILED and stray.reasons == [{"code": "draw_is_final"}]
    assert _seated(drawn) == seated
    drawn.refresh_from_db()
    assert drawn.status == Panel.Status.SELECTED
    # The public report still shows the committed draw, and the manage page the reason, not a spinner.
    with_totp(organiser)
    client.force_login(organiser)
    report = client.get(reverse("deliberation:selection_report", args=[drawn.pk]), HTTP_ACCEPT_LANGUAGE="en")
    assert report.status_code == 200 and published.seed in report.content.decode()
    manage = client.get(reverse("deliberation:manage", args=[drawn.pk]), HTTP_ACCEPT_LANGUAGE="en")
    html = manage.content.decode()
    assert "The last selection could not be made" in html and FINAL in html


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_pages_refuse_a_second_draw_with_a_message(drawn, organiser, client, language):
    seated = _seated(drawn)
    with_totp(organiser)
    client.force_login(organiser)
    manage = reverse("deliberation:manage", args=[drawn.pk])
    html = client.get(manage, HTTP_ACCEPT_LANGUAGE=language).content.decode()
    # Neither going back nor drawing again is offered; moving on is.
    assert 'value="recruiting"' not in html and 'value="draft"' not in html
    assert 'value="deliberating"' in html
    assert reverse("deliberation:run_selection", args=[drawn.pk]) not in html
    final = {"en": "The draw is final", "fr": "Le tirage est définitif"}[language]
    assert final in html

    back = client.post(
        reverse("deliberation:set_status", args=[drawn.pk]), {"status": "recruiting"},
        HTTP_ACCEPT_LANGUAGE=language,
    )  # fmt: skip
    assert back.status_code == 302
    page = client.get(back.url, HTTP_ACCEPT_LANGUAGE=language)
    expected = {
        "en": "This panel has been drawn and a committed draw is final: it cannot go back to “Open to "
        "volunteers”.",
        "fr": "Ce panel a été tiré au sort et un tirage enregistré est définitif\u00a0: il ne peut pas "
        "revenir à l’état «\u00a0Ouvert aux volontaires\u00a0».",
    }[language]
    assert page.status_code == 200 and any(expected in m for m in messages_of(page))
    assert "Status updated." not in messages_of(page)

    again = client.post(
        reverse("deliberation:run_selection", args=[drawn.pk]), follow=True,
        HTTP_ACCEPT_LANGUAGE=language,
    )  # fmt: skip
    expected = {
        "en": "it cannot be drawn again. A seat left empty is filled from the reserve list.",
        "fr": "il ne peut pas être tiré à nouveau. Une place libérée est attribuée à partir de la liste de "
        "réserve.",
    }[language]
    assert again.status_code == 200 and any(expected in m for m in messages_of(again))
    drawn.refresh_from_db()
    assert drawn.status == Panel.Status.SELECTED
    assert drawn.selections.count() == 1 and _seated(drawn) == seated


def test_after_a_failed_run_the_panel_can_still_be_drawn_or_sent_back(pool_panel, organiser):
    Selection.objects.create(
        panel=pool_panel, seed="x", algorithm="maximin", status=Selection.Status.FAILED,
        reasons=[{"code": "time_limit", "minutes": 30}],
    )  # fmt: skip
    services.set_panel_status(actor=organiser, panel=pool_panel, status=Panel.Status.DRAFT)
    services.set_panel_status(actor=organiser, panel=pool_panel, status=Panel.Status.RECRUITING)
    selection = services.start_selection(actor=organiser, panel=pool_panel, seed="nouvelle")
    assert selection.status == Selection.Status.QUEUED
    # While it runs, a second one is refused, and so is any change to the pool or the quotas.
    with pytest.raises(services.DeliberationError, match="already running"):
        services.start_selection(actor=organiser, panel=pool_panel)
    with pytest.raises(services.DeliberationError, match="A draw is running for this panel"):
        services.import_volunteers(actor=organiser, panel=pool_panel, text="id,gender\nz1,female\n")
    with pytest.raises(services.DeliberationError, match="A draw is running for this panel"):
        services.replace_quotas(actor=organiser, panel=pool_panel, quotas=[])
    newcomer = UserFactory(roles=["citizen"])
    with pytest.raises(services.DeliberationError, match="volunteering is closed"):
        services.volunteer(user=newcomer, panel=pool_panel, consent=True)
    assert pool_panel.volunteers.count() == 10 and pool_panel.quotas.count() == 2


def test_a_reserve_who_left_the_pool_is_never_called_the_next_reserve_takes_the_seat(
    drawn, organiser, django_capture_on_commit_callbacks
):
    selection = drawn.selections.get()
    ranking = list(selection.reserves)
    assert len(ranking) >= 2
    left = Volunteer.objects.get(pk=int(ranking[0]))
    next_in_line = int(ranking[1])

    # Withdrawing after the draw is allowed (consent can be withdrawn at any time)...
    services.withdraw_volunteering(user=left.user, panel=drawn)
    assert not Volunteer.objects.filter(pk=left.pk).exists()
    # ...and the published record is not edited: the reserve ranking and the re-run draw are unchanged.
    selection.refresh_from_db()
    assert selection.reserves == ranking
    assert sorted(services.redraw(selection)) == sorted(selection.drawn)

    leaving = PanelMember.objects.filter(panel=drawn).first()
    with django_capture_on_commit_callbacks(execute=True):
        newcomer = services.replace_member(actor=organiser, member=leaving, reason="Départ annoncé")
    assert newcomer.volunteer_id == next_in_line
    assert not PanelMember.objects.filter(volunteer_id=left.pk).exists()


def test_withdrawing_tells_a_seated_member_how_to_leave_and_keeps_their_seat(drawn, citizen):
    member = PanelMember.objects.filter(panel=drawn).select_related("volunteer__user").first()
    with pytest.raises(services.DeliberationError, match="tell the panel's facilitators"):
        services.withdraw_volunteering(user=member.volunteer.user, panel=drawn)
    member.refresh_from_db()
    assert member.status == PanelMember.Status.ACTIVE
    with pytest.raises(services.DeliberationError, match="You are not in the pool"):
        services.withdraw_volunteering(user=citizen, panel=drawn)


def test_someone_drawn_who_leaves_while_the_draw_runs_makes_it_fail_cleanly(pool_panel, organiser):
    selection = services.start_selection(actor=organiser, panel=pool_panel, seed="graine")  # not run yet
    sortition = services.load_sortition()
    people, quotas, excluded = services.selection_inputs(selection)
    result = sortition.select(people, quotas, pool_panel.size, selection.seed)
    gone = Volunteer.objects.get(pk=int(result.panel[0]))
    services.withdraw_volunteering(user=gone.user, panel=pool_panel)  # allowed while the draw runs

    recorded = services.record_selection_result(selection_id=selection.pk, result=result, excluded=excluded)
    assert recorded.status == Selection.Status.FAILED
    assert recorded.reasons == [{"code": "pool_changed", "n": 1}]
    shown = recorded.failure_text  # as an English reader sees it
    assert "1 person drawn left the pool while the draw was running: nothing was seated" in shown
    assert not PanelMember.objects.exists()
    pool_panel.refresh_from_db()
    assert pool_panel.status == Panel.Status.RECRUITING
    # Not committed: the organiser can run the draw again.
    assert services.start_selection(actor=organiser, panel=pool_panel).status == Selection.Status.QUEUED


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_seats_of_a_closed_panel_no_longer_change(drawn, organiser, client, language):
    """A closed panel's composition is its public record (and its reserves may have been purged)."""
    services.set_panel_status(actor=organiser, panel=drawn, status=Panel.Status.CLOSED)
    leaving = PanelMember.objects.filter(panel=drawn).first()
    client.force_login(with_totp(organiser))
    response = client.post(
        reverse("deliberation:replace_member", args=[leaving.pk]),
        {"reason": "Départ"},
        HTTP_ACCEPT_LANGUAGE=language,
        follow=True,
    )
    closed = {"en": "This panel is closed: its seats no longer change.",
              "fr": "Ce panel est clos\u00a0: ses sièges ne changent plus."}  # fmt: skip
    assert response.status_code == 200 and messages_of(response) == [closed[language]]
    leaving.refresh_from_db()
    assert leaving.status == PanelMember.Status.ACTIVE
    assert PanelMember.objects.filter(panel=drawn).count() == drawn.size


NOT_DRAWN = "This panel has not been drawn"


@pytest.mark.parametrize("language", ["en", "fr"])
def test_a_panel_is_drawn_or_deliberating_only_after_its_draw(client, panel, organiser, language):
    """Before its draw a panel has no members: only its draw makes it "Panel drawn"; it may be given up."""
    services.set_panel_status(actor=organiser, panel=panel, status=Panel.Status.RECRUITING)
    for status in (Panel.Status.SELECTED, Panel.Status.DELIBERATING):
        with pytest.raises(services.DeliberationError, match=NOT_DRAWN):
            services.set_panel_status(actor=organiser, panel=panel, status=status)
    panel.refresh_from_db()
    assert panel.status == Panel.Status.RECRUITING

    with_totp(organiser)
    client.force_login(organiser)
    client.cookies["django_language"] = language
    manage = client.get(
        reverse("deliberation:manage", args=[panel.pk]), HTTP_ACCEPT_LANGUAGE=language
    ).content.decode()
    offered = set(re.findall(r'<option value="([a-z_]+)"', manage))
    assert offered == {Panel.Status.DRAFT, Panel.Status.RECRUITING, Panel.Status.CLOSED}
    # A forged form gets the reason, in the page's language, and changes nothing.
    response = client.post(
        reverse("deliberation:set_status", args=[panel.pk]),
        {"status": Panel.Status.DELIBERATING},
        follow=True,
        HTTP_ACCEPT_LANGUAGE=language,
    )
    expected = {
        "en": "This panel has not been drawn: it becomes “Deliberating” once its draw seats the panel.",
        "fr": "Ce panel n’a pas été tiré au sort",
    }[language]
    assert any(expected in message for message in messages_of(response))
    panel.refresh_from_db()
    assert panel.status == Panel.Status.RECRUITING
    # Given up before its draw: closed.
    services.set_panel_status(actor=organiser, panel=panel, status=Panel.Status.CLOSED)
    panel.refresh_from_db()
    assert panel.status == Panel.Status.CLOSED
