"""A consultation's card (home page, list of consultations) shows its parts in the order a screen reader
reads them (WCAG 1.3.2, RGAA 10.3): the closing line ("Ouverte jusqu'au …", with its participants) comes
after the title and the description in the markup, in the DSFR's `.fr-card__end`, and is shown below
them. Loose in `.fr-card__content` it was drawn first, above the title, the DSFR ordering the other parts."""

from datetime import timedelta

import pytest
from django.utils import timezone

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# For each consultation card: the tops of its title, description and closing line, as drawn.
TOPS = """
return [...document.querySelectorAll('.fr-card__content')].map(card => {
  const top = selector => card.querySelector(selector).getBoundingClientRect().top;
  return {title: top('.fr-card__title'), desc: top('.fr-card__desc'), closing: top('.pacte-closing')};
});
"""


def test_the_closing_line_is_shown_below_the_title_and_description(browser, live_server):
    from tests.helpers import make_consultation

    make_consultation("ordre-carte", closes_at=timezone.now() + timedelta(days=9))
    for path in ("/", "/consultations/"):
        browser.get(live_server.url + path)
        (card,) = browser.execute_script(TOPS)
        assert card["title"] < card["desc"] < card["closing"], (path, card)
