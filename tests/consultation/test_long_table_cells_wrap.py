"""The follow-up page's tables of long definitions wrap their text. In DSFR tables cells stay on one line
unless the table is "multiline": the status definitions ran off the right edge, hiding the end of "Under
study"'s definition and the "Counts as answered" and "Counts as adopted" columns behind a scroll that the
keyboard could not reach (axe: scrollable-region-focusable)."""

import re

import pytest
from django.urls import reverse

from tests.helpers import make_consultation

pytestmark = pytest.mark.django_db


def _table_wrapper(page: str, table_id: str) -> str:
    """The opening tag of the DSFR .fr-table block around the table `table_id`."""
    before = page[: page.index(f'<table id="{table_id}"')]
    return re.findall(r'<div class="fr-table[ "][^>]*>', before)[-1]


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_follow_up_pages_definition_tables_wrap_their_text(client, language):
    consultation = make_consultation()
    page = client.get(
        reverse("consultation:followup", args=[consultation.slug]), HTTP_ACCEPT_LANGUAGE=language
    ).content.decode()
    for table_id in ("answer-definitions", "adoption-by-source"):
        assert "fr-table--multiline" in _table_wrapper(page, table_id), table_id


def test_the_follow_up_pages_definition_tables_can_be_scrolled_with_the_keyboard(client):
    """On a phone they still scroll sideways inside their box (four columns of long words): the box takes
    the keyboard focus, named by the table's caption (axe: scrollable-region-focusable)."""
    consultation = make_consultation()
    page = client.get(reverse("consultation:followup", args=[consultation.slug])).content.decode()
    for table_id in ("answer-definitions", "adoption-by-source"):
        start = page.index(f'<table id="{table_id}"')
        box = re.findall(r'<div class="fr-table__container"[^>]*>', page[:start])[-1]
        assert 'tabindex="0"' in box and 'role="region"' in box, box
        label = re.search(r'aria-labelledby="([^"]+)"', box).group(1)
        assert re.search(rf'<caption id="{label}">', page[start:]), table_id
