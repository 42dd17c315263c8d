"""On a phone (a 375 CSS pixel wide page), the follow-up page's tables scroll sideways inside their box
(a data table may, WCAG 1.4.10): the keyboard can reach and scroll them, and the page passes axe."""

import pytest
from selenium.webdriver.common.by import By

from tests.browser.conftest import assert_scrolls_with_the_keyboard
from tests.helpers import make_consultation

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_follow_up_tables_scroll_with_the_keyboard_on_a_phone(browser, open_in, run_axe, language):
    consultation = make_consultation()
    browser.set_window_size(390, 900)  # less the test browser's 15 px scrollbar: a 375 px page
    try:
        open_in(f"/consultations/{consultation.slug}/suivi/", language)
        assert run_axe() == []
        box = browser.find_element(By.CSS_SELECTOR, "#adoption-by-source-table .fr-table__container")
        assert browser.execute_script("return arguments[0].scrollWidth > arguments[0].clientWidth;", box)
        assert_scrolls_with_the_keyboard(browser, box)
    finally:
        browser.set_window_size(1280, 900)
