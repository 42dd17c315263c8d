"""On a phone (a 375 CSS pixel wide page), the organiser's phase history shows its four columns whole: the
"By" column, which says when the platform itself closed the consultation, was cut off behind a sideways
scroll inside the table that the keyboard could not reach (axe: scrollable-region-focusable). Narrower,
where it still scrolls, the keyboard can reach and scroll it."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from selenium.webdriver.common.by import By

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def phone_window(browser):
    browser.set_window_size(390, 900)  # less the test browser's 15 px scrollbar: a 375 px page
    try:
        yield
    finally:
        browser.set_window_size(1280, 900)


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_phase_history_fits_a_phone(
    browser, phone_window, open_in, login_browser, run_axe, organiser, language
):
    from consultation import services
    from consultation.models import Consultation
    from tests.conftest import with_totp

    call_command("load_consultation", "data-donation")
    Consultation.objects.filter(slug="data-donation").update(closes_at=timezone.now() - timedelta(minutes=1))
    assert services.close_due_consultations() == ["data-donation"]
    login_browser(with_totp(organiser))
    open_in("/consultations/data-donation/gerer/", language)

    table = browser.find_element(By.CSS_SELECTOR, ".fr-table table")
    assert browser.execute_script("return arguments[0].scrollWidth <= arguments[0].clientWidth;", table)
    by_platform = {
        "fr": "La plateforme (heure de clôture atteinte)",
        "en": "The platform (closing time reached)",
    }
    last_by = table.find_elements(By.CSS_SELECTOR, "tbody tr")[-1].find_elements(By.TAG_NAME, "td")[-1]
    assert " ".join(last_by.text.split()) == by_platform[language]
    assert run_axe() == []

    browser.set_window_size(320, 900)  # 305 px: the table scrolls, the keyboard reaches it
    assert table.get_attribute("tabindex") == "0"
    assert run_axe() == []
