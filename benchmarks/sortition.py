"""Benchmark: fairness and speed of panel selection, leximin (deliberation.sortition) vs legacy greedy.

Measures, on the same pool and quotas:
- `seconds` and `min_probability`: `find_distribution` (leximin over profile groups on HiGHS by
  default, `--algorithm maximin` for sortition-algorithms' maximin); the minimum probability is exact
  (computed from the lottery). `reference` gives the published figures to compare with: on the instance
  `example_large_200` of Flanigan et al.'s replication repository (2,000 people, panel of 200, two quota
  categories), their LEXIMIN took a median 1,161.8 s with Gurobi and found a minimum probability of
  10.0 %; on this machine, sortition-algorithms' maximin did not finish in 1,500 s, and took 26 min on
  the generated pool of 2,000 with a panel of 30.
- `legacy_seconds` (mean time of one legacy draw) and `legacy_min_probability`: sortition-algorithms'
  legacy greedy algorithm. It exposes no probabilities, so they are estimated by repeated seeded draws
  (bounded by --legacy-draws and --legacy-budget seconds). Legacy treats volunteers with the same strata
  profile and no housemate identically, so draws are pooled per profile; the reported minimum is the
  smallest profile estimate (see `legacy_method`), with a 97.5 % upper confidence bound for that
  profile; `legacy_min_probability_per_person` is the raw per-volunteer minimum over the same draws.
  `legacy_seconds` is the mean time of one legacy draw; `seconds` is the time to find the whole
  maximin lottery (one draw from it is then instant).

Runs:
    python benchmarks/sortition.py --pool 2000 --panel 30
        generated pool skewed like real volunteer pools (older, more educated, Paris region, more
        women) with quotas from deliberation/data/reference_shares_fr.csv via propose_quotas;
    python benchmarks/sortition.py --categories C.csv --people P.csv --panel K
        C.csv: `category,feature,min,max` (also accepts sortition-algorithms' `feature,value,min,max`);
        P.csv: one row per person, one column per category, optional `household` or `address` column,
        optional `id` column. As in the volunteer import, `id` is the column named so (never another);
        its values must be unique ("line N: id X appears twice" stops the run); without it the rows are
        numbered 1, 2, ... in file order (e.g. the replication repository's `respondents.csv`). Separator
        `,` or `;` (whichever the header uses more), UTF-8 with or without BOM.
Prints one JSON line; never asserts.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import logging
import os
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np
from scipy.stats import beta
from sortition_algorithms.committee_generation.legacy import find_random_sample_legacy
from sortition_algorithms.errors import SelectionError
from sortition_algorithms.utils import set_random_provider

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from deliberation.sortition import (  # noqa: E402
    Quota,
    Volunteer,
    check_feasibility,
    draw_panel,
    find_distribution,
    library_inputs,
    load_reference_shares,
    propose_quotas,
)

# How a real volunteer pool differs from the population: multiply the reference share by this weight.
SKEW = {
    "age": {"18-24": 0.5, "25-34": 0.7, "35-49": 0.9, "50-64": 1.3, "65+": 1.4},
    "education": {"no_diploma": 0.35, "secondary": 0.6, "bac": 1.0, "higher": 1.9},
    "gender": {"woman": 1.1, "man": 0.9},
    "region": {"Île-de-France": 1.6, "Corse": 0.6, "Outre-mer": 0.5},
}


# Published figures printed next to ours (see the module docstring).
REFERENCE = {
    "example_large_200_leximin_gurobi_median_seconds": 1161.8,
    "example_large_200_leximin_min_probability": 0.10,
    "example_large_200_maximin_highs_seconds_before": "> 1500 (did not finish)",
    "generated_2000_panel_30_maximin_highs_seconds_before": 26 * 60,
    "source": "github.com/pgoelz/citizensassemblies-replication reference_output; Pacte issue 19",
}


def generated_pool(size: int, seed: int, shares: dict[str, dict[str, float]]) -> list[Volunteer]:
    """Independent strata drawn from skewed shares; about 10 % of volunteers share a home in pairs."""
    rng = np.random.default_rng(seed)
    columns = {}
    for category, values in shares.items():
        names = sorted(values)
        weights = np.array([values[n] * SKEW.get(category, {}).get(n, 1.0) for n in names])
        columns[category] = rng.choice(names, size=size, p=weights / weights.sum())
    households = [f"home-{i}" for i in range(size)]
    for i in range(0, size // 10, 2):  # pairs of housemates
        households[i + 1] = households[i]
    return [
        Volunteer(f"v{i:05d}", {c: str(columns[c][i]) for c in columns}, households[i]) for i in range(size)
    ]


def read_csv_inputs(categories: Path, people: Path) -> tuple[list[Volunteer], list[Quota]]:
    with categories.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    quotas = []
    for row in rows:
        row = {k.strip().lower(): (v or "").strip() for k, v in row.items()}
        if "value" in row:
            category, value = row.get("feature") or row["category"], row["value"]
        else:
            category, value = row["category"], row.get("feature") or row["name"]
        quotas.append(Quota(category, value, int(row["min"]), int(row["max"])))
    return read_people(people, {q.category for q in quotas}), quotas


class InputError(SystemExit):
    """A file the benchmark cannot read: the message is printed and the run stops (exit status 2)."""

    def __init__(self, message: str) -> None:
        super().__init__(f"benchmarks/sortition.py: {message}")


def read_people(path: Path, categories: set[str]) -> list[Volunteer]:
    """The people of a respondents file, by the volunteer import's rule for ids (see the docstring)."""
    text = path.read_text(encoding="utf-8-sig")
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    header = [(name or "").strip() for name in (reader.fieldnames or [])]
    reader.fieldnames = header
    missing = sorted(categories - set(header))
    if missing:
        raise InputError(f"{path.name}: no column for the quota categories {', '.join(missing)}.")
    has_id = "id" in header
    volunteers, seen = [], set()
    for number, row in enumerate(reader, start=1):
        cells = {key: (value or "").strip() for key, value in row.items() if key is not None}
        if not any(cells.values()):
            continue  # blank line
        ext_id = cells["id"] if has_id else str(number)
        if not ext_id:
            raise InputError(f"{path.name}, line {reader.line_num}: the id is empty.")
        if ext_id in seen:
            raise InputError(f"{path.name}, line {reader.line_num}: id {ext_id} appears twice.")
        seen.add(ext_id)
        home = cells.get("household") or cells.get("address") or None
        volunteers.append(Volunteer(ext_id, {c: cells[c] for c in categories}, home))
    return volunteers


