"""A card shows its parts in the order the page gives them (WCAG 1.3.2, meaningful sequence): a proposal's
text comes first, then its counts and the buttons to vote on it. The DSFR puts `.fr-card__desc` last
(`order: 3` in a flex column, made for a card whose title comes first), so a proposal card without a
title showed the vote buttons, the links and the answers' trace above the text they are about, and a
screen reader (which follows the markup) read them in another order than the one seen."""

import pytest
from selenium.webdriver.common.by import By

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# For each card: the text's top, and the tops of the parts that come after it in the markup.
TOPS = """
return [...document.querySelectorAll('.fr-card__content')]
  .filter(c => c.querySelector(':scope > .fr-card__desc'))
  .map(card => {
    const text = card.querySelector(':scope > .fr-card__desc');
    const after = [...card.children].slice([...card.children].indexOf(text) + 1)
      .filter(el => el.getBoundingClientRect().height > 0);
    return {text: text.innerText.slice(0, 40), top: text.getBoundingClientRect().top,
            below: after.map(el => el.getBoundingClientRect().top)};
  });
"""


def test_a_proposal_card_shows_its_text_before_its_votes_and_trace(
    browser, live_server, login_browser, citizen
):
    from consultation import services as consultation_services
    from tests.helpers import make_consultation

    consultation = make_consultation(slug="ordre")
    consultation_services.accept_charter(user=citizen, consultation=consultation)
    proposal = consultation_services.submit_proposal(
        user=citizen, consultation=consultation, text="Un registre des refus en ligne."
    )
    login_browser(citizen)
    for path in (
        "/consultations/ordre/propositions/",
        f"/consultations/ordre/propositions/{proposal.pk}/",
        "/consultations/mes-contributions/",
    ):
        browser.get(live_server.url + path)
        cards = browser.execute_script(TOPS)
        assert [c["text"] for c in cards] == ["Un registre des refus en ligne."], path
        card = cards[0]
        # Every part that follows the text in the markup (counts, vote buttons, links) is shown below it.
        assert card["below"] and all(top >= card["top"] for top in card["below"]), (path, card)
        assert browser.find_element(By.CSS_SELECTOR, ".fr-card__desc").is_displayed()
