"""French typography (Imprimerie nationale rules): the space before « : ; ! ? », between a number
and « % » and inside « » is a no-break space (U+00A0), so the sign never wraps alone onto a new line."""

import gettext
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "locale" / "fr" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")

# What follows the "%" of a Python %-placeholder: "(name)" and a conversion, or a bare conversion.
PLACEHOLDER = re.compile(r"\([^)]*\)[-#0 +]*\d*(?:\.\d+)?[a-zA-Z]|[-#0+]*\d*(?:\.\d+)?[sdifgeEcrxXou]")


def offending_spaces(text, python_format):
    """Indexes of ordinary spaces before « : ; ! ? » or before a literal percent sign (``%%`` in a
    python-format string, a lone ``%`` elsewhere; ``%(name)s``, ``%s``, ``%.1f`` are placeholders), and
    ordinary spaces just inside the quotation marks « »."""
    found = [m.start() for m in re.finditer(r"(?<=«) | (?=»)", text)]
    for match in re.finditer(r" (?=[:;!?%])", text):
        i = match.start()
        if text[i + 1] == "%":
            rest = text[i + 2 :]
            if python_format and not rest.startswith("%"):
                continue
            if not python_format and PLACEHOLDER.match(rest):
                continue
        found.append(i)
    return sorted(found)


def _unquote(line):
    return line[line.index('"') + 1 : line.rindex('"')].replace('\\"', '"').replace("\\n", "\n")


def po_translations(path):
    """(line number, python-format?, msgstr) for each live entry of a .po file, the header and
    obsolete (#~) entries left out; a msgstr wrapped on several lines is joined first."""
    blocks, flags, keyword = [], set(), None
    for number, line in enumerate(path.read_text(encoding="utf-8").split("\n"), 1):
        if line.startswith('"') and keyword:
            blocks[-1][2].append(_unquote(line))
            continue
        keyword = None
        if line.startswith("#,"):
            flags |= {flag.strip() for flag in line[2:].split(",")}
        elif not line.strip():
            flags = set()
        elif line.startswith(("msgctxt", "msgid", "msgstr")):
            keyword = line.split()[0]
            blocks.append((keyword, number, [_unquote(line)], flags))
    entries, msgid = [], None
    for keyword, number, parts, entry_flags in blocks:
        if keyword == "msgid":
            msgid = "".join(parts)
        elif keyword.startswith("msgstr") and msgid:
            entries.append((number, "python-format" in entry_flags, "".join(parts)))
    return entries


def test_offending_spaces_tells_placeholders_from_percent_signs():
    assert offending_spaces("Ligne %(line)d : %(reason)s.", True) == [14]
    assert offending_spaces("Analyse %(id)s\u00a0: %(n)s %d %.1f %s", True) == []
    assert offending_spaces("Part (%%) de 45 %%", True) == [15]
    assert offending_spaces("45 % des votes", False) == [2]
    assert offending_spaces("Vraiment ? Oui ! Non ; fin", False) == [8, 14, 20]
    assert offending_spaces("https://exemple.fr/?a=1 à 12:30", False) == []
    assert offending_spaces("il passe à « %(status)s » quand", True) == [12, 23]
    assert offending_spaces("à «\u00a0Ouvert\u00a0» ou «Fermé»", False) == []


def test_po_parser_reads_every_entry():
    entries = po_translations(PO)
    assert len(entries) > 500
    assert any(text.startswith("Chaîne d’audit intacte") for _, _, text in entries)
    assert any(python_format for _, python_format, _ in entries)
    assert not any(text.startswith("Project-Id-Version") for _, _, text in entries)  # the header


def test_french_catalogue_uses_no_break_spaces_before_high_punctuation_and_percent():
    offenders = [
        f"django.po:{line}: …{text[max(0, i - 30) : i + 10]}…"
        for line, python_format, text in po_translations(PO)
        for i in offending_spaces(text, python_format)
    ]
    assert not offenders, "ordinary space before « : ; ! ? % » (use U+00A0):\n" + "\n".join(offenders)


def test_compiled_french_catalogue_is_fixed_too():
    """The .mo served at run time, not only the .po: compilemessages was run after the fix."""
    with MO.open("rb") as f:
        catalog = gettext.GNUTranslations(f)._catalog
    offenders = [
        text
        for key, text in catalog.items()
        if key and re.search(r" [:;!?]", text)  # key "" is the header
    ]
    assert not offenders


TAGS = re.compile(r"\{%.*?%\}|\{\{.*?\}\}|\{#.*?#\}|<script.*?</script>|<style.*?</style>", re.S)


# A space of any kind, written or as an entity, before « : ; ! ? % » or inside « ».
SPACE = r"(?: |\u00a0|\u202f|&nbsp;|&#160;|&#xa0;)"
SPACED_SIGN = re.compile(rf"{SPACE}[:;!?%»]|«{SPACE}", re.I)


