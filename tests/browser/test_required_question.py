"""In a real browser, without any script of ours: a questionnaire saved without the answer to a required
question comes back at the form, the question marked "(obligatoire)" and in error, the summary's link
leading to it, what was typed kept; the page in that state passes axe. Answering it then saves."""

import pytest
from django.core.management import call_command
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_required_question_left_blank_is_said_and_answered(
    browser, live_server, open_in, login_browser, run_axe
):
    from consultation import services
    from consultation.models import Answer, Consultation, Question

    call_command("load_consultation", "data-donation")
    consultation = Consultation.objects.get(slug="data-donation")
    required = consultation.questions.filter(kind=Question.Kind.SCALE).first()
    services.set_question_required(actor=None, question=required, required=True)
    person = UserFactory()
    services.accept_charter(user=person, consultation=consultation)
    login_browser(person)
    open_in(f"/consultations/{consultation.slug}/", "fr")
    legend = browser.find_element(By.ID, f"id_q{required.pk}-legend")
    assert legend.text.endswith("(obligatoire)")
    area = browser.find_elements(By.CSS_SELECTOR, "#questionnaire textarea")[0]
    area.send_keys("Une première réponse.")
    browser.find_element(By.CSS_SELECTOR, "#questionnaire button[type=submit]").click()

    WebDriverWait(browser, 10).until(lambda b: b.current_url.endswith("/reponses/#questionnaire"))
    fieldset = browser.find_element(By.ID, f"radio-id_q{required.pk}")
    assert "fr-fieldset--error" in fieldset.get_attribute("class")
    assert "Répondez à cette question" in fieldset.text
    assert browser.find_elements(By.CSS_SELECTOR, "#questionnaire textarea")[0].get_attribute("value") == (
        "Une première réponse."
    )
    assert run_axe() == []
    # The site's one error summary links to the question: following it, the keyboard is on the question
    # (its group of choices), and Tab reaches its choices.
    link = next(
        a
        for a in browser.find_elements(By.CSS_SELECTOR, "#error-summary a")
        if f"id_q{required.pk}" in a.get_attribute("href")
    )
    link.click()
    WebDriverWait(browser, 10).until(
        lambda b: b.switch_to.active_element.get_attribute("id") == f"radio-id_q{required.pk}"
    )
    ActionChains(browser).send_keys(Keys.TAB).perform()
    assert browser.switch_to.active_element.get_attribute("name") == f"q{required.pk}"
    assert not Answer.objects.filter(user=person).exists()

    browser.find_element(By.CSS_SELECTOR, f"label[for=id_q{required.pk}_3]").click()
    browser.find_element(By.CSS_SELECTOR, "#questionnaire button[type=submit]").click()
    WebDriverWait(browser, 10).until(lambda b: Answer.objects.filter(user=person, question=required).exists())
    assert Answer.objects.filter(user=person).count() == 2
    # The page comes back at the confirmation, in view and focused, not at the questionnaire again.
    WebDriverWait(browser, 10).until(lambda b: b.current_url.endswith("/#messages"))
    confirmation = browser.find_element(By.ID, "messages")
    assert browser.switch_to.active_element == confirmation
    assert confirmation.text.startswith("2 réponses enregistrées.")
    assert browser.execute_script(
        "const r = arguments[0].getBoundingClientRect(); return r.top >= 0 && r.bottom <= innerHeight;",
        confirmation,
    )
