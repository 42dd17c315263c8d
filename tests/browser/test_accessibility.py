import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

from tests.browser.conftest import LANGUAGES

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PUBLIC_PAGES = ["/", "/accounts/login/", "/accounts/signup/", "/accounts/password/reset/",
                "/pages/accessibilite/", "/pages/mentions-legales/", "/pages/confidentialite/"]  # fmt: skip
CITIZEN_PAGES = ["/compte/", "/compte/profil/", "/compte/mes-donnees/", "/compte/supprimer/"]


def check_pages(browser, open_in, run_axe, console_errors, pages) -> None:
    """Each page in French then in English: in the chosen language, one <h1>, no axe violation and no
    console error (no script or style blocked by the Content-Security-Policy, no missing file).
    `pages` maps a path to a text the page must show (None: nothing in particular)."""
    for language in LANGUAGES:
        for path, expected in pages.items():
            where = (language, path)
            open_in(path, language)
            if expected:
                assert (where, expected in browser.page_source) == (where, True)
            assert (where, len(browser.find_elements(By.TAG_NAME, "h1"))) == (where, 1)
            assert (where, run_axe()) == (where, [])
            assert (where, console_errors()) == (where, [])


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_public_pages_pass_axe(browser, open_in, run_axe, console_errors, path):
    check_pages(browser, open_in, run_axe, console_errors, {path: None})
    assert browser.find_element(By.TAG_NAME, "main")


@pytest.mark.parametrize("path", CITIZEN_PAGES)
def test_account_pages_pass_axe(browser, open_in, run_axe, console_errors, login_browser, citizen, path):
    login_browser(citizen)
    check_pages(browser, open_in, run_axe, console_errors, {path: None})


def test_a_new_visitor_gets_the_french_pages_and_can_switch_to_english(browser, live_server):
    # The browser asks for French (Accept-Language), as most of the platform's visitors do.
    browser.get(live_server.url + "/")
    assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == "fr"
    browser.find_element(By.CSS_SELECTOR, ".pacte-lang button[name=language]").click()
    WebDriverWait(browser, 20).until(
        lambda driver: driver.execute_script("return document.documentElement.lang") == "en"
    )
    assert "Sign in" in browser.find_element(By.TAG_NAME, "header").text


def test_error_pages_speak_the_visitors_language_and_pass_axe(
    browser, open_in, run_axe, console_errors, login_browser, citizen
):
    """A missing page (404) and a refused one (403: a citizen at the moderation queue) keep the site's
    header, menu and footer, in the visitor's language (Django's own fallback pages are bare English
    with lang="en")."""
    login_browser(citizen)
    headings = {
        "fr": {"/cette-page-n-existe-pas/": "Page introuvable", "/consultations/moderation/": "Accès refusé"},
        "en": {"/cette-page-n-existe-pas/": "Page not found", "/consultations/moderation/": "Access refused"},
    }
    for language in LANGUAGES:
        for path, heading in headings[language].items():
            where = (language, path)
            open_in(path, language)
            assert (where, browser.find_element(By.TAG_NAME, "h1").text) == (where, heading)
            assert browser.find_element(By.ID, "header-navigation")
            assert browser.find_element(By.CSS_SELECTOR, "main a[href='/']")
            assert (where, run_axe()) == (where, [])
            # Chromium reports the page's own error status; nothing else (script, style) may fail.
            own_status = f"{browser.current_url} - Failed to load resource"
            assert (where, [e for e in console_errors() if not e.startswith(own_status)]) == (where, [])


def test_first_tab_reaches_the_skip_link_and_it_moves_focus_to_content(browser, live_server):
    browser.get(live_server.url + "/")
    body = browser.find_element(By.TAG_NAME, "body")
    body.send_keys(Keys.TAB)
    focused = browser.switch_to.active_element
    assert focused.get_attribute("href").endswith("#content")
    focused.send_keys(Keys.ENTER)
    assert browser.current_url.endswith("#content")


def test_profile_form_is_usable_with_the_keyboard_alone(browser, live_server, login_browser, citizen):
    login_browser(citizen)
    browser.get(live_server.url + "/compte/profil/")
    select = browser.find_element(By.ID, "id_age_band")
    label = browser.find_element(By.CSS_SELECTOR, "label[for='id_age_band']")
    assert label.text.strip()
    select.send_keys("35")  # typing selects the matching option, as a keyboard user does
    select.submit()
    # Saved: the dashboard replaces the form (wait for the new page, the browser is asynchronous).
    WebDriverWait(browser, 20).until(lambda driver: driver.current_url.endswith("/compte/"))
    citizen.profile.refresh_from_db()
    assert citizen.profile.age_band == "35-49"


def test_the_checker_reports_a_real_violation(browser, live_server, run_axe):
    # Guards the guard: an input without a label on a real page must be reported.
    browser.get(live_server.url + "/")
    browser.execute_script(
        "document.querySelector('main').insertAdjacentHTML('beforeend', '<input type=\"text\">')"
    )
    assert "label" in {v["id"] for v in run_axe()}