def legacy_estimate(
    volunteers: list[Volunteer], quotas: list[Quota], panel: int, draws: int, budget: float
) -> dict[str, object]:
    features, people, address_columns = library_inputs(volunteers, quotas)
    set_random_provider(12345)  # reproducible legacy runs
    counts: Counter[str] = Counter()
    done = failures = 0
    started = time.perf_counter()
    while done < draws and time.perf_counter() - started < budget:
        try:
            committees, _ = find_random_sample_legacy(
                people, features, panel, address_columns, max_attempts=100
            )
        except SelectionError:
            failures += 1
            continue
        counts.update(committees[0])
        done += 1
    elapsed = time.perf_counter() - started
    set_random_provider(None)
    members: dict[tuple[tuple[str, str], ...], list[str]] = defaultdict(list)
    for v in volunteers:
        members[tuple(sorted(v.strata.items()))].append(v.id)
    trials = max(done, 1)
    per_profile = {p: (sum(counts[i] for i in ids), len(ids) * trials) for p, ids in members.items()}
    worst_hits, worst_trials = min(per_profile.values(), key=lambda kn: kn[0] / kn[1])
    return {
        "legacy_seconds": round(elapsed / trials, 4),
        "legacy_seconds_total": round(elapsed, 3),
        "legacy_min_probability": worst_hits / worst_trials,
        # Clopper-Pearson 97.5 % upper bound for that worst profile: legacy's true minimum is at most
        # about this, so a maximin minimum above it is a real gain, not sampling noise.
        "legacy_min_probability_upper95": float(beta.ppf(0.975, worst_hits + 1, worst_trials - worst_hits)),
        "legacy_min_probability_per_person": min(counts[v.id] for v in volunteers) / trials,
        "legacy_draws": done,
        "legacy_failed_draws": failures,
        "legacy_method": (
            f"empirical over {done} seeded legacy draws, pooled per strata profile "
            f"({len(members)} profiles; legacy treats volunteers with the same profile alike, "
            "housemates aside)"
        ),
    }


