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
    from tests.consultation.conftest import make_consultation

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