@pytest.mark.parametrize("template", sorted((ROOT / "templates").rglob("*.*")), ids=lambda p: p.name)
def test_template_text_leaves_the_space_before_signs_to_the_translations(template):
    """Text written in the templates themselves (outside template tags) is the same in both
    languages, so French spacing there, as in "{% translate "Status" %}\u00a0: {{ value }}" or
    "{{ n }}\u00a0%", shows on English pages ("Status : Open", "40 %"). The sign goes into the
    translated string ("Status:", "%(percent)s%%"), whose French msgstr has the no-break space."""
    text = TAGS.sub("\x00", template.read_text(encoding="utf-8"))
    offenders = [text[max(0, m.start() - 30) : m.end() + 10] for m in SPACED_SIGN.finditer(text)]
    assert not offenders


def _script():
    """scripts/fr_typography.py, the catalogue's rules (not a package: loaded from its path); its
    apostrophe rule is textsafety.typography's, shared with the synthesis's French theme titles."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("fr_typography", ROOT / "scripts" / "fr_typography.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _apostrophes_fixed(text: str) -> str:
    chars = list(text)
    for i in _script().straight_apostrophes(text):
        chars[i] = "\u2019"
    return "".join(chars)


def test_the_apostrophe_of_prose_is_typographic_and_code_is_left_alone():
    assert _apostrophes_fixed("L'analyse d'aujourd'hui") == "L’analyse d’aujourd’hui"
    # HTML attributes, code, placeholders and a quote after an escaped line break are not prose.
    kept = [
        "<a href='/aide' title=\"l'aide\">",
        "<code>don't</code>",
        "`it's`",
        "%(l'a)s",
        "{name's}",
        "ligne\\n'Oui'",
        "l'2",
    ]
    for text in kept:
        assert _apostrophes_fixed(text) == text, text
    assert _apostrophes_fixed("<a href='/aide'>l'aide</a>") == "<a href='/aide'>l’aide</a>"


def test_french_catalogue_writes_the_typographic_apostrophe_in_prose():
    """A straight ' in French prose (l'été) reads as a typing slip next to the ’ of the rest of the
    interface; scripts/fr_typography.py rewrites it. This fails on a translation added without running it."""
    straight = _script().straight_apostrophes
    offenders = [
        f"django.po:{line}: …{text[max(0, i - 30) : i + 10]}…"
        for line, _python_format, text in po_translations(PO)
        for i in straight(text)
    ]
    assert not offenders, "straight apostrophe in French prose (use ’):\n" + "\n".join(offenders)


def test_compiled_french_catalogue_has_the_typographic_apostrophe_too():
    straight = _script().straight_apostrophes
    with MO.open("rb") as f:
        catalog = gettext.GNUTranslations(f)._catalog
    assert [text for key, text in catalog.items() if key and straight(text)] == []


def _french_data() -> list[tuple[str, str]]:
    """(where, text) for each piece of French prose the code stores as data and the pages show: the levels
    of a scale question (written into each new one) and the ready-made consultation's French text. The
    demo participants' contributions (consultation/demo_texts.py) are left out on purpose: they stand for
    what citizens type on a keyboard, straight apostrophes and missing accents included, and are
    published as written."""
    from consultation.content import CONSULTATIONS
    from consultation.services.consultations import SCALE_LABELS

    found = [(f"SCALE_LABELS[{i}]", fr) for i, (fr, _en) in enumerate(SCALE_LABELS)]
    for slug, spec in CONSULTATIONS.items():
        found += [(f"{slug}.{name}", spec[name]) for name in ("title_fr", "context_fr")]
        for n, (_kind, text_fr, _text_en, choices) in enumerate(spec["questions"], 1):
            found.append((f"{slug} question {n}", text_fr))
            found += [(f"{slug} question {n} choice {c}", choice[0]) for c, choice in enumerate(choices, 1)]
    return found


def test_french_data_in_the_code_follows_the_same_typography():
    """French stored by the code (then in the database) sits on the same pages as the catalogue's: the
    same apostrophe and no-break spaces. A straight ' typed there fails here, as in the catalogue."""
    data = _french_data()
    assert len(data) > 40 and any("d’accord" in text for _where, text in data)
    straight = _script().straight_apostrophes
    offenders = [
        f"{where}: …{text[max(0, i - 30) : i + 10]}…"
        for where, text in data
        for i in [*straight(text), *offending_spaces(text, False)]
    ]
    assert not offenders, "straight apostrophe or breaking space in French data:\n" + "\n".join(offenders)


def test_the_english_of_that_data_keeps_its_straight_apostrophes():
    """Only the French was converted: the English pairs are written with the keyboard's apostrophe."""
    from consultation.content import CONSULTATIONS

    english = [choice[1] for q in CONSULTATIONS["data-donation"]["questions"] for choice in q[3]]
    assert "I don't know" in english and "At one's doctor or pharmacist" in english


def test_a_time_stays_on_the_line_of_its_date():
    """« 5 février 2027 à 23:59 » must not break around « à » (a line ending « 2027 à » on a phone):
    the space between « à » and a time, and between a date and « à », are non-breaking."""
    offenders = [
        f"django.po:{line}: {text}"
        for line, _python_format, text in po_translations(PO)
        if re.search(r"à %\(time\)s|%\(date\)s à", text)
    ]
    assert not offenders, "ordinary space around « à » before a time (use U+00A0):\n" + "\n".join(offenders)
