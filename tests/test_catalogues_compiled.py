"""The compiled catalogues (.mo, what the site serves) say exactly what their .po files say: a .po edited or
merged without compilemessages, or a merge that joined two entries into one (compilemessages then fails,
and the stale .mo would ship), fails here instead of showing English or a wrong sentence to a reader."""

import gettext
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CATALOGUES = sorted((ROOT / "locale").glob("*/LC_MESSAGES/django.po"))


ESCAPES = {"n": "\n", "t": "\t", '"': '"', "\\": "\\"}


def _unquote(line: str) -> str:
    return re.sub(r"\\(.)", lambda m: ESCAPES.get(m[1], m[0]), line[line.index('"') + 1 : line.rindex('"')])


def po_entries(path: Path) -> tuple[dict, list[str]]:
    """({key: translation} as gettext's catalogue keys them: msgid, or (msgid, n) for plurals; with a
    context, "context\\x04msgid"), [problems]) for the live, non-fuzzy, translated entries of a .po file."""
    entries, problems = {}, []
    fields: dict[str, str] = {}
    flags: set[str] = set()
    current = None

    def close():
        nonlocal fields, flags, current
        if "msgid" in fields and fields["msgid"] and "fuzzy" not in flags:
            msgid = fields["msgid"]
            if "msgctxt" in fields:
                msgid = f"{fields['msgctxt']}\x04{msgid}"
            if "msgid_plural" in fields:
                for name, text in fields.items():
                    if name.startswith("msgstr[") and text:
                        entries[(msgid, int(name[7:-1]))] = text
            elif fields.get("msgstr"):
                entries[msgid] = fields["msgstr"]
        fields, flags, current = {}, set(), None

    for number, line in enumerate(path.read_text(encoding="utf-8").split("\n"), 1):
        if line.startswith('"'):
            if current is None:
                problems.append(f"{path.name}:{number}: a string outside any entry")
            else:
                fields[current] += _unquote(line)
            continue
        if not line.strip():
            close()
        elif line.startswith("#,"):
            flags |= {flag.strip() for flag in line[2:].split(",")}
        elif line.startswith(("msgctxt", "msgid", "msgstr")):
            keyword = line.split()[0]
            if keyword in ("msgctxt", "msgid") and any(name.startswith("msgstr") for name in fields):
                close()  # entries need no blank line between them
            if keyword in fields:
                problems.append(f"{path.name}:{number}: {keyword} twice in one entry (two entries joined?)")
            current = keyword
            fields[keyword] = _unquote(line)
    close()
    return entries, problems


@pytest.mark.parametrize("po", CATALOGUES, ids=lambda p: p.parts[-3])
def test_the_compiled_catalogue_is_the_po(po):
    entries, problems = po_entries(po)
    assert not problems, "\n".join(problems)
    with po.with_suffix(".mo").open("rb") as compiled:
        catalog = gettext.GNUTranslations(compiled)._catalog
    stale = [key for key, text in entries.items() if catalog.get(key) != text]
    extra = [key for key in catalog if key and key not in entries]
    assert not stale, f"{len(stale)} entries differ in the .mo (run compilemessages): {stale[:5]}"
    assert not extra, f"{len(extra)} entries are only in the .mo: {extra[:5]}"