@contextmanager
def stdout_to_stderr() -> Iterator[None]:
    """HiGHS and the library's logger write to stdout; keep stdout for the one JSON line."""
    sys.stdout.flush()
    saved = os.dup(1)
    os.dup2(2, 1)
    try:
        yield
    finally:
        sys.stdout.flush()
        os.dup2(saved, 1)
        os.close(saved)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pool", type=int, default=2000)
    parser.add_argument("--panel", type=int, default=30)
    parser.add_argument("--categories", type=Path)
    parser.add_argument("--people", type=Path)
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--tolerance", type=float, default=0.1)
    parser.add_argument("--legacy-draws", type=int, default=2000)
    parser.add_argument(
        "--legacy-budget", type=float, default=120.0, help="seconds for all legacy draws (0: skip legacy)"
    )
    parser.add_argument("--algorithm", choices=("leximin", "maximin"), default="leximin")
    args = parser.parse_args()
    logging.getLogger("sortition_algorithms").setLevel(logging.ERROR)  # no per-draw "Trial number" lines

    if args.categories and args.people:
        volunteers, quotas = read_csv_inputs(args.categories, args.people)
        source = f"csv:{args.categories.name},{args.people.name}"
    else:
        shares = load_reference_shares()
        volunteers = generated_pool(args.pool, args.seed, shares)
        quotas = propose_quotas(shares, args.panel, args.tolerance)
        source = f"generated skewed pool, quotas from INSEE shares (tolerance {args.tolerance})"

    with stdout_to_stderr():
        started = time.perf_counter()
        check_feasibility(volunteers, quotas, args.panel)
        feasibility_seconds = time.perf_counter() - started
        started = time.perf_counter()
        distribution = find_distribution(volunteers, quotas, args.panel, algorithm=args.algorithm)
        seconds = time.perf_counter() - started
        started = time.perf_counter()
        drawn = draw_panel(volunteers, quotas, distribution, "benchmark-seed")
        draw_seconds = time.perf_counter() - started
        legacy = (
            legacy_estimate(volunteers, quotas, args.panel, args.legacy_draws, args.legacy_budget)
            if args.legacy_budget > 0
            else {"legacy_min_probability": None}
        )
    result = {
        "benchmark": "sortition",
        "source": source,
        "pool": len(volunteers),
        "panel": args.panel,
        "quotas": len(quotas),
        "algorithm": distribution.algorithm,
        "seconds": round(seconds, 3),
        "feasibility_seconds": round(feasibility_seconds, 3),
        "draw_and_reserves_seconds": round(draw_seconds, 3),
        "whole_draw_seconds": round(feasibility_seconds + seconds + draw_seconds, 3),
        "drawn_meets_quotas": all(outcome.met for outcome in drawn.composition),
        "min_probability": distribution.min_probability,
        "median_probability": distribution.median_probability,
        "uniform_probability": args.panel / len(volunteers),
        "lottery_compositions": len(distribution.lottery.compositions),
        **(distribution.solver or {}),
        **legacy,
        "min_probability_ratio_vs_legacy": (
            distribution.min_probability / legacy["legacy_min_probability"]
            if legacy["legacy_min_probability"]
            else None
        ),
        "reference": REFERENCE,
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
