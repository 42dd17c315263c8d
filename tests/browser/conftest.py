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


# --- Data behind the pages the browser tests visit (shared by the accessibility and reflow checks).


@pytest.fixture
def participation_data(eager_celery, test_data):
    """A real Pol.is conversation imported as a consultation, analysed into themes (published) and
    opinion groups: the pages citizens read most."""
    from django.core.management import call_command

    from analysis import services as analysis_services
    from analysis import tasks as analysis_tasks
    from consultation.models import Consultation

    london = test_data / "polis" / "london.youth.policing"  # an English conversation
    call_command("import_polis", str(london), consultation="londres", language="en")
    consultation = Consultation.objects.get(slug="londres")
    analysis_tasks.compute_opinion_groups.delay(consultation.pk).get()
    run = analysis_services.start_run(consultation=consultation, k=3)
    run.refresh_from_db()
    analysis_services.publish_version(actor=None, version=run.versions.get())
    return consultation


@pytest.fixture
def organiser_pages(organiser, participation_data) -> list[str]:
    """The open consultation "data-donation" (questionnaire; `organiser` accepted its charter) and the
    pages the organiser works in: moderation, consultation management, charter, an import that ended
    with unreadable rows (its report and the table of imports), the analysis runs and synthesis editor
    of `participation_data`, a panel's management, the audit console."""
    from django.core.management import call_command

    from analysis.models import PipelineRun
    from consultation import services as consultation_services
    from consultation.models import Consultation
    from consultation.tasks import run_contribution_import
    from deliberation import services as deliberation_services

    call_command("load_consultation", "data-donation")
    open_consultation = Consultation.objects.get(slug="data-donation")
    consultation_services.accept_charter(user=organiser, consultation=open_consultation)
    panel = deliberation_services.create_panel(actor=organiser, title="Panel don de données", size=30)
    run = PipelineRun.objects.get(consultation=participation_data)
    job = consultation_services.start_import(
        actor=organiser, consultation=open_consultation, data=b"id,texte\n1,Registre papier\n2,\n",
        file_name="registre.csv", text_column="texte", date_column=None, strata_columns=(), language="fr",
    )  # fmt: skip
    run_contribution_import(job.pk)
    return [
        "/consultations/data-donation/",
        "/consultations/moderation/",
        "/consultations/data-donation/gerer/",
        "/consultations/data-donation/gerer/charte/",
        "/consultations/data-donation/gerer/importer/",
        f"/analyse/{participation_data.slug}/analyses/",
        f"/analyse/analyses/{run.pk}/",
        f"/analyse/analyses/{run.pk}/synthese/",
        f"/analyse/analyses/{run.pk}/synthese/?q=donn%C3%A9es",  # the search, its results to tick
        f"/panels/{panel.pk}/gestion/",
        "/compte/journal/",  # the audit console: its filters, its table, its pages
        "/compte/journal/?type=question.added&since=2020-01-01&until=2019-01-01&page=2",  # an error, page 2
    ]


@pytest.fixture
def followed_recommendation(organiser):
    """An adopted recommendation whose answer has a late milestone and a moved one: on its page the
    organiser sees the 'mark as done' form and the 'change' form (inside <details>)."""
    from datetime import timedelta

    from django.utils import timezone

    from deliberation import services as deliberation_services
    from tests.deliberation.conftest import adopt

    panel = deliberation_services.create_panel(actor=organiser, title="Assises du don de données", size=30)
    session = deliberation_services.schedule_session(
        actor=organiser, panel=panel, title="Séance 1", starts_at=timezone.now(), place="Lyon"
    )
    recommendation = deliberation_services.create_recommendation(
        actor=organiser, panel=panel, session=session, title="Registre des refus en ligne",
        text="Créer un registre national des refus accessible en ligne.", rationale="Simplicité.",
    )  # fmt: skip
    adopt(recommendation, days_ago=60)
    today = timezone.localdate()
    answer = deliberation_services.record_response(
        actor=organiser, recommendation=recommendation, decision_maker="Ministre de la Santé",
        body="Ministère de la Santé", status="adopted", justification="Le registre sera ouvert.",
        answered_on=today - timedelta(days=50),
        milestones=[("Décret publié", today - timedelta(days=5)),
                    ("Registre ouvert", today + timedelta(days=30))],
    )  # fmt: skip
    opened = answer.milestones.get(title="Registre ouvert")
    deliberation_services.change_milestone(
        actor=organiser, milestone=opened, title=opened.title, due_on=today + timedelta(days=90),
        note="Appel d'offres relancé",
    )  # fmt: skip
    return recommendation


@pytest.fixture
def closed_results():
    """A closed consultation whose results page has something to draw: 15 people answered a single-
    choice question (9 "Oui", 4 "Non", 2 "Sans avis") over three days (3, 4, then 8 people), 12 of
    them aged 25-34 (a group shown in the breakdown by age), 2 aged 65+ (suppressed, under 10) and one who
    gave no age (so the 65+ cannot be worked out as the total minus the 12)."""
    from datetime import timedelta

    from django.utils import timezone

    from accounts.models import Profile
    from consultation import services as consultation_services
    from consultation.models import Answer
    from tests.factories import UserFactory
    from tests.helpers import make_consultation

    consultation = make_consultation(phase="draft", slug="resultats-test")
    question = consultation_services.add_question(
        actor=None, consultation=consultation, kind="single", text_fr="Faut-il un registre des refus ?",
        text_en="Should there be an opt-out registry?",
        choices=[("Oui", "Yes"), ("Non", "No"), ("Sans avis", "No opinion")],
    )  # fmt: skip
    consultation_services.transition(actor=None, consultation=consultation, to_phase="open")
    yes, no, no_opinion = question.choices.all()
    for i, choice in enumerate([yes] * 9 + [no] * 4 + [no_opinion] * 2):
        user = UserFactory()
        Profile.objects.create(user=user, age_band="25-34" if i % 5 else "65+" if i < 10 else "")
        consultation_services.accept_charter(user=user, consultation=consultation)
        consultation_services.save_answers(
            user=user, consultation=consultation, answers={question.pk: [choice.pk]}
        )
        days_ago = 0 if i < 8 else 1 if i < 12 else 2  # 3 people, then 4, then 8 the last day
        Answer.objects.filter(user=user).update(created_at=timezone.now() - timedelta(days=days_ago))
    consultation_services.transition(actor=None, consultation=consultation, to_phase="closed")
    return consultation


def assert_scrolls_with_the_keyboard(browser, box) -> None:
    """`box`, a table's scrolling box on a narrow page, takes the focus (as Tab reaches it) and the arrow
    keys scroll it sideways (axe's scrollable-region-focusable, as a keyboard user lives it)."""
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.ui import WebDriverWait

    browser.execute_script("arguments[0].focus();", box)
    assert browser.switch_to.active_element == box
    ActionChains(browser).send_keys(Keys.ARROW_RIGHT * 3).perform()
    scrolled = "return arguments[0].scrollLeft > 0;"
    WebDriverWait(browser, 5).until(lambda b: b.execute_script(scrolled, box))
