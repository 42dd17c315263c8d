"""Claims on the groups: representative, consensus and bridging statements, Pol.is's significance tests
(``repness.clj``) and Pacte's vote floor (``min_claim_votes``)."""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass

import numpy as np

from .model import (
    AGREE,
    DISAGREE,
    BridgingStatement,
    ConsensusStatement,
    Direction,
    OpinionParameters,
    StatementStat,
)
from .projection import VoteMatrix


@dataclass(frozen=True)
class _Counts:
    """Agrees, disagrees and seen per group (rows) and proposal (columns), clustered participants only."""

    agree: np.ndarray
    disagree: np.ndarray
    seen: np.ndarray


def _group_counts(matrix: VoteMatrix, group: np.ndarray, n_groups: int) -> _Counts:
    vote_group = group[matrix.rows]
    mask = vote_group >= 0
    cell = vote_group[mask] * len(matrix.proposals) + matrix.cols[mask]
    values = matrix.values[mask]
    size = n_groups * len(matrix.proposals)

    def count(selected: np.ndarray) -> np.ndarray:
        return np.bincount(cell[selected], minlength=size).reshape(n_groups, -1)

    return _Counts(
        count(values == AGREE), count(values == DISAGREE), count(np.ones(int(mask.sum()), dtype=bool))
    )


def prop_test(success: np.ndarray, n: np.ndarray) -> np.ndarray:
    """Pol.is one-proportion z against 1/2, with a +1 pseudo-count."""
    return 2 * np.sqrt(n + 1) * ((success + 1) / (n + 1) - 0.5)


def two_prop_test(
    succ_in: np.ndarray, succ_out: np.ndarray, n_in: np.ndarray, n_out: np.ndarray
) -> np.ndarray:
    """Pol.is two-proportion z (group vs the rest), every count +1; 0 when everyone succeeded."""
    succ_in, succ_out, n_in, n_out = succ_in + 1, succ_out + 1, n_in + 1, n_out + 1
    pooled = (succ_in + succ_out) / (n_in + n_out)
    spread = np.sqrt(pooled * (1 - pooled) * (1 / n_in + 1 / n_out))
    with np.errstate(divide="ignore", invalid="ignore"):
        z = (succ_in / n_in - succ_out / n_out) / spread
    return np.where(pooled >= 1, 0.0, z)


def claimable(n_trials, tests, *, floor: int, z: float):
    """The one rule behind every claim on the groups (docs/opinion-groups.md, "Rules before anything is
    claimed"): at least ``floor`` votes (``min_claim_votes``) from the people the claim speaks about, and
    every significance test in ``tests`` above ``z`` (``z_threshold``). Numbers or numpy arrays alike:
    the stage selects with it, and the report checks saved computations with it."""
    ok = np.asarray(n_trials) >= floor
    for test in tests:
        ok = ok & (np.asarray(test) > z)
    return ok


