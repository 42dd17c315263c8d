"""/api/docs/ renders in a real browser under the site's own content-security policy, with nothing
fetched from another origin (issue #22, "Offline parts"): it was blank, Redoc's script coming from a CDN
that the policy blocks (and that an offline deployment cannot reach)."""

from urllib.parse import urlsplit

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

pytestmark = [pytest.mark.browser, pytest.mark.django_db]


def test_the_api_documentation_renders_the_api_title_from_our_own_origin(
    browser, live_server, console_errors
):
    browser.get(f"{live_server.url}/api/docs/")

    def rendered_title(driver) -> str | None:
        titles = driver.find_elements(By.CSS_SELECTOR, "h1")
        return titles[0].text if titles and titles[0].text else None

    assert WebDriverWait(browser, 60).until(rendered_title).startswith("Pacte API")
    # Redoc read the schema: the API's operations are listed.
    assert "consultations" in browser.find_element(By.TAG_NAME, "body").text.lower()
    # Redoc and the schema came from our origin: nothing the page needs is out of reach offline.
    origin = urlsplit(live_server.url).netloc
    scripts = [s.get_attribute("src") for s in browser.find_elements(By.CSS_SELECTOR, "script[src]")]
    assert scripts and {urlsplit(src).netloc for src in scripts} == {origin}
    # Redoc runs within the site's policy: no script of it was refused. (The policy still refuses what
    # Redoc tries beyond it, without harm to the page: its vendor's logo from a CDN, and two <style>
    # elements written before it is given the page's nonce.)
    refused = [m for m in console_errors() if "Content Security Policy" in m]
    assert [m for m in refused if "script-src" in m] == []
