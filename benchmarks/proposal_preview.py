"""Benchmark: cost of one similar-proposal preview, comparing with every published proposal (before issue
16) vs with the bounded candidates the database finds (`consultation.selectors.preview_candidates`).

    DATABASE_URL=postgres://... python benchmarks/proposal_preview.py --texts FILE.tsv [--proposals 20000]
        FILE.tsv: a `text` column (e.g. ../shared/data/french/sib200-fra/train.tsv); its texts are repeated,
        each copy numbered, up to --proposals published proposals of a throw-away consultation, deleted at
        the end. Drafts: --drafts texts of the file. Prints one JSON line; never asserts.
"""

import argparse
import csv
import json
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--texts", required=True, type=Path)
    parser.add_argument("--proposals", type=int, default=20000)
    parser.add_argument("--drafts", type=int, default=10)
    parser.add_argument("--skip-full", action="store_true", help="do not time the comparison with all")
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.db import connection

    from consultation import selectors
    from consultation.models import Consultation, Proposal
    from consultation.similarity import most_similar

    with open(args.texts, encoding="utf-8", newline="") as handle:
        texts = [
            row["text"]
            for row in csv.DictReader(handle, delimiter="\t" if args.texts.suffix == ".tsv" else ",")
        ]
    consultation = Consultation.objects.create(slug="bench-preview", title_fr="Banc d'essai", phase="open")
    try:
        Proposal.objects.bulk_create(
            (
                Proposal(consultation=consultation, text=f"{texts[i % len(texts)]} ({i // len(texts)})")
                for i in range(args.proposals)
            ),
            batch_size=5000,
        )
        if (
            connection.vendor == "postgresql"
        ):  # the statistics autovacuum keeps, so the planner uses the index
            with connection.cursor() as cursor:
                cursor.execute(f"ANALYZE {Proposal._meta.db_table}")
        drafts = texts[: args.drafts]
        before, after, query, kept = [], [], [], []

        def base(text: str) -> str:  # the text without its copy number
            return text.rsplit(" (", 1)[0]

        for draft in drafts:
            if not args.skip_full:
                start = time.perf_counter()
                candidates = list(selectors.published_proposals(consultation).order_by("id"))
                full = {base(candidates[i].text) for i in most_similar(draft, [p.text for p in candidates])}
                before.append(time.perf_counter() - start)
            start = time.perf_counter()
            bounded = selectors.preview_candidates(consultation, draft, settings.PACTE_PREVIEW_CANDIDATES)
            query.append(time.perf_counter() - start)
            found = {base(bounded[i].text) for i in most_similar(draft, [p.text for p in bounded])}
            after.append(time.perf_counter() - start)
            if not args.skip_full:
                kept.append(len(full & found) / len(full) if full else 1.0)
        print(json.dumps({
            "database": connection.vendor, "proposals": args.proposals, "drafts": len(drafts),
            "candidates": settings.PACTE_PREVIEW_CANDIDATES,
            "every_proposal_median_s": round(statistics.median(before), 3) if before else None,
            "bounded_median_s": round(statistics.median(after), 3),
            "bounded_query_median_s": round(statistics.median(query), 3),
            # Share of the texts in the top 5 against every proposal also in the bounded top 5.
            "same_top5_texts": round(statistics.mean(kept), 3) if kept else None,
        }))  # fmt: skip
    finally:
        consultation.delete()


if __name__ == "__main__":
    main()
