"""On a phone, every table box that scrolls sideways can be reached and scrolled with the keyboard, the
DSFR's older table markup included (its script wraps those tables in a scrolling box of its own): the
synthesis page, whose tables use that markup, passes axe at 375 px and a scrolling box takes the focus."""

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from tests.analysis.conftest import published_report
from tests.browser.conftest import assert_scrolls_with_the_keyboard

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCROLLING = (
    "return [...document.querySelectorAll('.fr-table, .fr-table *')].filter(e => {"
    " const o = getComputedStyle(e).overflowX;"
    " return (o === 'auto' || o === 'scroll') && e.scrollWidth > e.clientWidth + 1; });"
)


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_synthesis_tables_scroll_with_the_keyboard_on_a_phone(browser, open_in, run_axe, language):
    consultation = published_report("telephone", 12)
    browser.set_window_size(335, 900)  # less the test browser's 15 px scrollbar: 320 px, WCAG 1.4.10
    try:
        open_in(f"/analyse/{consultation.slug}/", language)
        # Every theme's figures shown, as a reader opening them would: their tables are the widest.
        browser.execute_script("document.querySelectorAll('details').forEach(d => d.open = true);")
        browser.execute_script("window.dispatchEvent(new Event('resize'));")
        WebDriverWait(browser, 5).until(lambda b: b.find_elements(By.CSS_SELECTOR, "[data-pacte-scroll]"))
        assert [v for v in run_axe() if v["id"] == "scrollable-region-focusable"] == []
        boxes = browser.execute_script(SCROLLING)
        assert boxes, "at 320 px some table of the synthesis scrolls sideways"
        for box in boxes:  # each one is focusable itself or holds something focusable
            assert browser.execute_script(
                "return arguments[0].tabIndex >= 0 || !!arguments[0].querySelector("
                "'a[href], button, input, select, textarea, summary, [tabindex]');",
                box,
            )
        marked = browser.find_elements(By.CSS_SELECTOR, "[data-pacte-scroll]")
        box = next(b for b in marked if b.is_displayed())
        assert browser.execute_script("return !!arguments[0].getAttribute('aria-labelledby');", box)
        assert_scrolls_with_the_keyboard(browser, box)
    finally:
        browser.set_window_size(1280, 900)
    # Wide again: that table no longer scrolls and gives the focus back.
    browser.execute_script("window.dispatchEvent(new Event('resize'));")
    WebDriverWait(browser, 5).until(lambda b: b.execute_script("return arguments[0].tabIndex < 0;", box))
