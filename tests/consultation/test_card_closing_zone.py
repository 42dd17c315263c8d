"""A consultation's card (home page, list of consultations) gives its closing line ("Open until …",
"Closed on …", with its participants) in the DSFR's zone for a card's details, `.fr-card__end`, last in
the card: the DSFR shows that zone last (`order: 4`), so a screen reader reads it where it is seen, after
the title and the description. A line left loose in `.fr-card__content` (no `order`) was shown first, above
the title, and read after the description: two orders (WCAG 1.3.2, RGAA 10.3)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.helpers import make_consultation
from tests.html_parts import elements

pytestmark = pytest.mark.django_db


def _cards(page: str) -> list[dict]:
    return [e for e in elements(page) if "fr-card__content" in e["attrs"].get("class", "").split()]


def _zone(card: dict, text: str) -> dict:
    """The child of the card's content that holds ``text``."""
    return next(child for child in card["children"] if text in child["text"])


@pytest.mark.parametrize("address", [reverse("home"), reverse("consultation:list")])
def test_the_closing_line_is_in_the_cards_end_zone_last(client, address):
    make_consultation("ouverte", closes_at=timezone.now() + timedelta(days=9))
    client.cookies["django_language"] = "en"
    (card,) = _cards(client.get(address).content.decode())
    closing = _zone(card, "participants")
    assert "Open until" in closing["text"]
    assert closing["attrs"].get("class") == "fr-card__end"  # the DSFR's zone for the card's details
    assert card["children"][-1] is closing  # read last, as it is shown last
    # The title and the description come before it, in the markup as on the screen.
    order = [child["attrs"].get("class", "").split()[0] for child in card["children"]]
    assert order.index("fr-card__title") < order.index("fr-card__desc") < order.index("fr-card__end")
