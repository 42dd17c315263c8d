"""Read contributions from a CSV file (pure: no Django import).

A row that cannot be read is reported with its line number and a reason code; every other row is kept.
File-level problems (unknown encoding, missing columns, no header) raise CsvImportError. Callers turn
the codes into translated messages.

Broken quoting is isolated to the row where it starts: records are cut on physical lines with balanced
quotes, so an unclosed quote cannot swallow the rest of the file.
"""

from __future__ import annotations

import csv
import hashlib
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from textsafety.normalise import normalise_input

MAX_RECORD_LINES = 30  # a quoted cell longer than this many lines is taken for an unclosed quote

# Row error codes.
EMPTY, TOO_LONG, BAD_DATE, BROKEN_QUOTING, CELL_COUNT, DUPLICATE = (
    "empty", "too_long", "bad_date", "broken_quoting", "cell_count", "duplicate",
)  # fmt: skip
# File error codes.
ENCODING, NO_HEADER, MISSING_COLUMNS = "encoding", "no_header", "missing_columns"

_DATE_FORMATS = ("%Y-%m-%d", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%d/%m/%Y", "%d/%m/%Y %H:%M")


class CsvImportError(ValueError):
    def __init__(self, code: str, message: str, **params):
        super().__init__(message)
        self.code, self.params = code, params


@dataclass(frozen=True)
class ImportedRow:
    line: int
    text: str
    when: datetime | None
    strata: dict[str, str]

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


def decode(data: bytes) -> tuple[str, str]:
    """(text, encoding): UTF-8 (with or without BOM), else Windows-1252 (what spreadsheet software
    on Windows writes) — the caller warns in that case."""
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError as exc:
        raise CsvImportError(
            ENCODING, f"not UTF-8 nor Windows-1252 (byte {exc.start})", position=exc.start
        ) from None


def _records(text: str):
    """(first line number, record text) with balanced quotes; unbalanced starts are flagged None."""
    lines = text.splitlines(keepends=True)
    i = 0
    while i < len(lines):
        j, chunk = i, lines[i]
        while chunk.count('"') % 2 and j + 1 < len(lines) and j - i < MAX_RECORD_LINES:
            j += 1
            chunk += lines[j]
        if chunk.count('"') % 2:
            yield i + 1, None  # unclosed quote: report this line and restart on the next one
            i += 1
            continue
        yield i + 1, chunk
        i = j + 1


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
) -> CsvImport:
    text, encoding = decode(data)
    records = _records(text)
    header_line, header_text = next(((n, r) for n, r in records if r and r.strip()), (0, None))
    if header_text is None:
        raise CsvImportError(NO_HEADER, "the file is empty or its first line cannot be read")
    first = header_text.splitlines()[0]
    delimiter = max(",;\t", key=first.count)
    header = [h.strip() for h in next(csv.reader([header_text], delimiter=delimiter))]
    wanted = [text_column, *([date_column] if date_column else []), *strata_columns]
    missing = [c for c in wanted if c not in header]
    if missing:
        raise CsvImportError(
            MISSING_COLUMNS, f"missing column(s): {', '.join(missing)}", missing=missing, found=header
        )
    index = {name: header.index(name) for name in wanted}
    result = CsvImport(encoding=encoding, delimiter=delimiter)
    if encoding == "cp1252":
        result.warnings.append("cp1252_fallback")
    seen: dict[str, int] = {}
    for line, record in records:
        if record is None:
            result.errors.append(RowError(line, BROKEN_QUOTING))
            continue
        if not record.strip():
            continue
        try:
            cells = next(csv.reader([record], delimiter=delimiter, strict=True))
        except (csv.Error, StopIteration) as exc:
            result.errors.append(RowError(line, BROKEN_QUOTING, str(exc)))
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
        row = ImportedRow(line=line, text=body, when=when, strata=strata)
        if row.external_id in seen:
            result.errors.append(RowError(line, DUPLICATE, str(seen[row.external_id])))
            continue
        seen[row.external_id] = line
        result.rows.append(row)
    return result
