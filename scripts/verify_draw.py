#!/usr/bin/env python3
"""Check a Pacte panel draw from its published files, with the Python standard library only.

    python scripts/verify_draw.py pacte-lottery-3-7.json --seed SEED [--sha256 HASH]
        [--public-value VALUE] [--panel 12,57,103,...]

What it checks, in order (exit status 0 when everything holds, 1 at the first check that fails):
1. the file's SHA-256 is the one published with it (--sha256, as printed on the selection report);
2. SHA-256(seed) is the commitment the file carries (published when the draw started);
3. the file is a lottery: probabilities >= 0 adding up to 1, each composition seats the panel size
   and gives no group more seats than members, and each volunteer's listed probability is what the
   compositions give (sum of probability x seats of their group / size of their group);
4. the draw: key = seed (or seed + "|" + public value, when the file names a public value);
   u = first 8 bytes of SHA-256("pacte-sortition/draw/" + key) as a big-endian integer / 2**64; the
   first composition, in the file's order, whose running total of probabilities exceeds u x their sum;
   in each group given s seats, members ranked by the first 8 bytes of
   SHA-256("pacte-sortition/seat/" + key + "/" + number) (then by number), the first s sit.
It prints the panel (sorted volunteer numbers) and, with --panel, compares it with the published one.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import sys

FORMAT = "pacte-lottery/1"


def fail(message: str) -> None:
    print(f"FAILED: {message}")
    sys.exit(1)


def fraction(text: str) -> int:
    return int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "big")


def draw(doc: dict, seed: str, public_value: str = "") -> list[str]:
    key = f"{seed}|{public_value.strip()}" if public_value.strip() else seed
    compositions = doc["compositions"]
    total = math.fsum(float(c["probability"]) for c in compositions)
    threshold = fraction(f"pacte-sortition/draw/{key}") / 2**64 * total
    running, chosen = 0.0, compositions[-1]
    for composition in compositions:
        running += float(composition["probability"])
        if running > threshold:
            chosen = composition
            break
    panel = []
    for group, seats in chosen["seats"]:
        members = [str(m) for m in doc["groups"][group]]
        members.sort(key=lambda n: (fraction(f"pacte-sortition/seat/{key}/{n}"), n))
        panel.extend(members[:seats])
    return sorted(panel)


def check_lottery(doc: dict) -> None:
    if doc.get("format") != FORMAT:
        fail(f"unknown format {doc.get('format')!r} (expected {FORMAT})")
    groups, size = doc["groups"], int(doc["panel_size"])
    shares: list[list[float]] = [[] for _ in groups]
    for composition in doc["compositions"]:
        probability = float(composition["probability"])
        if probability < 0 or math.isnan(probability):
            fail("a composition has a negative or undefined probability")
        if sum(seats for _group, seats in composition["seats"]) != size:
            fail("a composition does not seat the panel size")
        for group, seats in composition["seats"]:
            if not 0 <= group < len(groups) or not 0 < seats <= len(groups[group]):
                fail("a composition gives a group more seats than members")
            shares[group].append(probability * seats)
    total = math.fsum(float(c["probability"]) for c in doc["compositions"])
    if abs(total - 1.0) > 1e-6:
        fail(f"the probabilities add up to {total}, not 1")
    listed = {str(k): float(v) for k, v in doc["probabilities"].items()}
    computed = {}
    for members, parts in zip(groups, shares, strict=True):
        for number in members:
            computed[str(number)] = math.fsum(parts) / len(members)
    if set(listed) != set(computed) or any(abs(listed[n] - computed[n]) > 1e-9 for n in computed):
        fail("the listed selection probabilities do not follow from the compositions")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument("lottery", help="the lottery file downloaded from the selection report")
    parser.add_argument("--seed", required=True, help="the seed revealed after the draw")
    parser.add_argument("--sha256", default="", help="the file's SHA-256 published with it")
    parser.add_argument("--public-value", default="", help="the public value, if the file names one")
    parser.add_argument("--panel", default="", help="the published panel: volunteer numbers, comma-separated")
    args = parser.parse_args(argv)

    with open(args.lottery, "rb") as handle:
        data = handle.read()
    digest = hashlib.sha256(data).hexdigest()
    print(f"SHA-256 of the file: {digest}")
    if args.sha256 and digest != args.sha256.strip().lower():
        fail(f"the file's SHA-256 is not the published one ({args.sha256})")
    doc = json.loads(data)
    commitment = hashlib.sha256(args.seed.encode()).hexdigest()
    if commitment != doc.get("seed_commitment"):
        fail(f"SHA-256 of the seed is {commitment}, not the commitment {doc.get('seed_commitment')}")
    print("The seed matches the commitment.")
    if doc.get("public_value_source") and not args.public_value:
        source = doc["public_value_source"]
        fail(f"this draw combines the seed with a public value: {source} (give it with --public-value)")
    check_lottery(doc)
    print("The file is a lottery and its probabilities follow from its compositions.")
    panel = draw(doc, args.seed, args.public_value)
    print("Panel: " + ", ".join(panel))
    if args.panel:
        published = sorted(n.strip() for n in args.panel.split(",") if n.strip())
        if published != panel:
            fail("this is not the published panel")
        print("This is the published panel.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