def test_participation_pages_pass_axe(browser, open_in, run_axe, console_errors, participation_data):
    consultation = participation_data
    pages = [
        "/consultations/",
        f"/consultations/{consultation.slug}/",
        f"/consultations/{consultation.slug}/propositions/",
        f"/consultations/{consultation.slug}/propositions/?order=bridging",
        f"/analyse/{consultation.slug}/",
        "/panels/",
        "/panels/suivi/",
    ]
    check_pages(browser, open_in, run_axe, console_errors, dict.fromkeys(pages))


def test_contribution_and_staff_pages_pass_axe(
    browser, open_in, run_axe, console_errors, login_browser, organiser, organiser_pages
):
    """Forms a citizen fills in and the organiser's working pages (questionnaire, proposal form,
    moderation, analysis runs and synthesis editor, panel management)."""
    from tests.conftest import with_totp

    login_browser(with_totp(organiser))
    pages = ["/consultations/data-donation/proposer/", "/consultations/mes-contributions/", *organiser_pages]
    check_pages(browser, open_in, run_axe, console_errors, dict.fromkeys(pages))


def test_pool_exit_and_stale_draw_pages_pass_axe(
    browser, open_in, run_axe, console_errors, login_browser, organiser, citizen
):
    """A volunteer's way out of the pool (the panel's page, the confirmation page, My account) and the
    organiser's "Abandon this draw" on a draw stuck for longer than the stale time."""
    from datetime import timedelta

    from django.conf import settings
    from django.utils import timezone

    from deliberation import services as deliberation_services
    from deliberation.models import Selection
    from tests.conftest import with_totp
    from tests.deliberation.conftest import citizen_in_pool

    panel = deliberation_services.create_panel(actor=organiser, title="Assises du don de données", size=4)
    deliberation_services.set_panel_status(actor=organiser, panel=panel, status="recruiting")
    deliberation_services.volunteer(user=citizen, panel=panel, consent=True)
    login_browser(citizen)
    check_pages(browser, open_in, run_axe, console_errors, {
        f"/panels/{panel.pk}/": f"/panels/{panel.pk}/volontaire/retirer/",
        f"/panels/{panel.pk}/volontaire/retirer/": 'name="csrfmiddlewaretoken"',
        "/compte/": panel.title,
    })  # fmt: skip

    citizen_in_pool(panel, "female")
    # A draw whose task was lost (no worker ever ran it), started longer ago than the stale time.
    started = timezone.now() - timedelta(minutes=settings.PACTE_SELECTION_STALE_MINUTES + 1)
    stuck = Selection.objects.create(
        panel=panel, seed="graine-perdue", algorithm="maximin", created_by=organiser, created_at=started
    )
    login_browser(with_totp(organiser))
    check_pages(browser, open_in, run_axe, console_errors, {
        f"/panels/{panel.pk}/gestion/": f"/panels/tirages/{stuck.pk}/abandonner/",
    })  # fmt: skip


def test_facilitator_pages_pass_axe(
    browser, open_in, run_axe, console_errors, login_browser, organiser, facilitator
):
    """What an assigned facilitator works in: their panels, the facilitation page, a session's console
    (agenda, attendance, minutes) and an ended session's, with the page that confirms reopening it."""
    from datetime import timedelta

    from django.utils import timezone

    from deliberation import services as deliberation_services
    from tests.conftest import with_totp

    panel = deliberation_services.create_panel(actor=organiser, title="Assises du don de données", size=30)
    deliberation_services.assign_facilitator(actor=organiser, panel=panel, user=facilitator)
    session = deliberation_services.schedule_session(
        actor=facilitator,
        panel=panel,
        title="Première séance",
        starts_at=timezone.now() + timedelta(days=7),
        place="Salle du conseil, Lyon",
    )
    deliberation_services.add_agenda_item(
        actor=facilitator, session=session, title="Accueil", kind="plenary", duration_minutes=20
    )
    ended = deliberation_services.schedule_session(
        actor=facilitator, panel=panel, title="Séance close", starts_at=timezone.now(), place="Lyon"
    )
    deliberation_services.end_session(actor=facilitator, session=ended)
    login_browser(with_totp(facilitator))
    pages = {  # path -> what the facilitator must see there (not a refusal)
        "/panels/": panel.title,
        f"/panels/{panel.pk}/animation/": session.title,
        f"/panels/seances/{session.pk}/console/": "Accueil",
        # An ended session's console offers to reopen it; the confirmation page.
        f"/panels/seances/{ended.pk}/console/": f"/panels/seances/{ended.pk}/rouvrir/",
        f"/panels/seances/{ended.pk}/rouvrir/": 'name="confirm"',
    }
    check_pages(browser, open_in, run_axe, console_errors, pages)


