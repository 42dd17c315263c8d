"""Reading a page as its reader gets it, for the tests: the language each piece of text is marked in, and
the rows of a table (what a screen reader announces cell by cell)."""

import re
from html.parser import HTMLParser

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class _Elements(HTMLParser):
    """Every element with its attributes and the text inside it (its descendants' too)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[dict] = []
        self.done: list[dict] = []

    def handle_starttag(self, tag, attrs):
        parent = self.stack[-1] if self.stack else None
        element = {"tag": tag, "attrs": dict(attrs), "text": [], "children": [], "parent": parent}
        if self.stack:
            self.stack[-1]["children"].append(element)
        if tag in VOID:
            self.done.append(element)
            return
        self.stack.append(element)

    def handle_endtag(self, tag):
        for depth in range(len(self.stack) - 1, -1, -1):
            if self.stack[depth]["tag"] == tag:
                for element in reversed(self.stack[depth:]):
                    self.done.append(element)
                del self.stack[depth:]
                return

    def handle_data(self, data):
        for element in self.stack:
            element["text"].append(data)


def elements(html: str) -> list[dict]:
    parser = _Elements()
    parser.feed(html)
    parser.close()
    parser.done.extend(reversed(parser.stack))  # elements left open at the end of the page
    for element in parser.done:
        element["text"] = re.sub(r"[ \t\r\n]+", " ", "".join(element["text"])).strip()
    return parser.done


def languages_of_text(html: str, text: str) -> list[str | None]:
    """The language a screen reader reads each occurrence of ``text`` in: for each innermost element
    holding all of it, the lang of that element or of its nearest ancestor that says one (the page's
    own, on <html>, at the outermost); None where no element says one."""
    holding = [e for e in elements(html) if text in e["text"]]
    innermost = [e for e in holding if not any(text in child["text"] for child in e["children"])]
    found = []
    for element in innermost:
        while element is not None and "lang" not in element["attrs"]:
            element = element["parent"]
        found.append(element["attrs"]["lang"] if element is not None else None)
    return found


def language_of_text(html: str, text: str) -> str | None:
    """The one language every occurrence of ``text`` is read in (None when it is not on the page);
    AssertionError if its occurrences are read in different languages."""
    languages = set(languages_of_text(html, text))
    assert len(languages) <= 1, (text, languages)
    return languages.pop() if languages else None


def table_rows(html: str, container_id: str) -> list[list[dict]]:
    """The body rows of the table inside the element ``container_id``: each a list of cells, each cell
    {"text": ..., "links": [(href, text), ...]}."""
    every = elements(html)
    container = next(e for e in every if e["attrs"].get("id") == container_id)

    def walk(element):
        yield element
        for child in element["children"]:
            yield from walk(child)

    def links(cell):
        return [(e["attrs"].get("href"), e["text"]) for e in walk(cell) if e["tag"] == "a"]

    rows = []
    for row in (e for e in walk(container) if e["tag"] == "tr"):
        cells = [c for c in row["children"] if c["tag"] in ("td", "th")]
        if any(c["tag"] == "td" for c in cells):  # a body row (the header row has th only)
            rows.append([{"text": c["text"], "links": links(c)} for c in cells])
    return rows


def audit_console(client, language: str, **filters) -> list[dict]:
    """Every row of the audit console (/compte/journal/) as the signed-in client reads it in `language`,
    newest first, following its pages: {"id", "code" (the event type its label stands for, None for a
    label no type has), "label", "actor", "object", "links"}."""
    from urllib.parse import urlencode

    from django.urls import reverse
    from django.utils import translation

    from accounts import event_types

    with translation.override(language):
        codes = {str(t.label): t.code for t in event_types.every_type()}
    rows, page = [], 1
    while True:
        response = client.get(
            f"{reverse('accounts:audit_log')}?{urlencode({**filters, 'page': page})}",
            HTTP_ACCEPT_LANGUAGE=language,
        )
        assert response.status_code == 200
        html = response.content.decode()
        if 'id="audit-log"' not in html:
            return rows
        for cells in table_rows(html, "audit-log"):
            rows.append(
                {
                    "id": int(cells[0]["text"]),
                    "code": codes.get(cells[3]["text"]),
                    "label": cells[3]["text"],
                    "actor": cells[2]["text"],
                    "object": cells[4]["text"],
                    "links": cells[4]["links"],
                }
            )
        if "fr-pagination__link--next" not in html:
            return rows
        page += 1
