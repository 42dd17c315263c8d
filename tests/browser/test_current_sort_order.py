"""The proposal list shows which order it is in: the chosen order's tag (marked aria-current for screen
readers) is drawn filled, like a pressed DSFR tag, where before the five tags looked the same and a
sighted reader could not tell "Most agreed" from "Random order" (WCAG 1.4.1 asks for more than a
difference that only assistive technologies convey)."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TAGS = """
return [...document.querySelectorAll('a.fr-tag')].map(a => ({
  current: a.getAttribute('aria-current') === 'true',
  background: getComputedStyle(a).backgroundColor, color: getComputedStyle(a).color}));
"""


@pytest.mark.parametrize("order", ["random", "agreed", "newest"])
def test_the_chosen_order_stands_out_among_the_sort_tags(browser, live_server, order):
    from tests.helpers import make_consultation

    make_consultation(slug="tri")
    browser.get(f"{live_server.url}/consultations/tri/propositions/?order={order}")
    tags = browser.execute_script(TAGS)
    [current] = [t for t in tags if t["current"]]
    others = [t for t in tags if not t["current"]]
    assert others
    for other in others:
        assert (current["background"], current["color"]) != (other["background"], other["color"])
