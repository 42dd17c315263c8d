"""What a reader sees of the spacing around « : ; ! ? % »: English writes "Status: Open" and "40%",
French "Statut : Ouvert" and "40 %" with a no-break space (U+00A0) before the sign. The separator
belongs to the translated string; one written in a template shows the French spacing on English pages."""

import re
from html import unescape
from html.parser import HTMLParser

# English: no space of any kind before the sign. French: the space before it is a no-break one.
MISPLACED = {"en": re.compile(r"[ \u00a0\u202f][:;!?%]"), "fr": re.compile(r" [:;!?%]")}


class _VisibleText(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts, self._hidden = [], 0

    def handle_starttag(self, tag, attrs):
        self._hidden += tag in ("script", "style")

    def handle_endtag(self, tag):
        self._hidden -= tag in ("script", "style")

    def handle_data(self, data):
        if not self._hidden:
            self.parts.append(data)


def text_of(response) -> str:
    """The page as a reader sees it: tags dropped, entities decoded, spaces collapsed."""
    page = re.sub(r"<[^>]+>", " ", response.content.decode())
    return re.sub(r"\s+", " ", unescape(page).replace("\xa0", " ").replace("\u202f", " "))


def visible_text(html: str) -> str:
    """The page's text as read, entities decoded (``&nbsp;`` becomes U+00A0), markup and scripts
    left out, runs of ordinary white space collapsed to one space (no-break spaces kept)."""
    parser = _VisibleText()
    parser.feed(html)
    return re.sub(r"[ \t\r\n]+", " ", "".join(parser.parts))


def misplaced_separators(text: str, language: str) -> list[str]:
    """The places where ``text`` spaces a sign the other language's way, with some context."""
    return [text[max(0, m.start() - 30) : m.end() + 10] for m in MISPLACED[language].finditer(text)]
