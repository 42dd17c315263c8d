"""The published lottery of a panel draw and the public draw from it. Pure Python, no Django.

A lottery is a list of *groups* of volunteer numbers (people the quotas cannot tell apart and who share
no household with anyone else in the pool; a person with a housemate in the pool is a group alone) and a
list of *compositions*, each giving how many seats each group gets, with its probability. Drawing from
it, with a random key, is a procedure anyone can redo (scripts/verify_draw.py does, with the standard
library only):

1. key = the revealed seed, or `seed + "|" + public value` when a public value (e.g. a national lottery
   result) was named before the draw.
2. u = the first 8 bytes of SHA-256("pacte-sortition/draw/" + key), read as a big-endian integer,
   divided by 2**64 (a number in [0, 1)).
3. Walk the compositions in the published order adding up their probabilities; the first whose running
   total exceeds u x (the sum of all probabilities) is drawn.
4. In each group given s seats, rank the members by the first 8 bytes of
   SHA-256("pacte-sortition/seat/" + key + "/" + number) (then by number); the first s sit.

The panel is the sorted list of numbers seated. Every panel of a composition is equally likely, so each
member of a group has the same probability, the one the lottery lists for them: the sum over
compositions of probability x seats of their group / size of their group.

The lottery document also carries the commitment to the seed (its SHA-256, published before the
lottery is computed) and, when one was named, which public value will be combined with it. Its SHA-256
(`document_sha256`, over the canonical JSON bytes of `canonical_bytes`) is published with it before the
draw; after the draw the seed is revealed, and anyone checks SHA-256(seed) against the commitment and
redraws the panel.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

FORMAT = "pacte-lottery/1"
# The probabilities in a lottery must add up to 1 within this tolerance.
TOLERANCE = 1e-6

PROCEDURE = (
    "key = seed, or seed + '|' + public value when one was named; "
    "u = int.from_bytes(sha256('pacte-sortition/draw/' + key)[:8], 'big') / 2**64; "
    "the first composition, in this order, whose running total of probabilities exceeds u x their sum is "
    "drawn; in each group given s seats, members ranked by "
    "int.from_bytes(sha256('pacte-sortition/seat/' + key + '/' + number)[:8], 'big') then number; "
    "the first s sit."
)


class LotteryError(ValueError):
    """The lottery, the seed or the published file is malformed or does not match."""


@dataclass(frozen=True)
class Lottery:
    """`groups`: sorted volunteer numbers per group; `compositions`: ((group index, seats) pairs with
    seats > 0, sorted by group index; probability), in the published order."""

    panel_size: int
    groups: tuple[tuple[str, ...], ...]
    compositions: tuple[tuple[tuple[tuple[int, int], ...], float], ...]

    def probabilities(self) -> dict[str, float]:
        """Each volunteer's selection probability."""
        per_group: list[list[float]] = [[] for _ in self.groups]
        for seats, probability in self.compositions:
            for group, count in seats:
                per_group[group].append(probability * count)
        result = {}
        for members, shares in zip(self.groups, per_group, strict=True):
            value = math.fsum(shares) / len(members)
            for number in members:
                result[number] = value
        return dict(sorted(result.items()))

    def panels_count(self) -> int:
        return len(self.compositions)


def from_portfolio(
    panel_size: int, portfolio: Sequence[tuple[Sequence[str], float]], pool: Sequence[str]
) -> Lottery:
    """A lottery over explicit panels (each volunteer a group alone), e.g. the sortition library's."""
    groups = tuple((number,) for number in sorted(pool))
    index = {group[0]: i for i, group in enumerate(groups)}
    compositions = []
    for panel, probability in sorted((tuple(sorted(p)), float(q)) for p, q in portfolio):
        compositions.append((tuple(sorted((index[number], 1) for number in panel)), probability))
    return Lottery(panel_size, groups, tuple(compositions))


def commitment(seed: str) -> str:
    """What is published before the draw: SHA-256 of the seed's UTF-8 bytes, in hexadecimal."""
    return hashlib.sha256(seed.encode()).hexdigest()


def draw_key(seed: str, public_value: str = "") -> str:
    seed = str(seed)
    if not seed.strip():
        raise LotteryError("The seed must not be empty.")
    public_value = public_value.strip()
    return f"{seed}|{public_value}" if public_value else seed


#: What a public value may hold: a number or a few (dice, a lottery's drawn numbers), or a short code.
PUBLIC_VALUE_MAX_CHARS = 100
_PUBLIC_VALUE_CHARS = re.compile(r"[0-9A-Za-z \-+,./:;#]+")


