"""One rule writes every rate of items on the site (consultation.answers.percent_of): whole per cent below
1,000 items, never 100 % or 0 % unless all or none, with its count ("89 % (8 sur 9)")."""

import pytest
from django.utils import translation

from consultation.answers import percent_of, rate_with_count


@pytest.mark.parametrize(
    ("part", "whole", "fr", "en"),
    [
        (8, 9, "89\u00a0%", "89%"),  # not "88,9 %": one decimal from 9 items is false precision
        (2, 11, "18\u00a0%", "18%"),
        (9, 9, "100\u00a0%", "100%"),
        (0, 9, "0\u00a0%", "0%"),
        (199, 200, "99\u00a0%", "99%"),  # not "100 %" while one is missing
        (1, 300, "1\u00a0%", "1%"),  # not "0 %" while one is there
        (889, 1000, "88,9\u00a0%", "88.9%"),  # a decimal once an item is worth less than 0.1 point
        (0, 0, "—", "—"),
    ],
)
def test_a_rate_is_written_with_the_precision_its_count_has(part, whole, fr, en):
    with translation.override("fr"):
        assert percent_of(part, whole) == fr
    with translation.override("en"):
        assert percent_of(part, whole) == en


def test_a_rate_comes_with_its_count_in_the_readers_language():
    with translation.override("fr"):
        assert rate_with_count(8, 9) == "89\u00a0% (8 sur 9)"
        assert rate_with_count(1234, 2000) == "61,7\u00a0% (1\u00a0234 sur 2\u00a0000)"
    with translation.override("en"):
        assert rate_with_count(8, 9) == "89% (8 of 9)"
        assert rate_with_count(None, 0) == "—"
