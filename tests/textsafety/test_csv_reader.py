"""The one CSV reader of every import (textsafety.csv_reader): what spreadsheets save, read the same way
for contributions and volunteers."""

import pytest

from textsafety.csv_reader import ENCODING, NO_HEADER, CsvFileError, read_table


@pytest.mark.parametrize(
    ("data", "encoding", "delimiter"),
    [
        ("id;ville\r\n1;Orléans\r\n".encode("cp1252"), "cp1252", ";"),
        (b"\xef\xbb\xbfid;ville\n1;Orl\xc3\xa9ans\n", "utf-8", ";"),
        (b"\xff\xfe" + "id\tville\r\n1\tOrléans\r\n".encode("utf-16-le"), "utf-16", "\t"),
        (b"\xfe\xff" + "id,ville\n1,Orléans\n".encode("utf-16-be"), "utf-16", ","),
        ("\ufeffid,ville\n1,Orléans\n", "text", ","),
    ],
)
def test_encodings_marks_and_separators_as_spreadsheets_save_them(data, encoding, delimiter):
    table = read_table(data)
    assert (table.encoding, table.delimiter, table.header) == (encoding, delimiter, ["id", "ville"])
    assert [(row.line, row.cells) for row in table.rows] == [(2, ["1", "Orléans"])]


def test_an_unclosed_quote_is_reported_on_its_line_and_reading_goes_on():
    table = read_table('id,note\n1,"sur\ndeux lignes"\n2,"jamais fermé\n3,ok\n')
    assert [(row.line, row.cells) for row in table.rows] == [
        (2, ["1", "sur\ndeux lignes"]), (4, None), (5, ["3", "ok"])
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("data", "code"),
    [(b"", NO_HEADER), (b"\n\n", NO_HEADER), (b"id\n\x81\n", ENCODING), (b"\xff\xfea", ENCODING)],
)
def test_a_file_that_cannot_be_read_is_refused_with_a_code(data, code):
    with pytest.raises(CsvFileError) as refused:
        read_table(data)
    assert refused.value.code == code


@pytest.mark.parametrize(
    ("data", "line"),
    [
        (b"PK\x03\x04\x14\x00\x00\x00", 1),
        (b"id;note\n1;a\x00b\n", 2),
        ("id\n1\n\x00".encode("utf-16-le")[:-1], 1),
    ],
)
def test_a_file_holding_a_null_character_is_refused_with_its_line(data, line):
    with pytest.raises(CsvFileError) as refused:
        read_table(data)
    assert (refused.value.code, refused.value.params.get("line")) == (ENCODING, line)


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_without_its_mark_is_read_as_utf16(codec):
    table = read_table("id;ville\r\n1;Orléans\r\n".encode(codec))
    assert (table.encoding, table.header, table.rows[0].cells) == (
        "utf-16",
        ["id", "ville"],
        ["1", "Orléans"],
    )
