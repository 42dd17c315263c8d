"""French typography for the French catalogue (Imprimerie nationale rules).

In French a space precedes « : ; ! ? », separates a number from « % » and
sits inside the quotation marks « »; that space must be non-breaking (U+00A0) so the punctuation never wraps
alone onto a new line. This script rewrites, in msgstr strings only, an
ordinary space directly before one of those signs into U+00A0. It keeps the
file's line structure (one character replaced by one character), so the diff
only touches msgstr characters.

The apostrophe of French prose is the typographic one, U+2019 (l’été,
aujourd’hui), never the straight ' of the keyboard. The script rewrites a
straight apostrophe between two letters into ’, outside what is not prose:
HTML tags and their attributes (``<a title='…'>``), <code>, <kbd>, <pre> and
<samp> elements, `backticks`, and placeholders (``%(name)s``, ``{name}``).
That rule lives in ``textsafety/typography.py``, shared with the French text
the platform writes from citizens' words (the synthesis's theme titles).

    python scripts/fr_typography.py            # rewrite locale/fr/.../django.po
    python scripts/fr_typography.py --check    # list offenders, exit 1 if any

A ``%`` is a literal percent sign only when it is not a Python format
placeholder: ``%(name)s``, ``%s``, ``%d``, ``%.1f`` are placeholders; in a
python-format entry a literal percent is written ``%%``.
"""

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a script from anywhere: the shared rule is a module of the project

from textsafety.typography import APOSTROPHE, straight_apostrophes  # noqa: E402  (the one apostrophe rule)

NBSP = "\u00a0"
PO = ROOT / "locale" / "fr" / "LC_MESSAGES" / "django.po"

# A Python %-placeholder after the "%": "(name)" + spec, or a bare spec.
PLACEHOLDER = re.compile(r"\([^)]*\)[-#0 +]*\d*(?:\.\d+)?[a-zA-Z]|[-#0+]*\d*(?:\.\d+)?[sdifgeEcrxXou]")


def offending_spaces(text, python_format):
    """Indexes of ordinary spaces in ``text`` that precede « : ; ! ? » or a
    literal percent sign, or that follow an opening « or precede a closing »."""
    found = [m.start() for m in re.finditer(r"(?<=«) | (?=»)", text)]
    for match in re.finditer(r" (?=[:;!?%])", text):
        i = match.start()
        if text[i + 1] == "%":
            rest = text[i + 2 :]
            if python_format:
                if not rest.startswith("%"):
                    continue  # a placeholder such as %(n)s, not a percent sign
            elif PLACEHOLDER.match(rest):
                continue
        found.append(i)
    return sorted(found)


def replacements(text, python_format):
    """(index, new character) for each fix of ``text``: no-break spaces, then typographic apostrophes."""
    found = [(i, NBSP) for i in offending_spaces(text, python_format)]
    return sorted(found + [(i, APOSTROPHE) for i in straight_apostrophes(text)])


def msgstr_blocks(lines):
    """Yield (python_format, [(line_index, start, end)]) for each msgstr (and
    msgstr[n]) of a live entry, skipping the header and obsolete (#~) entries.
    start/end delimit the quoted content on the line."""
    flags = set()
    msgid_is_empty = False
    block = None
    in_msgid = False
    for n, line in enumerate(lines):
        if line.startswith('"') and (block is not None or in_msgid):
            if in_msgid:
                msgid_is_empty = msgid_is_empty and line == '""'
            else:
                block[1].append((n, 1, len(line) - 1))
            continue
        if block is not None:
            yield block
            block = None
        in_msgid = False
        if line.startswith("#,"):
            flags |= {f.strip() for f in line[2:].split(",")}
        elif line.startswith("msgid "):
            in_msgid = True
            msgid_is_empty = line == 'msgid ""'
        elif line.startswith("msgid_plural "):
            in_msgid = True
            msgid_is_empty = False
        elif line.startswith("msgstr"):
            start = line.index('"')
            block = ("python-format" in flags, [(n, start + 1, len(line) - 1)])
            if msgid_is_empty:
                block = None  # the header entry
        elif not line.strip():
            flags = set()
    if block is not None:
        yield block


def fix(lines):
    """Rewrite ``lines`` in place; return the number of entries changed and
    the number of characters replaced (spaces and apostrophes)."""
    entries = changed = 0
    for python_format, parts in msgstr_blocks(lines):
        text = "".join(lines[n][a:b] for n, a, b in parts)
        fixes = replacements(text, python_format)
        if not fixes:
            continue
        entries += 1
        changed += len(fixes)
        offset = 0
        for n, a, b in parts:
            length = b - a
            for p, character in fixes:
                if offset <= p < offset + length:
                    line = lines[n]
                    col = a + p - offset
                    assert line[col] == (" " if character == NBSP else "'")
                    lines[n] = line[:col] + character + line[col + 1 :]
            offset += length
    return entries, changed


def main(argv):
    path = PO
    lines = path.read_text(encoding="utf-8").split("\n")
    if "--check" in argv:
        bad = 0
        for python_format, parts in msgstr_blocks(lines):
            text = "".join(lines[n][a:b] for n, a, b in parts)
            for p, _character in replacements(text, python_format):
                bad += 1
                print(f"{path}:{parts[0][0] + 1}: …{text[max(0, p - 30) : p + 10]}…")
        return 1 if bad else 0
    entries, changed = fix(lines)
    path.write_text("\n".join(lines), encoding="utf-8")
    print(f"{entries} entries changed, {changed} characters replaced")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