def test_follow_up_of_a_recommendation_passes_axe_with_the_milestone_forms_open(
    browser, open_in, run_axe, console_errors, login_browser, organiser, followed_recommendation
):
    """The organiser's side of public tracking: an answer with a late milestone and a moved one, the
    'mark as done' form and the 'change' form (inside <details>, opened so that axe checks it)."""
    from tests.conftest import with_totp

    recommendation = followed_recommendation
    login_browser(with_totp(organiser))
    path = f"/panels/recommandations/{recommendation.pk}/"
    for language, late in (("fr", "En retard"), ("en", "Late")):
        open_in(path, language)
        assert (language, late in browser.page_source) == (language, True)
        for summary in browser.find_elements(By.TAG_NAME, "summary"):
            summary.click()
        assert browser.find_element(By.NAME, "note").is_displayed()
        assert (language, len(browser.find_elements(By.TAG_NAME, "h1"))) == (language, 1)
        assert (language, run_axe()) == (language, [])
        assert (language, console_errors()) == (language, [])


def bar_share(browser, row) -> float:
    """How long the bar in table row `row` is drawn, as a share of its track (as rendered)."""
    track = row.find_element(By.CSS_SELECTOR, ".pacte-bar-cell .pacte-bar")
    bar = track.find_element(By.CSS_SELECTOR, ":scope > :last-child")
    return round(
        browser.execute_script(
            "return arguments[1].getBoundingClientRect().width / arguments[0].getBoundingClientRect().width;",
            track,
            bar,
        ),
        2,
    )


def test_results_page_passes_axe_and_draws_its_bars(
    browser, open_in, run_axe, console_errors, closed_results
):
    """The public results of a closed consultation: participation per day, answers to the closed
    questions as bars beside their table, the breakdown by age (one group shown, one suppressed). The
    bars are drawn under the Content-Security-Policy (no inline style): the longest one, for the
    answer 9 people of 15 chose, is drawn 60 % as long as its track, and each day's bar is in
    proportion to the busiest day."""
    path = f"/consultations/{closed_results.slug}/resultats/"
    check_pages(browser, open_in, run_axe, console_errors, {path: None})
    for language, answer, group in (("fr", "Oui", "25 à 34 ans"), ("en", "Yes", "25 to 34")):
        open_in(path, language)
        # The 12 people aged 25-34 are shown by age; the 2 aged 65 and over are not.
        assert browser.find_elements(By.XPATH, f"//tr[th[normalize-space()='{group}']][td[1][.='12']]")
        row = browser.find_element(By.XPATH, f"//tr[th[normalize-space()='{answer}']][td[1][.='9']]")
        assert (language, bar_share(browser, row)) == (language, 0.6)
        # Participation per day: 3, 4 then 8 people, the busiest day drawn full length.
        participation = browser.find_element(By.TAG_NAME, "table")  # the first one on the page
        days = participation.find_elements(By.CSS_SELECTOR, "tbody tr")
        assert (language, [bar_share(browser, day) for day in days]) == (language, [0.38, 0.5, 1.0])


def test_unsubscribe_pages_pass_axe(browser, open_in, run_axe, console_errors, citizen):
    """The page of the digest's unsubscribe link (no sign-in), its confirmation and a refused link."""
    from django.urls import reverse

    from accounts.notification_preferences import unsubscribe_token

    good = reverse("accounts:unsubscribe", args=[unsubscribe_token(citizen)])
    check_pages(browser, open_in, run_axe, console_errors, {good: None})
    browser.find_element(By.CSS_SELECTOR, "main form button").click()
    WebDriverWait(browser, 20).until(lambda driver: "fr-alert--success" in driver.page_source)
    assert run_axe() == []
    for language in LANGUAGES:
        open_in(reverse("accounts:unsubscribe", args=["abime"]), language)
        assert len(browser.find_elements(By.TAG_NAME, "h1")) == 1
        assert run_axe() == []
        own_status = f"{browser.current_url} - Failed to load resource"
        assert [e for e in console_errors() if not e.startswith(own_status)] == []


def test_dashboard_and_transparency_pages_pass_axe(
    browser, open_in, run_axe, console_errors, login_browser, organiser, closed_results
):
    """The organisers' dashboard (one consultation, all of them: tiles, weekly bars and the
    representativeness bars beside their tables, suppressed groups) and the public transparency page."""
    from tests.conftest import with_totp

    slug = closed_results.slug
    check_pages(browser, open_in, run_axe, console_errors, {f"/analyse/{slug}/transparence/": None})
    login_browser(with_totp(organiser))
    check_pages(browser, open_in, run_axe, console_errors, {
        f"/analyse/{slug}/tableau-de-bord/": "pacte-compare",
        "/analyse/tableau-de-bord/": f"/analyse/{slug}/tableau-de-bord/",
    })  # fmt: skip
