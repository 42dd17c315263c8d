"""Opinion groups from votes on proposals, following the published Pol.is method (pure: no Django).

Input: (participant, proposal, value) triples, value 1 agree / -1 disagree / 0 pass; a proposal a
participant never saw has no triple. Output: an ``OpinionResult`` (JSON-serialisable via ``to_dict``):
each participant's position on the two principal axes and opinion group, the groups with their
representative statements, the consensus statements and the bridging ranking (group-informed consensus).

Method (Pol.is math, compdemocracy/polis ``math/src/polismath/math``; our own code):

1. Vote matrix participants x proposals, moderated-out proposals left out. Missing votes are imputed at
   the proposal's mean vote, so after centring the matrix is exactly as sparse as the votes: PCA is a
   truncated SVD of a sparse matrix, never densified (10k x 1k with 500k votes in well under a second).
2. Every participant is projected on the two components, scaled by sqrt(n_proposals / n_votes) so that
   people who saw few proposals are not all piled at the centre.
3. Participants with at least min(7, n_proposals) votes are clustered (the 15 most active if fewer
   qualify; no groups at all if fewer than 10 qualify). k-means makes up to 100 small base clusters, then
   a size-weighted k-means groups the base clusters, k from 2 to 5 chosen by the silhouette of the base
   clusters; ten such candidates from different seeds, the k most of them choose, the candidate with the
   lowest within-group sum of squares (``clustering="polis"``: Pol.is's own deterministic k-means from the
   first distinct positions instead, measured worse; decision 0011). A group under 5 % of the clustered
   participants (or under 5 members) is not shown: its members are "not placed in a group". A group keeps
   its number from the previous computation when it is mostly the same people (Hungarian assignment).
4. Per group, representative statements: smoothed probabilities (n + 1) / (seen + 2), a one-proportion
   test and a two-proportion test against the other groups, both above z = 1.2816 (90 % one-sided), and at
   least 5 members of the group who voted on it. Consensus statements across everyone (5 votes at least),
   and the group-informed consensus: the product over groups of (agrees + 1) / (seen + 2), which ranks
   statements that bridge the groups; a bridge is ``significant`` (shown) only if in every group 5 members
   or more voted on it and significantly more than half agree. docs/opinion-groups.md states each rule.

The smoothed probabilities are for selecting and ranking only (they keep one vote out of two from making
a 100 % statement). Every result also carries the raw counts (agrees or disagrees, and how many saw the
statement), and a report shows those as plain shares: a smoothed 75 % for a group of two is not a share
anyone can check.

Modules: ``model`` (parameters, result), ``projection`` (vote matrix, in-conv filter, PCA, sparsity
scaling), ``clustering`` (base clusters, groups, k, candidates, Pol.is's k-means, group numbers), ``claims``
(representative, consensus and bridging statements, significance tests, vote floor); this module chains them.
"""

from __future__ import annotations

from collections.abc import Collection, Hashable, Iterable, Mapping, Sequence
from typing import Any

import numpy as np

from .claims import (
    _bridging,
    _consensus,
    _Counts,
    _group_counts,
    _representative,
    claimable,
    prop_test,
    two_prop_test,
)
from .clustering import (
    _BASE_RESTART_BUDGET,
    _candidates,
    _first_distinct,
    _group,
    _group_with_state,
    _numbers,
    _polis_kmeans,
    _polis_two_levels,
    _silhouette,
    _smooth_k,
    _sorted_rows,
    _two_levels,
    _within_sum_of_squares,
)
from .model import (
    AGREE,
    DISAGREE,
    NO_DIFFERENCE,
    NO_TWO_GROUPS,
    NO_VOTES,
    NOT_ENOUGH_VOTES,
    OK,
    PASS,
    TOO_FEW_PARTICIPANTS,
    BridgingStatement,
    ConsensusStatement,
    Direction,
    OpinionGroup,
    OpinionInputError,
    OpinionParameters,
    OpinionResult,
    ParticipantPosition,
    StatementStat,
    Status,
)
from .projection import VoteMatrix, _clustered_participants, _project, build_vote_matrix
from .warm import previous_state, saved_state

# Public names, and the private ones benchmarks and tests reach (one import path, as before the split).
__all__ = [
    "AGREE",
    "BridgingStatement",
    "ConsensusStatement",
    "DISAGREE",
    "Direction",
    "NOT_ENOUGH_VOTES",
    "NO_DIFFERENCE",
    "NO_TWO_GROUPS",
    "NO_VOTES",
    "TOO_FEW_PARTICIPANTS",
    "OK",
    "OpinionGroup",
    "OpinionInputError",
    "OpinionParameters",
    "OpinionResult",
    "PASS",
    "ParticipantPosition",
    "StatementStat",
    "Status",
    "VoteMatrix",
    "_BASE_RESTART_BUDGET",
    "_Counts",
    "_bridging",
    "_candidates",
    "_clustered_participants",
    "_consensus",
    "_first_distinct",
    "_group",
    "_group_with_state",
    "_group_counts",
    "_numbers",
    "_polis_kmeans",
    "_polis_two_levels",
    "_project",
    "_representative",
    "_silhouette",
    "_smooth_k",
    "_sorted_rows",
    "_two_levels",
    "_within_sum_of_squares",
    "analyse_opinions",
    "build_vote_matrix",
    "claimable",
    "prop_test",
    "two_prop_test",
]


