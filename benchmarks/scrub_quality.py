"""Precision and recall of the personal-data scrubber (textsafety.scrub) on a labelled corpus.

    python benchmarks/scrub_quality.py [corpus.jsonl ...] [--seed N] [--show-misses]

Without paths: the corpus committed under tests/data/scrub/ (hand-written cases and the generated ones),
plus a freshly generated corpus with ``--seed`` (default 2026), whose variants the rules were never tuned
on. Per family: cases, caught (must-catch) or kept unchanged (must-keep), recall or false-positive rate;
then overall precision and recall over the cases.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from textsafety.scrub import scrub  # noqa: E402

DATA = ROOT / "tests" / "data" / "scrub"


def load_generator():
    spec = importlib.util.spec_from_file_location("scrub_corpus_generator", DATA / "generate.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def read(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def evaluate(cases: list[dict], leaks) -> dict:
    """Per family: n, ok (caught or kept), misses; and totals for precision/recall."""
    families: dict[tuple[str, str], dict] = defaultdict(lambda: {"n": 0, "ok": 0, "misses": []})
    tp = fn = fp = tn = 0
    for case in cases:
        out, _kinds = scrub(case["text"])
        entry = families[(case["expect"], case["family"])]
        entry["n"] += 1
        if case["expect"] == "catch":
            left = leaks(case["secret"], out)
            if left:
                fn += 1
                entry["misses"].append((case["text"], out))
            else:
                tp += 1
                entry["ok"] += 1
        elif out != case["text"]:
            fp += 1
            entry["misses"].append((case["text"], out))
        else:
            tn += 1
            entry["ok"] += 1
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    return {"families": dict(families), "tp": tp, "fn": fn, "fp": fp, "tn": tn, "precision": precision,
            "recall": recall}  # fmt: skip


def report(title: str, result: dict, show_misses: bool) -> None:
    print(f"\n{title}")
    print(f"{'expect':<6} {'family':<13} {'cases':>5} {'ok':>5}  {'recall / kept':>13}")
    for (expect, family), entry in sorted(result["families"].items()):
        print(f"{expect:<6} {family:<13} {entry['n']:>5} {entry['ok']:>5}  {entry['ok'] / entry['n']:>13.3f}")
        if show_misses:
            for text, out in entry["misses"][:10]:
                print(f"    MISS {text!r} -> {out!r}")
    print(f"precision {result['precision']:.4f}  recall {result['recall']:.4f}  "
          f"(tp {result['tp']}, fn {result['fn']}, fp {result['fp']}, tn {result['tn']})")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("paths", nargs="*", type=Path)
    parser.add_argument("--seed", type=int, default=2026, help="seed of the fresh generated corpus")
    parser.add_argument("--per-family", type=int, default=200)
    parser.add_argument("--show-misses", action="store_true")
    parser.add_argument(
        "--prose",
        nargs="*",
        type=Path,
        default=[],
        help="CSV/TSV files of real text (e.g. ../shared/data/french/ccc-propositions/ccc_proposals.csv): "
        "every cell of 20 characters or more is scrubbed and the ones changed are listed (false positives "
        "unless they hold personal data)",
    )
    args = parser.parse_args()
    generator = load_generator()
    paths = args.paths or [DATA / "hand.jsonl", DATA / "generated.jsonl"]
    for path in paths:
        cases = read(path)
        started = time.perf_counter()
        result = evaluate(cases, generator.leaks)
        elapsed = time.perf_counter() - started
        name = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
        per_case = 1000 * elapsed / max(1, len(cases))
        report(f"{name}: {len(cases)} cases, {per_case:.3f} ms per case", result, args.show_misses)
    if not args.paths:
        cases = generator.generate(seed=args.seed, per_family=args.per_family)
        report(f"fresh corpus, seed {args.seed}: {len(cases)} cases", evaluate(cases, generator.leaks),
               args.show_misses)  # fmt: skip
    if args.prose:
        prose(args.prose)


def prose(paths: list[Path]) -> None:
    import csv

    texts = []
    for path in paths:
        with path.open(encoding="utf-8", newline="") as handle:
            delimiter = "\t" if path.suffix == ".tsv" else ","
            texts += [
                cell for row in csv.reader(handle, delimiter=delimiter) for cell in row if len(cell) >= 20
            ]
    changed = [(text, scrub(text)[0]) for text in texts if scrub(text)[1]]
    share = 100 * len(changed) / max(1, len(texts))
    print(f"\nreal text: {len(texts)} texts, {len(changed)} changed ({share:.2f} %)")
    for text, out in changed:
        print(f"    {text[:160]!r}\n -> {out[:160]!r}")


if __name__ == "__main__":
    main()
