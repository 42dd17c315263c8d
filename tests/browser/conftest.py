"""Headless Chromium driven by Selenium against pytest-django's live server, with axe-core (shipped in
the axe-selenium-python package) checking WCAG 2.1 A/AA rules on real rendered pages.

Language: headless Chromium ignores `--lang` for the Accept-Language header it sends (it stays
"en-US,en;q=0.9"), so the browser is given the `intl.accept_languages` preference instead: a visitor
who chose nothing gets French, the platform's first language. A test that checks pages in a given
language opens them with `open_in(path, language)`, which sets Django's language cookie (read by
LocaleMiddleware before Accept-Language) and checks `<html lang>` so the wrong language cannot pass
unnoticed."""

import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By

AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
# Every page is checked in both interface languages, French (the default) first.
LANGUAGES = [code for code, _name in settings.LANGUAGES]


@pytest.fixture(scope="session")
def browser():
    chromium, driver_path = shutil.which("chromium"), shutil.which("chromedriver")
    if not chromium or not driver_path:
        pytest.fail(
            "browser tests need Debian's chromium and chromium-driver (scripts/services.sh installs them)"
        )
    options = Options()
    options.binary_location = chromium
    for flag in (
        "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
        "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--window-size=1280,900", "--lang=fr",
    ):  # fmt: skip
        options.add_argument(flag)
    options.add_experimental_option("prefs", {"intl.accept_languages": "fr-FR,fr"})
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(driver_path), options=options)
    driver.set_page_load_timeout(60)
    yield driver
    driver.quit()


@pytest.fixture(autouse=True)
def new_visitor(browser):
    """The browser lives for the whole session: each test starts without the cookies (session,
    language) that an earlier test left, as a new French-speaking visitor."""
    browser.execute_cdp_cmd("Network.clearBrowserCookies", {})


@pytest.fixture
def open_in(browser, live_server):
    """Load `path` as a visitor who chose `language`, and check the page is in that language."""

    def open_page(path: str, language: str) -> None:
        browser.execute_cdp_cmd(
            "Network.setCookie",
            {"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url, "path": "/"},
        )
        browser.get(live_server.url + path)
        html_lang = browser.find_element(By.TAG_NAME, "html").get_attribute("lang")
        assert (path, html_lang) == (path, language)

    return open_page


@pytest.fixture(scope="session")
def axe_source() -> str:
    # axe-core 4.x as shipped inside the axe-playwright-python wheel (we drive Chromium with Selenium and
    # only need the script).
    import axe_playwright_python

    return (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text()


@pytest.fixture
def run_axe(browser, axe_source):
    def run() -> list[dict]:
        browser.execute_script(axe_source)
        result = browser.execute_async_script(
            "const done = arguments[arguments.length - 1];"
            "axe.run(document, {runOnly: {type: 'tag', values: arguments[0]}})"
            ".then(r => done(r.violations))"
            ".catch(e => done([{id: 'axe-error', help: String(e), nodes: []}]));",
            AXE_TAGS,
        )
        return [
            {"id": v["id"], "help": v["help"], "targets": [n.get("target") for n in v.get("nodes", [])][:5]}
            for v in result
        ]

    return run


@pytest.fixture
def login_browser(browser, live_server):
    """Sign `user` in by handing the browser a session cookie made by Django's test client."""

    def login(user):
        client = Client()
        client.force_login(user)
        browser.get(live_server.url + "/pages/accessibilite/")
        browser.add_cookie(
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "path": "/",
            }
        )

    return login


@pytest.fixture
def console_errors(browser):
    """Severe messages the page wrote to the browser console (blocked scripts, CSP violations, 404s)."""

    def read() -> list[str]:
        return [e["message"] for e in browser.get_log("browser") if e["level"] == "SEVERE"]

    read()  # drop what earlier tests left
    return read
