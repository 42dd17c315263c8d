"""With JavaScript, ticking "Aucun" unticks the other choices of its question, and ticking another choice
unticks "Aucun" (static/pacte/exclusive-choices.js); the page passes axe. Without it, the server refuses
the combination (tests/consultation/test_exclusive_choice.py)."""

import pytest
from django.core.management import call_command
from selenium.webdriver.common.by import By

from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_ticking_none_unticks_the_others_and_the_reverse(
    browser, live_server, open_in, login_browser, run_axe
):
    from consultation import services
    from consultation.models import Choice, Consultation

    call_command("load_consultation", "data-donation")
    consultation = Consultation.objects.get(slug="data-donation")
    none = Choice.objects.get(question__consultation=consultation, exclusive=True)
    person = UserFactory()
    services.accept_charter(user=person, consultation=consultation)
    login_browser(person)
    open_in(f"/consultations/{consultation.slug}/", "fr")
    boxes = browser.find_elements(By.CSS_SELECTOR, f'input[name="q{none.question_id}"]')
    by_value = {b.get_attribute("value"): b for b in boxes}
    alone = by_value.pop(str(none.pk))
    first, second = list(by_value.values())[:2]

    def click(box):  # the DSFR draws the box over the input: click its label
        browser.find_element(By.CSS_SELECTOR, f'label[for="{box.get_attribute("id")}"]').click()

    click(first)
    click(second)
    click(alone)
    assert [b.is_selected() for b in (first, second, alone)] == [False, False, True]
    click(first)
    assert [b.is_selected() for b in (first, second, alone)] == [True, False, False]
    assert run_axe() == []
