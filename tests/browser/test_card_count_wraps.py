"""A consultation card's closing line ("Ouverte jusqu'au 14 décembre 2026 à 18:00 · 1 participant") wraps
on a phone: it may break before the "·", never after it nor between the number and its word. At 375 px
"·" was left alone at the end of a line, or "1" on one line and "participant" on the next. The line is
measured as drawn, at every width from 320 to 420 px, in French and in English."""

from datetime import timedelta

import pytest
from django.utils import timezone

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# For each closing line: the top of the "·", of the count's first character and of its last one.
TOPS = """
return [...document.querySelectorAll('.pacte-closing')].map(line => {
  const walker = document.createTreeWalker(line, NodeFilter.SHOW_TEXT);
  const chars = [];
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    for (let i = 0; i < node.textContent.length; i++) chars.push([node, i]);
  }
  const top = ([node, i]) => {
    const range = document.createRange();
    range.setStart(node, i);
    range.setEnd(node, i + 1);
    return Math.round(range.getBoundingClientRect().top);
  };
  const text = chars.map(([node, i]) => node.textContent[i]).join('');
  const dot = text.lastIndexOf('·'), digit = text.search(/[0-9][^0-9]*$/);
  const first = text.slice(0, digit + 1).search(/[0-9][0-9\\s\\u00a0\\u202f,]*$/);
  return {text, dot: top(chars[dot]), number: top(chars[first]), word: top(chars[text.length - 1])};
});
"""


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_count_stays_with_its_word_and_the_dot(browser, open_in, language):
    from consultation.models import Proposal
    from tests.helpers import make_consultation

    # Closing times of different lengths, so some line fills up right where the count starts.
    for days, minutes in ((1, 0), (8, 30), (19, 0), (3, 45), (40, 0), (24, 15)):
        consultation = make_consultation(
            f"carte-{days}", closes_at=timezone.now() + timedelta(days=days, minutes=minutes), questions=False
        )
        Proposal.objects.create(consultation=consultation, author_key=f"k{days}", text="Une proposition.")
    open_in("/consultations/", language)
    browser.execute_async_script("document.fonts.ready.then(arguments[0])")  # measured in the page's font
    try:
        for width in range(320, 421, 4):
            browser.set_window_size(width, 900)
            for line in browser.execute_script(TOPS):
                assert line["dot"] == line["number"] == line["word"], (width, line)
    finally:
        browser.set_window_size(1280, 900)
