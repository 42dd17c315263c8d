"""CSV files that spreadsheet software opens safely: one writer for every export.

OWASP's rule for CSV injection: a cell beginning with = + - @, a tab or a carriage return is read as a
formula by Excel, LibreOffice and Google Sheets (``=HYPERLINK(...)`` sends the reader's data elsewhere,
``=cmd|...`` ran commands on old versions). Such a cell is prefixed with a single quote, which every
spreadsheet shows as text; numbers (ints, floats) are written as they are, so a negative figure stays a
number. https://owasp.org/www-community/attacks/CSV_Injection
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Sequence
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# A plain number written as text (a negative one in a French export: "-0,25") runs nothing.
_NUMBER = re.compile(r"-?\d+(?:[.,]\d+)?")


def neutralise_cell(value: Any) -> Any:
    """``value`` made safe for a spreadsheet: text that a spreadsheet would run gets a leading quote."""
    if isinstance(value, bool) or value is None or isinstance(value, int | float):
        return value
    text = str(value)
    if _NUMBER.fullmatch(text):
        return text
    # Leading spaces or quotes do not stop spreadsheets from reading what follows as a formula.
    stripped = text.lstrip(" \"'\u00a0")
    if text.startswith(FORMULA_STARTS) or (stripped != text and stripped.startswith(FORMULA_STARTS)):
        return "'" + text
    return text


class SafeWriter:
    """``csv.writer`` whose every cell goes through ``neutralise_cell``."""

    def __init__(self, stream, **kwargs) -> None:
        self._writer = csv.writer(stream, **kwargs)

    def writerow(self, row: Sequence[Any]) -> Any:
        return self._writer.writerow([neutralise_cell(v) for v in row])

    def writerows(self, rows: Iterable[Sequence[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def safe_writer(stream, **kwargs) -> SafeWriter:
    """The CSV writer every export uses (grep: nothing else in the project calls ``csv.writer``)."""
    return SafeWriter(stream, **kwargs)
