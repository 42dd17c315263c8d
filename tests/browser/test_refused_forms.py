"""In a real browser, without any script of ours: a refused questionnaire and a refused charter come back
at the form (the fragment of the form's address), everything typed still there, the error beside its
field, and the pages in that state pass axe. A visitor's list of proposals offers the way to sign in."""

import pytest
from django.core.management import call_command
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from tests.browser.test_reflow import describe, narrow_window, too_wide  # noqa: F401 (a fixture)
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def data_donation():
    from consultation.models import Consultation

    call_command("load_consultation", "data-donation")
    return Consultation.objects.get(slug="data-donation")


def test_a_refused_questionnaire_comes_back_at_the_question_with_the_answers_kept(
    browser, live_server, open_in, login_browser, run_axe, data_donation
):
    from consultation import services

    person = UserFactory()
    services.accept_charter(user=person, consultation=data_donation)
    login_browser(person)
    open_in(f"/consultations/{data_donation.slug}/", "fr")
    areas = browser.find_elements(By.CSS_SELECTOR, "#questionnaire textarea")
    first, last = areas[0], areas[-1]
    first.send_keys("Une première réponse.")
    # 5,001 characters: more than the browser lets anyone type, as a long answer pasted elsewhere would be.
    browser.execute_script(
        "arguments[0].removeAttribute('maxlength'); arguments[0].value = 'x'.repeat(5001);", last
    )
    browser.find_element(By.CSS_SELECTOR, "#questionnaire button[type=submit]").click()

    WebDriverWait(browser, 10).until(lambda b: b.current_url.endswith("/reponses/#questionnaire"))
    # The site's one error summary (includes/error_summary.html).
    summary = browser.find_element(By.ID, "error-summary")
    assert (
        "Le formulaire contient 1\u00a0erreur" in summary.text
        or "Le formulaire contient 1 erreur" in summary.text
    )
    areas = browser.find_elements(By.CSS_SELECTOR, "#questionnaire textarea")
    assert areas[0].get_attribute("value") == "Une première réponse."
    assert len(areas[-1].get_attribute("value")) == 5001
    error = browser.find_element(By.ID, f"{areas[-1].get_attribute('id')}-desc-error")
    assert "au plus 5 000 caractères" in error.text.replace("\u00a0", " ")
    assert run_axe() == []


def test_an_unticked_charter_comes_back_at_the_checkbox_with_its_error(
    browser, live_server, open_in, login_browser, run_axe, data_donation
):
    login_browser(UserFactory())
    open_in(f"/consultations/{data_donation.slug}/", "en")
    browser.find_element(By.CSS_SELECTOR, "#charter button[type=submit]").click()
    WebDriverWait(browser, 10).until(lambda b: b.current_url.endswith("/charte/#charter"))
    group = browser.find_element(By.CSS_SELECTOR, "#charter .fr-checkbox-group--error")
    assert "Please tick the box to accept the charter." in group.text
    assert run_axe() == []


def test_a_visitor_sees_the_counts_and_how_to_sign_in_to_vote(browser, open_in, run_axe, data_donation):
    from consultation import services

    author = UserFactory()
    services.accept_charter(user=author, consultation=data_donation)
    services.submit_proposal(user=author, consultation=data_donation, text="Un registre papier en mairie.")
    open_in(f"/consultations/{data_donation.slug}/propositions/", "fr")
    links = browser.find_elements(By.PARTIAL_LINK_TEXT, "Se connecter pour voter")
    assert links and all("next=%2Fconsultations%2Fdata-donation%2Fpropositions%2F" in a.get_attribute("href")
                          for a in links)  # fmt: skip
    assert "0 d’accord" in browser.page_source
    assert run_axe() == []


@pytest.mark.usefixtures("narrow_window")
def test_the_visitors_way_in_reflows_at_320_css_pixels(browser, live_server, open_in, data_donation):
    overflows = too_wide(
        browser, live_server, open_in, [f"/consultations/{data_donation.slug}/propositions/"]
    )
    assert overflows == [], "\n".join(describe(o) for o in overflows)
