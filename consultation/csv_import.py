"""Read contributions from a CSV file (pure: no Django import).

A row that cannot be read is reported with its line number and a reason code; every other row is kept.
File-level problems (unknown encoding, missing columns, no header) raise CsvImportError. Callers turn
the codes into translated messages.

The file is read by the one CSV reader of every import (`textsafety.csv_reader`: encodings, separators,
broken quoting isolated to the row where it starts); this module says what a contribution row is.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from textsafety.csv_reader import BROKEN_QUOTING, ENCODING, NO_HEADER, decode, read_table
from textsafety.csv_reader import CsvFileError as CsvImportError
from textsafety.normalise import normalise_input

from .languages import language_tag

__all__ = ["BROKEN_QUOTING", "ENCODING", "NO_HEADER", "CsvImportError", "decode"]

# Row error codes (and BROKEN_QUOTING, the reader's).
EMPTY, TOO_LONG, BAD_DATE, CELL_COUNT, DUPLICATE = "empty", "too_long", "bad_date", "cell_count", "duplicate"
# File error code (and ENCODING, NO_HEADER, the reader's).
MISSING_COLUMNS = "missing_columns"

_DATE_FORMATS = ("%Y-%m-%d", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%d/%m/%Y", "%d/%m/%Y %H:%M")


@dataclass(frozen=True)
class ImportedRow:
    line: int
    text: str
    when: datetime | None
    strata: dict[str, str]
    language: str = ""  # a language tag from the file's language column; "" when none or unreadable

    @property
    def external_id(self) -> str:
        """Same text and date give the same id, so a file imported twice is imported once."""
        stamp = self.when.isoformat() if self.when else ""
        return hashlib.sha256(f"{self.text}\x1f{stamp}".encode()).hexdigest()[:40]


@dataclass(frozen=True)
class RowError:
    line: int
    code: str
    detail: str = ""


@dataclass
class CsvImport:
    encoding: str
    delimiter: str
    rows: list[ImportedRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # codes, e.g. "cp1252_fallback"
    # Rows whose language cell is filled but is not a language tag ("English"): kept, language unknown.
    unknown_languages: int = 0


def _parse_date(value: str) -> datetime | None:
    for fmt in _DATE_FORMATS:
        try:
            parsed = datetime.strptime(value, fmt)
        except ValueError:
            continue
        return parsed.replace(tzinfo=UTC)
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    if isinstance(parsed, date) and parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed


def read_contributions(
    data: bytes,
    *,
    text_column: str,
    date_column: str | None = None,
    strata_columns: tuple[str, ...] = (),
    max_length: int = 1000,
    language_column: str | None = None,
) -> CsvImport:
    """``language_column``: a column giving each text's language as a tag ("fr", "en", "en-GB"); a row
    whose cell is empty or not a tag is kept with no language (counted in ``unknown_languages``)."""
    table = read_table(data)
    header = table.header
    wanted = [text_column, *([date_column] if date_column else []), *strata_columns]
    wanted += [language_column] if language_column else []
    missing = [c for c in wanted if c not in header]
    if missing:
        raise CsvImportError(
            MISSING_COLUMNS, f"missing column(s): {', '.join(missing)}", missing=missing, found=header
        )
    index = {name: header.index(name) for name in wanted}
    result = CsvImport(encoding=table.encoding, delimiter=table.delimiter)
    if table.encoding == "cp1252":
        result.warnings.append("cp1252_fallback")
    seen: dict[str, int] = {}
    for row in table.rows:
        line, cells = row.line, row.cells
        if cells is None:
            result.errors.append(RowError(line, BROKEN_QUOTING, row.detail))
            continue
        if len(cells) != len(header):
            result.errors.append(RowError(line, CELL_COUNT, f"{len(cells)}/{len(header)}"))
            continue
        # Controls and bidirectional overrides removed, NFC: the text as every other way in stores it.
        body = normalise_input(cells[index[text_column]]).strip()
        if not body:
            result.errors.append(RowError(line, EMPTY))
            continue
        if len(body) > max_length:
            result.errors.append(RowError(line, TOO_LONG, f"{len(body)}/{max_length}"))
            continue
        when = None
        if date_column and cells[index[date_column]].strip():
            when = _parse_date(cells[index[date_column]].strip())
            if when is None:
                result.errors.append(RowError(line, BAD_DATE, cells[index[date_column]].strip()))
                continue
        strata = {c: cells[index[c]].strip() for c in strata_columns if cells[index[c]].strip()}
        language = ""
        if language_column and cells[index[language_column]].strip():
            language = language_tag(cells[index[language_column]])
            result.unknown_languages += not language
        row = ImportedRow(line=line, text=body, when=when, strata=strata, language=language)
        if row.external_id in seen:
            result.errors.append(RowError(line, DUPLICATE, str(seen[row.external_id])))
            continue
        seen[row.external_id] = line
        result.rows.append(row)
    return result