def _representative(
    proposals: list[Hashable], counts: _Counts, g: int, params: OpinionParameters
) -> list[StatementStat]:
    """Pol.is representative-statement selection for group g, claims only: a statement is kept when at
    least ``min_claim_votes`` members of the group voted on it and both Pol.is tests pass (the group is
    clearly for, or against, and more so than the other groups). No fallback: a group none of whose
    statements passes gets none (Pol.is would still show its "best" one)."""
    z = params.z_threshold
    na, nd, ns = counts.agree[g], counts.disagree[g], counts.seen[g]
    ra_out = counts.agree.sum(axis=0) - na
    rd_out = counts.disagree.sum(axis=0) - nd
    rs_out = counts.seen.sum(axis=0) - ns
    pa, pd = (na + 1) / (ns + 2), (nd + 1) / (ns + 2)
    stats = {
        "pa": pa,
        "pd": pd,
        "pat": prop_test(na, ns),
        "pdt": prop_test(nd, ns),
        "ra": pa / ((ra_out + 1) / (rs_out + 2)),
        "rd": pd / ((rd_out + 1) / (rs_out + 2)),
        "rat": two_prop_test(na, ra_out, ns, rs_out),
        "rdt": two_prop_test(nd, rd_out, ns, rs_out),
    }

    def stat(j: int, direction: Direction, best_agree: bool = False) -> StatementStat:
        a = direction == "agree"
        return StatementStat(
            proposal=proposals[j],
            direction=direction,
            n_success=int(na[j] if a else nd[j]),
            n_trials=int(ns[j]),
            p_success=float(stats["pa" if a else "pd"][j]),
            p_test=float(stats["pat" if a else "pdt"][j]),
            repness=float(stats["ra" if a else "rd"][j]),
            repness_test=float(stats["rat" if a else "rdt"][j]),
            best_agree=best_agree,
        )

    floor = params.min_claim_votes
    agree_ok = claimable(ns, (stats["rat"], stats["pat"]), floor=floor, z=z)
    disagree_ok = claimable(ns, (stats["rdt"], stats["pdt"]), floor=floor, z=z)

    def metric(s: StatementStat) -> float:
        return s.repness * s.repness_test * s.p_success * s.p_test

    sufficient = [
        stat(
            j,
            "agree"
            if agree_ok[j] and (not disagree_ok[j] or stats["rat"][j] > stats["rdt"][j])
            else "disagree",
        )
        for j in np.flatnonzero(agree_ok | disagree_ok)
    ]
    agrees = [s for s in sufficient if s.direction == "agree"]
    head = []
    if agrees:  # Pol.is's "best agree" first, among the statements that pass
        best = max(agrees, key=metric)
        head = [stat(proposals.index(best.proposal), "agree", best_agree=True)]
    ranked = sorted(
        (s for s in sufficient if not head or s.proposal != head[0].proposal), key=metric, reverse=True
    )
    chosen = (head + ranked)[: params.pick_max]
    return [s for s in chosen if s.direction == "agree"] + [s for s in chosen if s.direction == "disagree"]


def _consensus(
    matrix: VoteMatrix, params: OpinionParameters
) -> tuple[list[ConsensusStatement], list[ConsensusStatement]]:
    """Statements most of everyone (clustered or not) agrees, or disagrees, with, significantly, and
    voted on by at least ``min_claim_votes`` participants."""
    n = len(matrix.proposals)
    seen = np.bincount(matrix.cols, minlength=n)
    result = []
    for value, direction in ((AGREE, "agree"), (DISAGREE, "disagree")):
        success = np.bincount(matrix.cols[matrix.values == value], minlength=n)
        p = (success + 1) / (seen + 2)
        test = prop_test(success, seen)
        significant = claimable(seen, (test,), floor=params.min_claim_votes, z=params.z_threshold)
        eligible = np.flatnonzero((p > 0.5) & significant)
        order = sorted(eligible.tolist(), key=lambda j: -p[j] * test[j])[: params.pick_max]
        result.append(
            [
                ConsensusStatement(
                    proposal=matrix.proposals[j],
                    direction=direction,
                    n_success=int(success[j]),
                    n_trials=int(seen[j]),
                    p_success=float(p[j]),
                    p_test=float(test[j]),
                )
                for j in order
            ]
        )
    return result[0], result[1]


def _bridging(
    proposals: list[Hashable], counts: _Counts, params: OpinionParameters
) -> list[BridgingStatement]:
    """Group-informed consensus: high only if every group tends to agree. Every proposal is ranked (the
    proposal list's *Bridging* order); ``significant`` marks those that may be shown as bridging."""
    probabilities = (counts.agree + 1) / (counts.seen + 2)
    consensus = probabilities.prod(axis=0)
    significant = claimable(
        counts.seen,
        (prop_test(counts.agree, counts.seen),),
        floor=params.min_claim_votes,
        z=params.z_threshold,
    ).all(axis=0)
    order = np.argsort(-consensus, kind="stable")
    return [
        BridgingStatement(
            proposal=proposals[j],
            consensus=float(consensus[j]),
            agree_probabilities=[float(p) for p in probabilities[:, j]],
            agree_counts=[int(n) for n in counts.agree[:, j]],
            seen_counts=[int(n) for n in counts.seen[:, j]],
            significant=bool(significant[j]),
        )
        for j in order
    ]