def normalise_public_value(text: str) -> str:
    """The public value as it enters the key: spaces around it dropped and runs of spaces made one, so
    that "5  12 23" and "5 12 23" pick the same panel. "" when it is not a public value
    (`_PUBLIC_VALUE_CHARS`, at most `PUBLIC_VALUE_MAX_CHARS`)."""
    value = " ".join(str(text).split())
    if not value or len(value) > PUBLIC_VALUE_MAX_CHARS or not _PUBLIC_VALUE_CHARS.fullmatch(value):
        return ""
    return value


def _hash_fraction(text: str) -> int:
    return int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "big")


def check(lottery: Lottery) -> None:
    """Refuse a lottery that is not one: probabilities must be >= 0 and add up to 1, seats must fit."""
    if not lottery.compositions:
        raise LotteryError("The lottery is empty: there is no panel to draw.")
    for seats, probability in lottery.compositions:
        if probability < 0 or math.isnan(probability):
            raise LotteryError("A composition of the lottery has a negative or undefined probability.")
        if sum(count for _, count in seats) != lottery.panel_size:
            raise LotteryError("A composition of the lottery does not seat the panel size.")
        for group, count in seats:
            if not 0 <= group < len(lottery.groups) or not 0 < count <= len(lottery.groups[group]):
                raise LotteryError("A composition of the lottery gives a group more seats than members.")
    total = math.fsum(p for _, p in lottery.compositions)
    if abs(total - 1.0) > TOLERANCE:
        raise LotteryError(f"The lottery's probabilities add up to {total}, not 1.")


def draw(lottery: Lottery, seed: str, public_value: str = "") -> tuple[str, ...]:
    """The panel drawn from the lottery with this seed (and public value): the procedure above."""
    check(lottery)
    key = draw_key(seed, public_value)
    total = math.fsum(p for _, p in lottery.compositions)
    threshold = _hash_fraction(f"pacte-sortition/draw/{key}") / 2**64 * total
    running = 0.0
    chosen = lottery.compositions[-1][0]  # only reached through rounding in the last ulp
    for seats, probability in lottery.compositions:
        running += probability
        if running > threshold:
            chosen = seats
            break
    panel: list[str] = []
    for group, count in chosen:
        members = lottery.groups[group]
        ranked = sorted(members, key=lambda n: (_hash_fraction(f"pacte-sortition/seat/{key}/{n}"), n))
        panel.extend(ranked[:count])
    return tuple(sorted(panel))


# --------------------------------------------------------------------------------------------------
# The published document
# --------------------------------------------------------------------------------------------------


def document(
    lottery: Lottery,
    *,
    seed_commitment: str,
    public_value_source: str = "",
    algorithm: str = "leximin",
    quotas: Sequence[Mapping[str, Any]] = (),
    title: str = "",
) -> dict[str, Any]:
    """The lottery as published before the draw (JSON-ready)."""
    return {
        "format": FORMAT,
        "title": title,
        "algorithm": algorithm,
        "panel_size": lottery.panel_size,
        "seed_commitment": seed_commitment,
        "public_value_source": public_value_source,
        "procedure": PROCEDURE,
        "quotas": list(quotas),
        "groups": [list(group) for group in lottery.groups],
        "compositions": [
            {"probability": probability, "seats": [[group, count] for group, count in seats]}
            for seats, probability in lottery.compositions
        ],
        "probabilities": lottery.probabilities(),
    }


def canonical_bytes(doc: Mapping[str, Any]) -> bytes:
    """The exact bytes published: JSON with sorted keys, no spaces, ASCII, and a final newline."""
    return (json.dumps(doc, sort_keys=True, separators=(",", ":"), ensure_ascii=True) + "\n").encode()


def document_sha256(doc: Mapping[str, Any]) -> str:
    return hashlib.sha256(canonical_bytes(doc)).hexdigest()


def from_document(doc: Mapping[str, Any]) -> Lottery:
    """The lottery a published document describes; refuses one whose listed probabilities disagree."""
    try:
        if doc.get("format") != FORMAT:
            raise LotteryError(f"Unknown lottery format {doc.get('format')!r}.")
        groups = tuple(tuple(str(n) for n in group) for group in doc["groups"])
        compositions = tuple(
            (tuple((int(g), int(c)) for g, c in entry["seats"]), float(entry["probability"]))
            for entry in doc["compositions"]
        )
        lottery = Lottery(int(doc["panel_size"]), groups, compositions)
        listed = {str(k): float(v) for k, v in doc["probabilities"].items()}
    except (KeyError, TypeError, ValueError) as error:
        if isinstance(error, LotteryError):
            raise
        raise LotteryError(f"The lottery file is malformed: {error}") from error
    check(lottery)
    computed = lottery.probabilities()
    if set(listed) != set(computed) or any(abs(listed[n] - computed[n]) > 1e-9 for n in computed):
        raise LotteryError("The listed selection probabilities do not follow from the compositions.")
    return lottery
