"""The session console in a real browser (issue 19): the countdown counts by itself from the server's end
time, with no reload; the page (agenda editing forms opened) passes axe, with no script blocked."""

import base64
import os
from datetime import timedelta

import pytest
from django.utils import timezone
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from deliberation import services
from deliberation.models import AgendaItem, PanelMember, Selection, Volunteer
from tests.conftest import with_totp
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PEOPLE = [("Camille Martin", "06 12 34 56 78"), ("Karim Benali", "karim@example.org"), ("", "")]


def _session_in_the_room(organiser, facilitator):
    panel = services.create_panel(actor=organiser, title="Assises du don de données", size=3)
    services.assign_facilitator(actor=organiser, panel=panel, user=facilitator)
    selection = Selection.objects.create(
        panel=panel, seed="s", algorithm="maximin", status=Selection.Status.DONE
    )
    members = []
    for name, contact in PEOPLE:
        person = Volunteer.objects.create(
            panel=panel, user=UserFactory(), name=name, contact=contact, strata={}, source="account"
        )
        members.append(PanelMember.objects.create(panel=panel, volunteer=person, selection=selection))
    session = services.schedule_session(
        actor=facilitator,
        panel=panel,
        title="Séance 2 : délibération",
        starts_at=timezone.now(),
        place="Lyon",
    )
    for title, kind, minutes in (
        ("Accueil", "plenary", 15),
        ("Ateliers", "small_group", 45),
        ("Vote", "vote", 30),
    ):
        services.add_agenda_item(
            actor=facilitator, session=session, title=title, kind=kind, duration_minutes=minutes
        )
    services.move_agenda(actor=facilitator, session=session, forward=True)
    # The first item started 12 minutes ago: 3 minutes left.
    AgendaItem.objects.filter(session=session, started_at__isnull=False).update(
        started_at=timezone.now() - timedelta(minutes=12)
    )
    services.check_in(actor=facilitator, session=session, member=members[0])
    return session


def _screenshot(browser, name: str) -> None:
    """With PACTE_SCREENSHOTS=<folder>, a full-page PNG for a person to look at; nothing is asserted on it."""
    if os.environ.get("PACTE_SCREENSHOTS"):
        shot = browser.execute_cdp_cmd("Page.captureScreenshot", {"captureBeyondViewport": True})
        with open(os.path.join(os.environ["PACTE_SCREENSHOTS"], f"{name}.png"), "wb") as png:
            png.write(base64.b64decode(shot["data"]))


def test_the_console_counts_down_without_a_reload_and_passes_axe(
    browser, open_in, run_axe, console_errors, login_browser, organiser, facilitator
):
    session = _session_in_the_room(organiser, facilitator)
    login_browser(with_totp(facilitator))
    for language, remaining in (("fr", "Temps restant"), ("en", "Remaining time")):
        open_in(f"/panels/seances/{session.pk}/console/", language)
        countdown = browser.find_element(By.ID, "countdown")
        first = countdown.text
        assert first.startswith(remaining), first
        # The script rewrites the time from the server's end time: it changes while nobody reloads.
        WebDriverWait(browser, 10).until(
            lambda b, first=first: b.find_element(By.ID, "countdown").text != first
        )
        assert browser.find_element(By.ID, "countdown").text.startswith(remaining)
        assert "Camille Martin" in browser.page_source and "06 12 34 56 78" in browser.page_source
        _screenshot(browser, f"console-{language}")
        for summary in browser.find_elements(By.TAG_NAME, "summary"):
            summary.click()
        assert (language, len(browser.find_elements(By.TAG_NAME, "h1"))) == (language, 1)
        assert (language, run_axe()) == (language, [])
        assert (language, console_errors()) == (language, [])


def test_the_confirmation_pages_pass_axe(
    browser, open_in, run_axe, console_errors, login_browser, organiser, facilitator
):
    """The pages that stand between a click and what cannot be undone: closing a vote, giving a seat away
    (its reason field, the reserve list); and the facilitation page that lists the members and reserves."""
    session = _session_in_the_room(organiser, facilitator)
    recommendation = services.create_recommendation(
        actor=facilitator, panel=session.panel, session=session, title="Registre des refus", text="Texte"
    )
    services.open_vote(actor=facilitator, recommendation=recommendation, session=session)
    member = PanelMember.objects.filter(panel=session.panel).last()
    login_browser(with_totp(facilitator))
    for language in ("fr", "en"):
        for path in (
            f"/panels/recommandations/{recommendation.pk}/clore-vote/",
            f"/panels/membres/{member.pk}/remplacer/",
            f"/panels/{session.panel_id}/animation/",  # members with names, replace links, reserve list
        ):
            open_in(path, language)
            where = (language, path)
            _screenshot(browser, f"{path.strip('/').replace('/', '-')}-{language}")
            assert (where, len(browser.find_elements(By.TAG_NAME, "h1"))) == (where, 1)
            assert (where, run_axe()) == (where, [])
            assert (where, console_errors()) == (where, [])
