"""On a 360 px phone, without any script of ours: a vote sent from a proposal far down the list, and the
organisers' "answer required" switch on a question far down the editor, come back to that item with their
confirmation inside it, in view, focused (so a screen reader reads it at once) and in a `role="status"`
element; its copy at the top of the page is not shown a second time (accounts/beside.py). Each page in
that state passes axe."""

import pytest
from django.core.management import call_command
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from tests.conftest import with_totp
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

VOTED = {"fr": "Votre vote « D’accord » est enregistré.", "en": "Your vote “Agree” is recorded."}
IN_VIEW = (  # inside the viewport, and the page's width (without the scrollbar)
    "const r = arguments[0].getBoundingClientRect(), w = document.documentElement.clientWidth;"
    "return [r.top >= 0 && r.left >= 0 && r.bottom <= innerHeight && r.right <= w, w];"
)


@pytest.fixture
def phone(browser):
    browser.set_window_size(375, 740)  # less the test browser's 15 px scrollbar: a 360 px page
    yield browser
    browser.set_window_size(1280, 900)


def _read(browser, said_id: str, item_id: str):
    """The message `said_id` as the person finds it: focused, in view, inside the item `item_id`."""
    said = browser.find_element(By.ID, said_id)
    assert browser.switch_to.active_element == said  # focused: read at once
    assert said.get_attribute("role") == "status"
    assert browser.execute_script("return arguments[0].closest('[id]:not(.pacte-said)').id", said) == item_id
    assert browser.execute_script(IN_VIEW, said) == [True, 360]
    return " ".join(said.text.replace("\u00a0", " ").replace("\u202f", " ").split())


@pytest.mark.parametrize("language", ["fr", "en"])
def test_a_vote_far_down_the_list_is_confirmed_where_it_was_sent(
    phone, live_server, open_in, login_browser, run_axe, language, tmp_path
):
    from consultation import services
    from consultation.models import Consultation, Vote

    call_command("load_consultation", "data-donation")
    consultation = Consultation.objects.get(slug="data-donation")
    author = UserFactory()
    services.accept_charter(user=author, consultation=consultation)
    texts = [
        f"Proposition numéro {n} : publier chaque année les projets financés, région par région."
        for n in range(8)
    ]
    proposals = [services.submit_proposal(user=author, consultation=consultation, text=t) for t in texts]
    person = UserFactory()
    services.accept_charter(user=person, consultation=consultation)
    login_browser(person)
    open_in(f"/consultations/{consultation.slug}/propositions/?order=newest", language)

    last = proposals[0]  # the oldest: the last card of the page, far below the first screen
    agree = browser_button(phone, f'#proposal-{last.pk} button[value="agree"]')
    phone.execute_script("arguments[0].scrollIntoView({block: 'center'})", agree)
    agree.click()
    WebDriverWait(phone, 10).until(lambda b: b.current_url.endswith(f"#said-proposal-{last.pk}"))
    assert Vote.objects.get(proposal=last, user=person).value == Vote.Value.AGREE
    assert _read(phone, f"said-proposal-{last.pk}", f"proposal-{last.pk}") == VOTED[language]
    assert not phone.find_element(By.ID, "messages").is_displayed()  # not shown nor read twice
    phone.save_screenshot(str(tmp_path / f"vote-{language}.png"))
    assert run_axe() == []


def test_the_required_switch_far_down_the_editor_is_confirmed_in_its_row(
    phone, live_server, open_in, login_browser, run_axe, organiser, tmp_path
):
    from consultation.models import Consultation

    call_command("load_consultation", "data-donation")
    consultation = Consultation.objects.get(slug="data-donation")
    question = consultation.questions.last()  # the last row of the editor
    assert not question.required
    login_browser(with_totp(organiser))
    open_in(f"/consultations/{consultation.slug}/gerer/questions/", "en")

    switch = browser_button(phone, f"#question-{question.pk} form button[type=submit]")
    phone.execute_script("arguments[0].scrollIntoView({block: 'center'})", switch)
    switch.click()
    WebDriverWait(phone, 10).until(lambda b: b.current_url.endswith(f"#said-question-{question.pk}"))
    question.refresh_from_db()
    assert question.required
    said = _read(phone, f"said-question-{question.pk}", f"question-{question.pk}")
    assert said.startswith(f"The answer to “{question.text_en}” is now required.")
    phone.save_screenshot(str(tmp_path / "required.png"))
    assert run_axe() == []


def browser_button(browser, selector: str):
    return browser.find_element(By.CSS_SELECTOR, selector)
