"""CSV files as spreadsheets save them: one reader for every import (contributions, volunteers).

- Encoding: UTF-8 with or without its byte-order mark; UTF-16 with its mark (Excel's "Unicode text"),
  or without it (told by its zero bytes); else Windows-1252, what Excel on a French Windows writes for
  "CSV (séparateur : point-virgule)" (the caller may warn: `Table.encoding == "cp1252"`). A file holding
  a null character otherwise (a zip, an .xlsx, an image) is refused as `ENCODING`.
- Separator: the one of `,` `;` and tab that the header line holds most of.
- Records: cut on physical lines with balanced quotes, so an unclosed quote cannot swallow the rest of
  the file: its line is reported (`Row.cells is None`) and reading goes on with the next line.

Pure (no Django import). Problems are codes, worded by the caller in the reader's language: a file that
cannot be read at all raises `CsvFileError` (`ENCODING`, `NO_HEADER`); a line that cannot be cut into
cells is a `Row` without cells (`BROKEN_QUOTING`). What a line means (its columns, its values) is the
caller's."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass, field

MAX_RECORD_LINES = 30  # a quoted cell longer than this many lines is taken for an unclosed quote
DELIMITERS = ",;\t"

# File error codes.
ENCODING, NO_HEADER = "encoding", "no_header"
# Line error code.
BROKEN_QUOTING = "broken_quoting"

_UTF16_MARKS = (b"\xff\xfe", b"\xfe\xff")


class CsvFileError(ValueError):
    """The whole file cannot be read; `code` says why, `params` give the details for the message."""

    def __init__(self, code: str, message: str, **params):
        super().__init__(message)
        self.code, self.params = code, params


@dataclass(frozen=True)
class Row:
    """One record of the file: its first line number and its cells, stripped of nothing (`cells` is None
    when its quotes are broken; `detail` then says what the csv module found, if anything)."""

    line: int
    cells: list[str] | None
    detail: str = ""


@dataclass
class Table:
    encoding: str  # "utf-8", "utf-16", "cp1252", or "text" when handed text already decoded
    delimiter: str
    header: list[str]  # the column names, stripped
    header_line: int
    rows: list[Row] = field(default_factory=list)  # every record after the header but blank ones


def decode(data: bytes) -> tuple[str, str]:
    """(text, encoding) of a file's bytes; see the module's docstring for the encodings tried. A text
    holding a null character is no CSV (a zip, a spreadsheet's .xlsx, an image), unless it is UTF-16
    saved without its mark, which is read as such: both would otherwise reach the database, which
    refuses NUL in any text (a 500, or an import left running for ever)."""
    if data.startswith(_UTF16_MARKS):
        try:
            text, encoding = data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as exc:
            raise CsvFileError(ENCODING, f"not UTF-16 despite its mark (byte {exc.start})") from None
    elif b"\x00" in data and (unmarked := _utf16_without_mark(data)) is not None:
        text, encoding = unmarked, "utf-16"
    else:
        text, encoding = _utf8_or_cp1252(data)
    refuse_null_character(text)
    return text, encoding


def refuse_null_character(text: str) -> None:
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise CsvFileError(ENCODING, f"a null character on line {line}: not a text file", line=line)


def _utf8_or_cp1252(data: bytes) -> tuple[str, str]:
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError as exc:
        raise CsvFileError(
            ENCODING, f"not UTF-8 nor Windows-1252 (byte {exc.start})", position=exc.start
        ) from None


def _utf16_without_mark(data: bytes) -> str | None:
    """The text of UTF-16 bytes without a byte-order mark, told by the zero byte of each Latin letter
    being on the same side (odd bytes: little-endian; even bytes: big-endian); None otherwise."""
    if len(data) % 2:
        return None
    half = len(data) // 2
    for zeros, codec in ((data[1::2], "utf-16-le"), (data[0::2], "utf-16-be")):
        if zeros.count(0) >= 0.9 * half:
            try:
                return data.decode(codec)
            except UnicodeDecodeError:
                return None
    return None


def records(text: str) -> Iterator[tuple[int, str | None]]:
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


def sniff_delimiter(header_line: str) -> str:
    return max(DELIMITERS, key=header_line.count)


def read_table(data: bytes | str) -> Table:
    """The file's header and rows. `data` is the file's bytes, or its text already decoded."""
    if isinstance(data, bytes):
        text, encoding = decode(data)
    else:
        text, encoding = data.lstrip("\ufeff"), "text"
        refuse_null_character(text)
    found = records(text)
    header_line, header_text = next(((n, r) for n, r in found if r and r.strip()), (0, None))
    if header_text is None:
        raise CsvFileError(NO_HEADER, "the file is empty or its first line cannot be read")
    delimiter = sniff_delimiter(header_text.splitlines()[0])
    header = [name.strip() for name in next(csv.reader([header_text], delimiter=delimiter))]
    table = Table(encoding=encoding, delimiter=delimiter, header=header, header_line=header_line)
    for line, record in found:
        if record is None:
            table.rows.append(Row(line, None))
            continue
        if not record.strip():
            continue
        try:
            cells = next(csv.reader([record], delimiter=delimiter, strict=True))
        except (csv.Error, StopIteration) as exc:
            table.rows.append(Row(line, None, str(exc)))
            continue
        table.rows.append(Row(line, cells))
    return table
