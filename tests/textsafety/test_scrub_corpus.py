"""The scrubber on variety: several hundred generated cases (tests/data/scrub/generated.jsonl, made by
generate.py with seed 16), hand-written probes (hand.jsonl: the review's reproductions and harder
variants), and a corpus generated afresh with another seed, whose values and formats the rules were never
looked at with. Every must-catch family is caught in full (recall 1.0) and no must-keep text (years,
percentages, amounts, law articles, dates, other numbers) is touched (0 false positives)."""

import importlib.util
import json
from pathlib import Path

import pytest

from textsafety.scrub import scrub

DATA = Path(__file__).resolve().parent.parent / "data" / "scrub"
_spec = importlib.util.spec_from_file_location("scrub_corpus_generator", DATA / "generate.py")
generator = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(generator)


def _read(name):
    return [json.loads(line) for line in (DATA / name).read_text(encoding="utf-8").splitlines() if line]


CORPORA = {
    "hand": _read("hand.jsonl"),
    "generated": _read("generated.jsonl"),
    "fresh": generator.generate(seed=2026, per_family=100),
}


def test_the_committed_corpus_is_the_generators_output():
    assert CORPORA["generated"] == generator.generate()


def test_the_corpus_has_several_hundred_cases_in_every_family():
    cases = CORPORA["hand"] + CORPORA["generated"]
    assert len(cases) >= 800
    families = {(c["expect"], c["family"]) for c in cases}
    assert {f for e, f in families if e == "catch"} >= {
        "phone",
        "nir",
        "iban",
        "email",
        "address",
        "postal_town",
    }
    assert {f for e, f in families if e == "keep"} >= {"year", "percent", "amount", "law", "date"}


@pytest.mark.parametrize("corpus", list(CORPORA))
def test_every_must_catch_case_is_caught(corpus):
    missed = []
    for case in CORPORA[corpus]:
        if case["expect"] == "catch":
            out, kinds = scrub(case["text"])
            if generator.leaks(case["secret"], out) or not kinds:
                missed.append((case["family"], case["text"], out))
    assert missed == []


@pytest.mark.parametrize("corpus", list(CORPORA))
def test_no_must_keep_case_is_touched(corpus):
    touched = [
        (case["family"], case["text"], scrub(case["text"])[0])
        for case in CORPORA[corpus]
        if case["expect"] == "keep" and scrub(case["text"])[0] != case["text"]
    ]
    assert touched == []


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("06/12/34/56/78", "phone"),
        ("1-85-05-78-006-084-36", "nir"),
        ("jean.dupont @ gmail.com", "email"),
        ("x(at)y.com", "email"),
        ("FR76-3000-6000-0112-3456-7890-189", "iban"),
        ("12, r. de la Paix", "address"),
    ],
)
def test_the_reviews_reproductions_are_caught(text, kind):
    out, kinds = scrub(f"Voici : {text}.")
    assert out == f"Voici : [{kind}]."
    assert kinds == (kind,)


def test_leaks_sees_a_partial_leak():
    """The corpus check itself can fail: half a phone number or a surname left is a leak."""
    assert generator.leaks("06 12 34 56 78", "appelez le [phone] 56 78") == []  # six digits make a leak
    assert generator.leaks("06 12 34 56 78", "appelez le 06 12 34 [phone]")
    assert generator.leaks("jean.dupont@gmail.com", "[email] (dupont)") == ["dupont"]
