"""The one small-cell rule: no published count lets a group of fewer than MIN_CELL people be worked out."""

import itertools

import pytest

from textsafety.disclosure import MIN_CELL, hidden_cells


def recoverable(counts: dict, hidden: set, never_shown=()) -> bool:
    """Can a reader who sees the shown cells and the total work out a small non-empty hidden cell?"""
    unknown = [c for c in counts if c in hidden or c in never_shown]
    positive = [c for c in unknown if counts[c] > 0]
    return len(positive) == 1 and 0 < counts[positive[0]] < MIN_CELL


@pytest.mark.parametrize(
    "counts, hidden",
    [
        ({"a": 4, "b": 30, "c": 40, "d": 26}, {"a", "d"}),  # "d", the next smallest, hides "a"
        ({"a": 4, "b": 3, "c": 40}, {"a", "b"}),  # two small cells protect each other
        ({"a": 0, "b": 2, "c": 30, "d": 12}, {"a", "b", "d"}),  # an empty cell protects no one
        ({"a": 0, "b": 30, "c": 40}, {"a"}),  # hiding a zero hides no one: nothing else to hide
        ({"a": 12, "b": 40}, set()),
    ],
)
def test_hidden_cells(counts, hidden):
    assert hidden_cells(counts) == hidden


def test_cells_the_page_never_shows_protect_a_small_group():
    counts = {"a": 2, "b": 30, "not given": 3}
    assert hidden_cells(counts, never_shown=["not given"]) == {"a"}
    counts = {"a": 2, "b": 30, "not given": 0}
    assert hidden_cells(counts, never_shown=["not given"]) == {"a", "b"}


def test_nothing_is_hidden_when_no_group_is_small():
    """People who skipped the profile question do not cost a shown group its row."""
    assert hidden_cells({"a": 50, "b": 30, "not given": 20}, never_shown=["not given"]) == set()
    assert hidden_cells({"a": 50, "b": 30}) == set()


def test_a_small_never_shown_cell_alone_is_protected_too():
    """Three people who gave no age would otherwise be the total minus the groups shown."""
    assert hidden_cells({"a": 50, "b": 30, "not given": 3}, never_shown=["not given"]) == {"b"}


def test_no_table_of_up_to_four_cells_gives_a_small_group_away():
    values = (0, 1, 3, 9, 10, 11, 25)
    for n in (2, 3, 4):
        for combo in itertools.product(values, repeat=n):
            counts = {f"c{i}": v for i, v in enumerate(combo)}
            if sum(combo) < MIN_CELL:
                continue  # the total itself is a small cell: no breakdown of it is published
            assert not recoverable(counts, hidden_cells(counts)), counts
            with_missing = {**counts, "not given": combo[0]}  # total >= MIN_CELL as well
            hidden = hidden_cells(with_missing, never_shown=["not given"])
            assert not recoverable(with_missing, hidden, never_shown=["not given"]), with_missing
