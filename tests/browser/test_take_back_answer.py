"""In a real browser, with the keyboard only: a saved single-choice answer is taken back by moving, with
the arrow keys, to the radio "Pas de réponse" that ends the group, then saving; the page then shows the
question unanswered and passes axe (tests/consultation/test_take_back_answers.py has the rest)."""

import pytest
from django.core.management import call_command
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_keyboard_takes_a_saved_radio_answer_back(browser, live_server, open_in, login_browser, run_axe):
    from consultation import services
    from consultation.models import Answer, Consultation, Question

    call_command("load_consultation", "data-donation")
    consultation = Consultation.objects.get(slug="data-donation")
    single = consultation.questions.filter(kind=Question.Kind.SINGLE).first()
    last_choice = list(single.choices.all())[-1]  # "Je ne sais pas"
    person = UserFactory()
    services.accept_charter(user=person, consultation=consultation)
    services.save_answers(user=person, consultation=consultation, answers={single.pk: [last_choice.pk]})
    login_browser(person)
    open_in(f"/consultations/{consultation.slug}/", "fr")

    radios = browser.find_elements(By.CSS_SELECTOR, f'input[name="q{single.pk}"]')
    ticked = next(r for r in radios if r.is_selected())
    assert ticked.get_attribute("value") == str(last_choice.pk)
    browser.execute_script("arguments[0].focus()", ticked)
    browser.switch_to.active_element.send_keys(Keys.ARROW_DOWN)  # the next radio of the group: the last
    no_answer = radios[-1]
    assert no_answer.is_selected() and no_answer.get_attribute("value") == ""
    label = browser.find_element(By.CSS_SELECTOR, f'label[for="{no_answer.get_attribute("id")}"]')
    assert label.text == "Pas de réponse (efface la réponse que vous avez enregistrée)"
    assert run_axe() == []

    submit = browser.find_element(By.CSS_SELECTOR, "#questionnaire button[type=submit]")
    browser.execute_script("arguments[0].focus()", submit)
    browser.switch_to.active_element.send_keys(Keys.ENTER)
    WebDriverWait(browser, 10).until(lambda b: "de nouveau sans réponse" in b.page_source)

    assert not Answer.objects.filter(user=person, question=single).exists()
    radios = browser.find_elements(By.CSS_SELECTOR, f'input[name="q{single.pk}"]')
    assert [r.is_selected() for r in radios] == [False] * (len(radios) - 1) + [True]
    label = browser.find_element(By.CSS_SELECTOR, f'label[for="{radios[-1].get_attribute("id")}"]')
    assert label.text == "Pas de réponse"
    assert run_axe() == []
