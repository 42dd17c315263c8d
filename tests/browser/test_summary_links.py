"""A theme's summary quotes citizens: following a sentence's link to its quote opens the folded details
and shows that quote, and the page with its summaries passes axe in French and English."""

import pytest
from selenium.webdriver.common.by import By

from tests.analysis.test_summary_in_their_words import SLUG, report  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("language", ["fr", "en"])
def test_a_summary_sentence_leads_to_its_quote_and_the_page_passes_axe(
    browser,
    open_in,
    run_axe,
    console_errors,
    report,  # noqa: F811
    language,
):
    open_in(f"/analyse/{SLUG}/", language)
    assert run_axe() == []
    key = report["key"]
    link = browser.find_element(By.CSS_SELECTOR, f'.pacte-summary a[href="#quote-{key}-2"]')
    link.click()
    target = browser.find_element(By.ID, f"quote-{key}-2")
    quote = target.find_element(By.XPATH, "following-sibling::blockquote[1]")
    assert quote.is_displayed() and report["answer_row"].text in quote.text
    assert console_errors() == []
