"""The two-step draw: the lottery is published with the public random value announced to pick the panel
(step 1, nobody seated), then the organiser enters that value once it is known (step 2) and the panel is
drawn from the published lottery with the seed and the value; scripts/verify_draw.py agrees."""

import json
import time

import pytest
from django.urls import reverse
from django.utils import translation

from accounts.models import AuditEvent
from deliberation import lottery, rules, services
from deliberation.models import Panel, PanelMember, Selection
from tests.conftest import with_totp
from tests.deliberation.conftest import messages_of
from tests.deliberation.test_verifiable_draw import run_script
from tests.typography import text_of

SOURCE = "somme de trois dés lancés en séance publique le 12 janvier"


@pytest.fixture
def step_one(pool_panel, organiser_client, eager_celery, django_capture_on_commit_callbacks):
    """Step 1 through the page: the lottery published, the panel awaiting the public value."""
    url = reverse("deliberation:start_two_step_draw", args=[pool_panel.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = organiser_client.post(url, {"public_value_source": SOURCE}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 302
    return pool_panel.selections.get()


def enter(client, selection, value, *, confirm=True, language="en", capture=None):
    url = reverse("deliberation:enter_public_value", args=[selection.pk])
    data = {"public_value": value, **({"confirm": "1"} if confirm else {})}
    if capture is None:
        return client.post(url, data, HTTP_ACCEPT_LANGUAGE=language)
    with capture(execute=True):
        return client.post(url, data, HTTP_ACCEPT_LANGUAGE=language)


def test_step_one_publishes_the_lottery_with_the_announced_value_and_seats_nobody(step_one, client):
    selection, panel = step_one, step_one.panel
    assert selection.status == Selection.Status.AWAITING
    assert not PanelMember.objects.filter(panel=panel).exists()
    panel.refresh_from_db()
    assert panel.status == Panel.Status.RECRUITING
    # The file anyone downloads names the value that will pick the panel.
    data = client.get(reverse("deliberation:selection_lottery", args=[panel.pk, selection.pk])).content
    assert json.loads(data)["public_value_source"] == SOURCE
    # The panel's public page and its report say it waits, with the lottery's digest and the source.
    for name in ("deliberation:panel_detail", "deliberation:selection_report"):
        page = text_of(client.get(reverse(name, args=[panel.pk]), HTTP_ACCEPT_LANGUAGE="fr"))
        assert "Loterie publiée : le panel attend la valeur publique" in page
        assert selection.lottery_sha256 in page and SOURCE in page
        assert reverse("deliberation:enter_public_value", args=[selection.pk]) not in page  # anonymous
    steps = list(
        AuditEvent.objects.filter(object_id=str(selection.pk), action__startswith="selection.")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert steps == ["selection.started", "selection.lottery_published", "selection.awaiting_public_value"]


def test_the_public_value_picks_the_panel_and_the_script_agrees(
    step_one, organiser_client, client, tmp_path, django_capture_on_commit_callbacks
):
    selection = step_one
    # First the confirmation page: nothing drawn yet; the value is shown as it will be used.
    response = enter(organiser_client, selection, "  5  12 23 ", confirm=False)
    assert response.status_code == 200
    assert "Draw the panel with the public value “5 12 23”?" in text_of(response)
    selection.refresh_from_db()
    assert selection.status == Selection.Status.AWAITING
    response = enter(organiser_client, selection, "5 12 23", capture=django_capture_on_commit_callbacks)
    assert response.status_code == 302
    selection.refresh_from_db()
    assert selection.status == Selection.Status.DONE, selection.failure_text
    assert selection.public_value == "5 12 23" and selection.public_value_at is not None
    seated = sorted(str(v) for v in selection.panel.members.values_list("volunteer_id", flat=True))
    published = lottery.from_document(selection.lottery)
    assert seated == sorted(lottery.draw(published, selection.seed, "5 12 23"))
    data = client.get(
        reverse("deliberation:selection_lottery", args=[selection.panel_id, selection.pk])
    ).content
    args = ["--seed", selection.seed, "--sha256", selection.lottery_sha256, "--panel", ",".join(seated)]
    status, out = run_script(tmp_path, data, *args, "--public-value", "5 12 23")
    assert status == 0 and "This is the published panel." in out
    status, out = run_script(tmp_path, data, *args)  # the value is required to check this draw
    assert status == 1 and SOURCE in out
    # The report says the value, when it was entered, after how long, and how to check it.
    report = text_of(
        client.get(
            reverse("deliberation:selection_report", args=[selection.panel_id]), HTTP_ACCEPT_LANGUAGE="en"
        )
    )
    assert "Public value entered by the organisers 5 12 23 Entered:" in report
    assert "after the lottery was published" in report
    assert f"--sha256 {selection.lottery_sha256} --public-value '5 12 23'" in report
    assert "The published lottery, the seed and the public value give the seated panel." in report
    entered = AuditEvent.objects.get(action="selection.public_value_entered", object_id=str(selection.pk))
    assert entered.details["public_value"] == "5 12 23" and entered.details["seconds_after_publication"] >= 0


def test_a_value_entered_twice_is_refused_in_french(
    step_one, organiser_client, django_capture_on_commit_callbacks
):
    selection = step_one
    enter(organiser_client, selection, "14", capture=django_capture_on_commit_callbacks)
    selection.refresh_from_db()
    drawn = list(selection.drawn)
    response = enter(organiser_client, selection, "15", language="fr")
    assert response.status_code == 409
    assert "La valeur publique de ce tirage a déjà été saisie" in text_of(response)
    selection.refresh_from_db()
    assert selection.public_value == "14" and selection.drawn == drawn


def test_a_value_before_the_lottery_is_published_is_refused(pool_panel, organiser, organiser_client):
    # Step 1 started, its task not run yet: the lottery is not public.
    selection = services.start_selection(actor=organiser, panel=pool_panel, public_value_source=SOURCE)
    response = enter(organiser_client, selection, "14", language="fr")
    assert response.status_code == 409
    assert "La loterie de ce tirage n’est pas encore publiée" in text_of(response)
    selection.refresh_from_db()
    assert selection.status == Selection.Status.QUEUED and not selection.public_value
    # A draw from the seed alone announced no value: none is entered.
    alone = Selection(panel=pool_panel, seed="s", status=Selection.Status.AWAITING, lottery_sha256="x")
    with translation.override("en"):
        assert "announced no public value" in rules.public_value_refusal(organiser, alone)


def test_a_non_organiser_cannot_enter_the_value(step_one, client, facilitator):
    client.force_login(with_totp(facilitator))
    response = enter(client, step_one, "14")
    assert response.status_code == 403
    step_one.refresh_from_db()
    assert step_one.status == Selection.Status.AWAITING and not step_one.public_value
    with pytest.raises(services.DeliberationError):
        services.enter_public_value(actor=facilitator, selection=step_one, public_value="14")


def test_a_malformed_value_or_a_missing_source_is_refused_with_the_text_kept(
    step_one, pool_panel, organiser_client
):
    response = enter(organiser_client, step_one, "14'; rm -rf", language="fr")
    assert response.status_code == 400
    assert "Saisissez la valeur publique telle qu’elle a été annoncée" in text_of(response)
    step_one.refresh_from_db()
    assert step_one.status == Selection.Status.AWAITING
    # Another two-step draw cannot start while this one waits (the pool is frozen), and a blank source
    # is refused on the form, in French.
    response = organiser_client.post(
        reverse("deliberation:start_two_step_draw", args=[pool_panel.pk]),
        {"public_value_source": "   "},
        HTTP_ACCEPT_LANGUAGE="fr",
    )
    assert response.status_code == 200
    assert "Dites quelle valeur publique tirera le panel" in text_of(response)
    assert pool_panel.selections.count() == 1


def test_a_second_draw_waits_for_the_public_value(step_one, organiser_client):
    response = organiser_client.post(
        reverse("deliberation:run_selection", args=[step_one.panel_id]),
        HTTP_ACCEPT_LANGUAGE="en",
        follow=True,
    )
    assert any("awaits its public value" in m for m in messages_of(response))
    assert step_one.panel.selections.count() == 1


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_both_steps_run_on_a_real_worker(celery_worker_process, organiser):
    from tests.deliberation.test_selection import make_pool_panel

    panel = make_pool_panel(organiser)
    selection = services.start_selection(actor=organiser, panel=panel, public_value_source=SOURCE)

    def wait_for(*statuses):
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            selection.refresh_from_db()
            if selection.status in statuses:
                return
            time.sleep(1)

    wait_for(Selection.Status.AWAITING, Selection.Status.DONE, Selection.Status.FAILED)
    assert selection.status == Selection.Status.AWAITING, selection.failure_text
    assert not PanelMember.objects.filter(panel=panel).exists()
    services.enter_public_value(actor=organiser, selection=selection, public_value="3 6 4")
    wait_for(Selection.Status.DONE, Selection.Status.FAILED)
    assert selection.status == Selection.Status.DONE, selection.failure_text
    seated = sorted(
        str(v) for v in PanelMember.objects.filter(panel=panel).values_list("volunteer_id", flat=True)
    )
    assert seated == sorted(services.redraw(selection))
    assert seated == sorted(lottery.draw(lottery.from_document(selection.lottery), selection.seed, "3 6 4"))


def test_a_page_following_the_draw_stops_once_the_lottery_awaits_its_value(step_one, organiser_client):
    status = organiser_client.get(reverse("deliberation:selection_status", args=[step_one.panel_id])).json()
    assert status["status"] == "awaiting" and not status["active"]  # the page reloads to show the lottery


def test_a_draw_awaiting_its_value_cannot_be_abandoned(step_one, organiser_client):
    url = reverse("deliberation:abandon_selection", args=[step_one.pk])
    response = organiser_client.post(url, HTTP_ACCEPT_LANGUAGE="fr", follow=True)
    assert "il ne peut pas être abandonné" in " ".join(messages_of(response)).replace("\xa0", " ")
    step_one.refresh_from_db()
    assert step_one.status == Selection.Status.AWAITING
