"""Numbers in CSV exports read as numbers to people and to spreadsheets: no "1e-05"."""

import io

from django.utils import translation

from analysis.views import spreadsheet_number, write_spreadsheet_csv
from tests.helpers import read_spreadsheet_csv


def test_numbers_are_fixed_point_with_the_readers_decimal_mark():
    assert spreadsheet_number(1e-05) == "0.00001"
    assert spreadsheet_number(1e-05, decimal=",") == "0,00001"
    assert spreadsheet_number(0.1 + 0.2) == "0.3"
    assert spreadsheet_number(12.0) == "12"
    assert spreadsheet_number(-3.25, decimal=",") == "-3,25"
    assert spreadsheet_number(-1e-9) == "0" and spreadsheet_number(float("nan")) == ""
    assert spreadsheet_number(123456789.5) == "123456789.5"


def test_a_french_export_writes_small_shares_and_coordinates_without_an_exponent():
    out = io.StringIO()
    with translation.override("fr"):
        write_spreadsheet_csv(
            out, [{"share": 1e-05, "x": -0.123456789, "hidden": False}], ["share", "x", "hidden"]
        )
    (row,) = read_spreadsheet_csv(out.getvalue().encode("utf-8"))
    assert row == {"share": "0,00001", "x": "-0,123457", "hidden": "non"}
    out = io.StringIO()
    with translation.override("en"):
        write_spreadsheet_csv(out, [{"share": 1e-05, "x": 2.5}], ["share", "x"])
    assert read_spreadsheet_csv(out.getvalue().encode("utf-8"), delimiter=",") == [
        {"share": "0.00001", "x": "2.5"}
    ]