def analyse_opinions(
    votes: Iterable[tuple[Hashable, Hashable, int]],
    *,
    proposals: Sequence[Hashable] | None = None,
    moderated_out: Collection[Hashable] = (),
    seed: int = 0,
    parameters: OpinionParameters | None = None,
    previous_groups: Mapping[Hashable, int | None] | None = None,
    previous_k_smoother: Mapping[str, int] | None = None,
    previous_clusters: Mapping[str, Any] | None = None,
) -> OpinionResult:
    """Opinion groups, representative, consensus and bridging statements. Deterministic for a seed.

    ``previous_groups``: each participant's group number at the previous computation (``group_of()`` of
    the previous result); a group made mostly of the same people keeps its number (and so its colour).
    ``previous_k_smoother``: the previous result's ``k_smoother`` (Pol.is's smoothing of the number of
    groups over computations).
    ``previous_clusters``: the previous result's ``clusters``; with ``warm_start`` (the default) both k-means
    start from them, as Pol.is does from one update to the next (``warm``), and whoever they clustered
    stays clustered (Pol.is's "once in, always in")."""
    params = parameters or OpinionParameters()
    matrix = build_vote_matrix(votes, proposals=proposals, moderated_out=moderated_out)
    n_participants, n_proposals = matrix.shape
    result = OpinionResult(
        status=NOT_ENOUGH_VOTES,
        message="",
        seed=seed,
        parameters=params,
        n_participants=n_participants,
        n_proposals=n_proposals,
        n_votes=len(matrix.values),
        unseen_proposals=matrix.unseen_proposals,
    )
    threshold = min(params.min_votes, matrix.n_proposals_voted)
    result.min_votes_needed = threshold
    result.n_qualified = int((matrix.participation >= threshold).sum())
    if len(matrix.values) == 0:
        result.reason = NO_VOTES
        result.message = "No votes yet on any proposal (moderated-out proposals do not count)."
        return result
    n_voters = result.n_voters = int((matrix.votes_per_participant() > 0).sum())
    if n_voters < 2 or n_proposals < 2:
        result.reason = TOO_FEW_PARTICIPANTS
        result.message = (
            f"Opinion groups need votes from at least 2 participants on at least 2 proposals; "
            f"there are {n_voters} participant(s) and {n_proposals} proposal(s) with votes."
        )
        return result
    if result.n_qualified < params.min_participants:
        result.reason = TOO_FEW_PARTICIPANTS
        result.message = (
            f"Opinion groups need at least {params.min_participants} participants who each voted on "
            f"{threshold} proposals or more; there are {result.n_qualified}."
        )
        return result

    positions, variance_ratio = _project(matrix, seed)
    # Pol.is's rule over time also keeps in the clustering whoever the previous computation clustered.
    already_in = (previous_clusters or {}).get("participants", ()) if params.warm_start else ()
    clustered = _clustered_participants(matrix, params, already_in)
    result.n_clustered = len(clustered)
    distinct = np.unique(np.round(positions[clustered], 9), axis=0)
    if len(distinct) < 2:
        result.reason = NO_DIFFERENCE
        result.message = (
            "Every participant voted the same way: there is no difference of opinion to map into groups."
        )
        return result

    ids = [matrix.participants[i] for i in clustered]
    warm = previous_state(previous_clusters, ids) if params.warm_start else None
    labels, silhouettes, result.k_smoother, state = _group_with_state(
        positions[clustered], params, seed, previous_k_smoother, warm
    )
    result.clusters = saved_state(ids, state)
    result.warm_started = state.get("warm", False)
    # A group under min_group_share of the clustered participants, or too small for any of its statements
    # to reach min_claim_votes, is not shown as a group.
    sizes = np.bincount(labels)
    smallest = max(params.min_group_share * len(clustered), params.min_claim_votes)
    kept = [g for g in range(len(sizes)) if sizes[g] >= smallest]
    if len(kept) < 2:
        result.reason = NO_TWO_GROUPS
        result.message = (
            f"The participants do not split into two groups of at least {params.min_group_share:.0%} "
            f"each ({len(clustered)} participants clustered)."
        )
        return result
    position_of = np.full(len(sizes), -1)
    position_of[kept] = np.arange(len(kept))
    index = np.full(n_participants, -1)  # position of each participant's group in result.groups
    index[clustered] = position_of[labels]
    numbers = _numbers(
        [[matrix.participants[i] for i in np.flatnonzero(index == g)] for g in range(len(kept))],
        previous_groups or {},
    )
    # Groups listed by number; `index` follows that order.
    order = sorted(range(len(kept)), key=lambda g: numbers[g])
    rank = np.empty(len(kept), dtype=np.int64)
    rank[order] = np.arange(len(kept))
    index = np.where(index >= 0, rank[np.maximum(index, 0)], -1)
    numbers = [numbers[g] for g in order]
    n_groups = len(kept)
    counts = _group_counts(matrix, index, n_groups)

    result.status = OK
    result.n_unplaced = int(len(clustered) - (index >= 0).sum())
    result.message = f"{n_groups} opinion groups among {len(clustered)} participants."
    result.explained_variance_ratio = [float(v) for v in variance_ratio]
    result.silhouettes = silhouettes
    votes_per = matrix.votes_per_participant()
    is_clustered = np.zeros(n_participants, dtype=bool)
    is_clustered[clustered] = True
    result.participants = [
        ParticipantPosition(
            participant=p,
            x=float(positions[i, 0]),
            y=float(positions[i, 1]),
            n_votes=int(votes_per[i]),
            group=numbers[index[i]] if index[i] >= 0 else None,
            clustered=bool(is_clustered[i]),
        )
        for i, p in enumerate(matrix.participants)
    ]
    result.groups = [
        OpinionGroup(
            group=numbers[g],
            size=int((index == g).sum()),
            center=tuple(float(c) for c in positions[index == g].mean(axis=0)),
            representative=_representative(matrix.proposals, counts, g, params),
        )
        for g in range(n_groups)
    ]
    result.consensus_agree, result.consensus_disagree = _consensus(matrix, params)
    result.bridging = _bridging(matrix.proposals, counts, params)
    return result
