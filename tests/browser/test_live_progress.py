"""Long work followed in the page (static/pacte/live-progress.js), in headless Chromium: the organiser
sees an import's progress move and its report appear without reloading the page themselves."""

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_import_page_follows_the_import_and_shows_its_report(
    browser, live_server, login_browser, console_errors, organiser
):
    from consultation import services
    from consultation.models import ContributionImport
    from tests.conftest import with_totp
    from tests.helpers import make_consultation

    consultation = make_consultation(slug="registre")
    job = ContributionImport.objects.create(  # as sent from the page, before a worker takes it
        consultation=consultation, created_by=organiser, file_name="registre.csv", text_column="texte",
        data="texte\nUn registre des refus en ligne\nInformer par le médecin traitant\n".encode(),
        language="fr",
    )  # fmt: skip
    login_browser(with_totp(organiser))
    browser.add_cookie({"name": "django_language", "value": "fr", "path": "/"})
    browser.get(f"{live_server.url}/consultations/registre/gerer/importer/")
    bar = browser.find_element(By.CSS_SELECTOR, "progress[data-progress-bar]")
    assert bar.get_attribute("value") == "0"

    ContributionImport.objects.filter(pk=job.pk).update(state="running", progress=40)  # a worker at work
    WebDriverWait(browser, 30).until(lambda b: bar.get_attribute("value") == "40")
    status = browser.find_element(By.CSS_SELECTOR, "[data-progress-url] [role=status]").text
    assert "40 %" in status and "Import en cours" in status

    services.run_import(job.pk)  # the worker ends: the page reloads itself and shows the report
    WebDriverWait(browser, 30).until(lambda b: "2 contributions importées" in b.page_source)
    assert not browser.find_elements(By.CSS_SELECTOR, "progress[data-progress-bar]")
    assert console_errors() == []


def test_the_selection_report_follows_a_draw_in_the_pages_language_with_library_notes_marked_english(
    browser, open_in, console_errors, run_axe
):
    """A French reader of the public selection report while a draw runs: our stages are worded in French
    as they change, the sortition library's notes (English only) appear in an element the script marks
    lang="en", and that mark goes when the next step is ours again."""
    from deliberation import services
    from deliberation.models import Panel, Selection

    panel = Panel.objects.create(title="Panel don de données", size=4, status=Panel.Status.RECRUITING)
    selection = Selection.objects.create(  # as a worker leaves it while it checks the quotas
        panel=panel, seed="graine", algorithm="maximin", status=Selection.Status.RUNNING,
        progress={"code": "feasibility"},
    )  # fmt: skip
    open_in(f"/panels/{panel.pk}/tirage/", "fr")
    summary = browser.find_element(By.CSS_SELECTOR, "[data-progress-url] [data-field=summary]")
    note = browser.find_element(By.CSS_SELECTOR, "[data-progress-url] [data-field=note]")

    def text(element) -> str:
        return element.get_attribute("textContent")  # as written (WebDriver's .text turns no-break spaces)

    def lang(element) -> str | None:
        return browser.execute_script("return arguments[0].getAttribute('lang')", element)

    assert text(summary) == "En cours — Vérification que les quotas peuvent être respectés"
    assert text(note) == "" and lang(note) is None
    assert run_axe() == []

    library_note = "Round 3/200: 12 committees found"
    services.set_selection_progress(
        selection_id=selection.pk,
        progress={"code": "library", "text": library_note, "current": 3, "total": 200},
    )
    WebDriverWait(browser, 30).until(lambda b: text(note) == library_note)
    assert lang(note) == "en"
    assert text(summary) == (
        "En cours — Recherche de la loterie la plus équitable, tour 3 sur 200. La bibliothèque de tirage au "
        "sort indique (en anglais)\u00a0:"
    )
    assert run_axe() == []

    services.set_selection_progress(selection_id=selection.pk, progress={"code": "draw"})
    WebDriverWait(browser, 30).until(lambda b: "Tirage du panel" in text(summary))
    assert text(summary) == "En cours — Tirage du panel à partir de la graine enregistrée"
    assert text(note) == "" and lang(note) is None

    services.record_selection_failure(
        selection_id=selection.pk, reasons=[{"code": "time_limit", "minutes": 1}]
    )
    WebDriverWait(browser, 30).until(lambda b: "pas pu être réalisé" in b.page_source)  # reloaded by itself
    assert console_errors() == []
