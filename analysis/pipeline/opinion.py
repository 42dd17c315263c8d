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
"""

from __future__ import annotations

from collections.abc import Collection, Hashable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

import numpy as np
from scipy import sparse
from scipy.optimize import linear_sum_assignment
from sklearn.cluster import KMeans
from sklearn.decomposition import TruncatedSVD
from sklearn.metrics import silhouette_score

OK = "ok"
NOT_ENOUGH_VOTES = "not_enough_votes"
AGREE, DISAGREE, PASS = 1, -1, 0

Status = Literal["ok", "not_enough_votes"]
Direction = Literal["agree", "disagree"]


_BASE_RESTART_BUDGET = 30_000  # participants x candidate partitions (one base k-means each)


class OpinionInputError(ValueError):
    """Malformed votes (unknown value, duplicate vote, unorderable ids): a caller bug, not a data gap."""


@dataclass(frozen=True)
class OpinionParameters:
    min_votes: int = 7  # a participant is clustered with at least min(min_votes, n_proposals) votes
    min_clustered: int = 15  # if fewer qualify, the most active are added up to this number
    base_clusters: int = 100
    max_groups: int = 5
    z_threshold: float = 1.2816  # one-sided 90 % significance
    pick_max: int = 5  # representative statements per group, consensus statements per direction
    # Our rules on top of Pol.is's (docs/opinion-groups.md):
    restarts: int = 10  # candidate partitions; the lowest within-group sum of squares is kept
    min_participants: int = 10  # participants with min(min_votes, n) votes, below which no group is drawn
    # A group under this share of the clustered participants (or under min_claim_votes members) is not
    # shown: its members stay on the map, "not placed in a group".
    min_group_share: float = 0.05
    min_claim_votes: int = 5  # votes a statement needs from a group (or from everyone) to be claimed
    k_buffer: int = 4  # Pol.is's group-k-buffer: computations in a row a new k must win before it is used
    # How the two k-means levels are run (docs/decisions/0011-polis-published-pipeline.md):
    # "candidates": scikit-learn k-means++ from `restarts` seeds, lowest within-group sum of squares;
    # "polis": Pol.is's own k-means (clusters.clj) as one update from scratch runs it: deterministic, started
    # from the first distinct positions. Measured worse against Pol.is's groups (decision 0011): Pol.is
    # never clusters a whole conversation from scratch, it starts each update from the previous clusters.
    clustering: Literal["candidates", "polis"] = "candidates"
    base_iters: int = 100  # Pol.is :base-iters
    group_iters: int = 20  # Pol.is's group level runs kmeans' default 20 (its :group-iters 100 is never read)


@dataclass(frozen=True)
class VoteMatrix:
    """Votes as coordinate arrays (a sparse matrix whose explicit entries include passes, value 0)."""

    participants: list[Hashable]
    proposals: list[Hashable]  # proposals with at least one vote, moderated-out ones excluded
    rows: np.ndarray  # participant index of each vote
    cols: np.ndarray  # proposal index of each vote
    values: np.ndarray  # 1, -1 or 0
    participation: np.ndarray  # votes per participant, moderated-out proposals included (Pol.is rule)
    unseen_proposals: list[Hashable]  # proposals given by the caller that nobody voted on
    n_moderated_out_voted: int  # moderated-out proposals that had received votes

    @property
    def shape(self) -> tuple[int, int]:
        return len(self.participants), len(self.proposals)

    @property
    def n_proposals_voted(self) -> int:
        """Proposals with at least one vote, moderated-out ones included (Pol.is's matrix width)."""
        return len(self.proposals) + self.n_moderated_out_voted

    def votes_per_participant(self) -> np.ndarray:
        return np.bincount(self.rows, minlength=len(self.participants))

    def centred(self) -> sparse.csr_matrix:
        """Missing votes at the proposal mean, then centred: non-zero only where someone voted."""
        n_seen = np.bincount(self.cols, minlength=len(self.proposals))
        means = np.bincount(self.cols, weights=self.values, minlength=len(self.proposals)) / n_seen
        data = self.values - means[self.cols]
        return sparse.csr_matrix((data, (self.rows, self.cols)), shape=self.shape)


@dataclass(frozen=True)
class StatementStat:
    proposal: Hashable
    direction: Direction
    n_success: int  # agrees (or disagrees) in the group
    n_trials: int  # group members who saw the proposal
    p_success: float  # (n_success + 1) / (n_trials + 2)
    p_test: float  # one-proportion z: is the group clearly for (or against)?
    repness: float  # p_success in the group / the same probability outside it
    repness_test: float  # two-proportion z: group vs the other groups
    best_agree: bool = False  # the statement the group agrees with most distinctively


@dataclass(frozen=True)
class ConsensusStatement:
    proposal: Hashable
    direction: Direction
    n_success: int
    n_trials: int
    p_success: float
    p_test: float


@dataclass(frozen=True)
class BridgingStatement:
    proposal: Hashable
    consensus: float  # product over groups of (agrees + 1) / (seen + 2): for ranking
    agree_probabilities: list[float]  # the factor of each group, in group order
    agree_counts: list[int] = field(default_factory=list)  # agrees in each group, in group order
    seen_counts: list[int] = field(default_factory=list)  # group members who voted on it
    # Every group: at least min_claim_votes of its members voted on it and significantly more than half
    # of them agree (the one-proportion test of the representative statements). Only these are shown.
    significant: bool = False


@dataclass(frozen=True)
class ParticipantPosition:
    participant: Hashable
    x: float
    y: float
    n_votes: int
    group: int | None  # the group's number (OpinionGroup.group); None: not placed in a group
    clustered: bool = False  # voted enough to be clustered (False: too few votes, not on the map)


@dataclass(frozen=True)
class OpinionGroup:
    group: int  # its number, kept from one computation to the next for the same people (0-based)
    size: int
    center: tuple[float, float]
    representative: list[StatementStat]


@dataclass
class OpinionResult:
    status: Status
    message: str
    seed: int
    parameters: OpinionParameters
    n_participants: int = 0
    n_proposals: int = 0
    n_votes: int = 0
    participants: list[ParticipantPosition] = field(default_factory=list)
    groups: list[OpinionGroup] = field(default_factory=list)
    consensus_agree: list[ConsensusStatement] = field(default_factory=list)
    consensus_disagree: list[ConsensusStatement] = field(default_factory=list)
    bridging: list[BridgingStatement] = field(default_factory=list)  # best bridge first
    silhouettes: list[tuple[int, float]] = field(default_factory=list)  # (k, silhouette) tried
    # Pol.is's k smoothing, carried to the next computation: the best k of this one, how many computations
    # in a row chose it, and the k used (a new best k is used once chosen k_buffer times in a row).
    k_smoother: dict[str, int] = field(default_factory=dict)
    n_unplaced: int = 0  # clustered participants whose group was under min_group_share
    n_qualified: int = 0  # participants with enough votes to be clustered (Pol.is rule, no top-up)
    explained_variance_ratio: list[float] = field(default_factory=list)
    unseen_proposals: list[Hashable] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def group_of(self) -> dict[Hashable, int | None]:
        return {p.participant: p.group for p in self.participants}


def build_vote_matrix(
    votes: Iterable[tuple[Hashable, Hashable, int]],
    *,
    proposals: Sequence[Hashable] | None = None,
    moderated_out: Collection[Hashable] = (),
) -> VoteMatrix:
    """Index the triples. ``proposals``: every proposal on offer (order kept), to report unseen ones."""
    triples = list(votes)
    excluded = set(moderated_out)
    voters, voted_on, values = (
        (list(column) for column in zip(*triples, strict=True)) if triples else ([], [], [])
    )
    try:
        participants = sorted(set(voters))
        voted = set(voted_on)
        offered = list(proposals) if proposals is not None else sorted(voted)
    except TypeError as exc:
        raise OpinionInputError(f"participant and proposal ids must be mutually orderable ({exc})") from exc
    unknown = voted - set(offered)
    if unknown:
        raise OpinionInputError(f"votes on proposals absent from the proposal list: {sorted(unknown)[:5]}")
    value_array = np.asarray(values, dtype=np.float64)
    if not np.isin(value_array, (AGREE, DISAGREE, PASS)).all():
        bad = next(v for v in values if v not in (AGREE, DISAGREE, PASS))
        raise OpinionInputError(f"vote value must be 1, -1 or 0, got {bad!r}")
    kept = [p for p in offered if p in voted and p not in excluded]
    row_of = {p: i for i, p in enumerate(participants)}
    col_of = {p: j for j, p in enumerate(kept)}
    rows = np.fromiter((row_of[p] for p in voters), dtype=np.int64, count=len(voters))
    offered_index = {q: j for j, q in enumerate(offered)}
    offered_cols = np.fromiter((offered_index[q] for q in voted_on), dtype=np.int64, count=len(voted_on))
    codes = rows * len(offered) + offered_cols
    if len(np.unique(codes)) != len(codes):
        raise OpinionInputError("a participant has several votes on the same proposal (keep the last one)")
    cols = np.array([col_of.get(q, -1) for q in offered], dtype=np.int64)[offered_cols]
    on_kept = cols >= 0
    return VoteMatrix(
        participants=participants,
        proposals=kept,
        rows=rows[on_kept],
        cols=cols[on_kept],
        values=value_array[on_kept],
        participation=np.bincount(rows, minlength=len(participants)),
        unseen_proposals=[p for p in offered if p not in voted and p not in excluded],
        n_moderated_out_voted=len(voted & excluded),
    )


def analyse_opinions(
    votes: Iterable[tuple[Hashable, Hashable, int]],
    *,
    proposals: Sequence[Hashable] | None = None,
    moderated_out: Collection[Hashable] = (),
    seed: int = 0,
    parameters: OpinionParameters | None = None,
    previous_groups: Mapping[Hashable, int | None] | None = None,
    previous_k_smoother: Mapping[str, int] | None = None,
) -> OpinionResult:
    """Opinion groups, representative, consensus and bridging statements. Deterministic for a seed.

    ``previous_groups``: each participant's group number at the previous computation (``group_of()`` of
    the previous result); a group made mostly of the same people keeps its number (and so its colour).
    ``previous_k_smoother``: the previous result's ``k_smoother`` (Pol.is's smoothing of the number of
    groups over computations)."""
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
    if len(matrix.values) == 0:
        result.message = "No votes yet on any proposal (moderated-out proposals do not count)."
        return result
    n_voters = int((matrix.votes_per_participant() > 0).sum())
    if n_voters < 2 or n_proposals < 2:
        result.message = (
            f"Opinion groups need votes from at least 2 participants on at least 2 proposals; "
            f"there are {n_voters} participant(s) and {n_proposals} proposal(s) with votes."
        )
        return result
    threshold = min(params.min_votes, matrix.n_proposals_voted)
    result.n_qualified = int((matrix.participation >= threshold).sum())
    if result.n_qualified < params.min_participants:
        result.message = (
            f"Opinion groups need at least {params.min_participants} participants who each voted on "
            f"{threshold} proposals or more; there are {result.n_qualified}."
        )
        return result

    positions, variance_ratio = _project(matrix, seed)
    clustered = _clustered_participants(matrix, params)
    distinct = np.unique(np.round(positions[clustered], 9), axis=0)
    if len(distinct) < 2:
        result.message = (
            "Every participant voted the same way: there is no difference of opinion to map into groups."
        )
        return result

    labels, silhouettes, result.k_smoother = _group(positions[clustered], params, seed, previous_k_smoother)
    # A group under min_group_share of the clustered participants, or too small for any of its statements
    # to reach min_claim_votes, is not shown as a group.
    sizes = np.bincount(labels)
    smallest = max(params.min_group_share * len(clustered), params.min_claim_votes)
    kept = [g for g in range(len(sizes)) if sizes[g] >= smallest]
    if len(kept) < 2:
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


def _numbers(members: list[list[Hashable]], previous: Mapping[Hashable, int | None]) -> list[int]:
    """A number for each group: the previous number of the group it shares the most members with
    (Hungarian assignment on the member overlap, as Pol.is keeps its group ids), else the smallest
    number not taken; without a previous computation, 0, 1, ... in the given order (largest first)."""
    old = sorted({g for g in previous.values() if g is not None})
    numbers: list[int | None] = [None] * len(members)
    if old:
        column = {g: j for j, g in enumerate(old)}
        overlap = np.zeros((len(members), len(old)))
        for i, people in enumerate(members):
            for person in people:
                g = previous.get(person)
                if g is not None:
                    overlap[i, column[g]] += 1
        rows, cols = linear_sum_assignment(-overlap)
        for i, j in zip(rows, cols, strict=True):
            if overlap[i, j] > 0:
                numbers[i] = old[j]
    taken = {n for n in numbers if n is not None}
    free = (n for n in range(len(members) + len(taken) + 1) if n not in taken)
    return [n if n is not None else next(free) for n in numbers]


def _project(matrix: VoteMatrix, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Two principal components and the sparsity-aware projection of every participant."""
    centred = matrix.centred()
    n_components = 2
    if not np.any(np.abs(centred.data) > 1e-12):  # everyone voted alike on every proposal: no axis at all
        return np.zeros((centred.shape[0], n_components)), np.zeros(n_components)
    if min(centred.shape) > n_components:
        # ARPACK on the sparse centred matrix: exact leading components, no densification.
        svd = TruncatedSVD(n_components=n_components, algorithm="arpack", random_state=seed)
        svd.fit(centred)
        components, ratio = svd.components_, svd.explained_variance_ratio_
    else:  # 2 proposals or 2 participants: a tiny dense SVD
        dense = centred.toarray()
        _, singular, vt = np.linalg.svd(dense, full_matrices=False)
        components = np.zeros((n_components, dense.shape[1]))
        components[: len(vt)] = vt[:n_components]
        total = float((singular**2).sum()) or 1.0
        ratio = np.zeros(n_components)
        ratio[: len(singular)] = (singular[:n_components] ** 2) / total
    positions = np.asarray(centred @ components.T)
    # Pol.is sparsity correction: someone who saw few proposals sits near the centre only because the
    # missing votes were imputed at the mean; stretch them out by sqrt(n_proposals / n_votes).
    # Pol.is zeroes moderated-out columns instead of deleting them, so they count as a pass from
    # everyone here (and only here: a constant column adds nothing to the PCA). Doing the same is what
    # makes our groups match Pol.is's on conversations with heavy moderation (ARI 0.58 -> 0.88).
    moderated = matrix.n_moderated_out_voted
    n_votes = np.maximum(matrix.votes_per_participant() + moderated, 1)
    positions *= np.sqrt(matrix.n_proposals_voted / n_votes)[:, None]
    return positions, ratio


def _clustered_participants(matrix: VoteMatrix, params: OpinionParameters) -> np.ndarray:
    """Indices (sorted) of the participants who vote often enough to be clustered (Pol.is "in-conv")."""
    # Pol.is counts votes on every proposal, moderated-out ones too: voting is participation.
    threshold = min(params.min_votes, matrix.n_proposals_voted)
    chosen = set(np.flatnonzero(matrix.participation >= threshold).tolist())
    if len(chosen) < params.min_clustered:
        most_active = np.argsort(-matrix.participation, kind="stable")
        for i in most_active.tolist():
            if len(chosen) >= params.min_clustered:
                break
            chosen.add(i)
    # Someone whose only votes were on moderated-out proposals has no position to cluster.
    has_votes = matrix.votes_per_participant() > 0
    return np.array(sorted(i for i in chosen if has_votes[i]), dtype=np.int64)


def _group(
    points: np.ndarray, params: OpinionParameters, seed: int, smoother: Mapping[str, int] | None = None
) -> tuple[np.ndarray, list, dict[str, int]]:
    """Participant labels (largest group first), the silhouette of each k tried, the k smoother's state.

    ``clustering="polis"``: Pol.is's two levels as published (``_polis_two_levels``), deterministic.
    ``clustering="candidates"``: several scikit-learn candidates (``_candidates``)."""
    if params.clustering == "polis":
        labels_by_k, silhouettes = _polis_two_levels(points, params)
        # Pol.is: `(apply max-key silhouette ks)`, the last k on a tie, i.e. the larger one.
        best_k = max(silhouettes, key=lambda k_score: (k_score[1], k_score[0]))[0] if silhouettes else 2
        k, smoothed = _smooth_k(best_k, smoother or {}, params, available=set(labels_by_k))
        participant_labels = labels_by_k[k]
    else:
        participant_labels, silhouettes, smoothed = _candidates(points, params, seed, smoother)
    # Stable naming: largest group first (ties: leftmost centre).
    groups = sorted(
        set(participant_labels.tolist()),
        key=lambda g: (-(participant_labels == g).sum(), points[participant_labels == g, 0].mean()),
    )
    rename = np.empty(max(groups) + 1, dtype=np.int64)
    rename[groups] = np.arange(len(groups))
    return rename[participant_labels], silhouettes, smoothed


def _polis_two_levels(points: np.ndarray, params: OpinionParameters) -> tuple[dict[int, np.ndarray], list]:
    """Pol.is's clustering of one update from scratch (conversation.clj ``:base-clusters``,
    ``:group-clusterings``, ``:group-clusterings-silhouettes``): ``base_clusters`` k-means clusters of the
    participants (``base_iters`` iterations at most), then, for every k from 2 to min(max_groups,
    2 + n_base // 12), a k-means of the base centres weighted by their sizes (``group_iters`` at most),
    each scored by the silhouette of the base centres. Both k-means start from the first distinct points
    in participant order (``init-clusters``). Returns participant labels per k and (k, silhouette)."""
    base_labels, centers = _polis_kmeans(points, params.base_clusters, max_iters=params.base_iters)
    weights = np.bincount(base_labels, minlength=len(centers)).astype(float)
    max_k = min(params.max_groups, 2 + len(centers) // 12)
    labels_by_k, silhouettes = {}, []
    for k in range(2, max_k + 1):
        labels, _ = _polis_kmeans(centers, k, weights=weights, max_iters=params.group_iters)
        if len(np.unique(labels)) < 2:  # fewer than two distinct base centres: no split to score
            continue
        labels_by_k[k] = labels[base_labels]
        silhouettes.append((k, _silhouette(centers, labels)))
    if not labels_by_k:  # a single base position: one group (the caller finds fewer than 2 groups)
        labels_by_k[2] = np.zeros(len(points), dtype=np.int64)
    return labels_by_k, silhouettes


def _first_distinct(points: np.ndarray, k: int) -> np.ndarray:
    """Indices of the first k distinct rows, in row order (Pol.is ``init-clusters``)."""
    _, first = np.unique(points, axis=0, return_index=True)
    return np.sort(first)[:k]


def _polis_kmeans(
    points: np.ndarray, k: int, *, weights: np.ndarray | None = None, max_iters: int = 20
) -> tuple[np.ndarray, np.ndarray]:
    """Pol.is's k-means (clusters.clj ``kmeans`` without previous clusters): centres start at the first k
    distinct points; each step assigns every point to its nearest centre, drops the clusters left empty and
    moves each centre to the (weighted) mean of its members; it stops when no centre moved by 0.01 or more
    (``same-clustering?``) or after ``max_iters`` more steps. Returns labels 0..c-1 and the c centres."""
    w = np.ones(len(points)) if weights is None else np.asarray(weights, dtype=float)
    centers = points[_first_distinct(points, k)]
    for _ in range(max_iters + 1):
        # squared distances as |x|^2 - 2 x.c + |c|^2 (Pol.is computes them the same way, clusters.clj Q11)
        distances = (
            (points**2).sum(axis=1)[:, None] - 2 * points @ centers.T + (centers**2).sum(axis=1)[None, :]
        )
        labels = distances.argmin(axis=1)
        used, labels = np.unique(labels, return_inverse=True)  # empty clusters are dropped
        labels = labels.ravel()
        totals = np.bincount(labels, weights=w, minlength=len(used))
        sums = [np.bincount(labels, weights=w * column, minlength=len(used)) for column in points.T]
        new = np.stack(sums, axis=1) / np.maximum(totals, 1e-300)[:, None]
        old_sorted, new_sorted = _sorted_rows(centers[used]), _sorted_rows(new)
        centers = new
        if len(used) == len(old_sorted) and np.all(np.linalg.norm(old_sorted - new_sorted, axis=1) < 0.01):
            break
    return labels, centers


def _sorted_rows(rows: np.ndarray) -> np.ndarray:
    return rows[np.lexsort(rows.T[::-1])]


def _silhouette(points: np.ndarray, labels: np.ndarray) -> float:
    """Mean silhouette of the points (Pol.is ``silhouette``: a point alone in its cluster scores 0)."""
    distances = np.sqrt(((points[:, None, :] - points[None, :, :]) ** 2).sum(axis=2))
    clusters = np.unique(labels)
    scores = np.zeros(len(points))
    for i in range(len(points)):
        own = labels == labels[i]
        if own.sum() == 1:
            continue
        a = distances[i, own].sum() / (own.sum() - 1)
        b = min(distances[i, labels == c].mean() for c in clusters if c != labels[i])
        scores[i] = (b - a) / max(a, b) if max(a, b) > 0 else 0.0
    return float(scores.mean())


def _candidates(
    points: np.ndarray, params: OpinionParameters, seed: int, smoother: Mapping[str, int] | None
) -> tuple[np.ndarray, list, dict[str, int]]:
    """Pacte's earlier rule (decision 0007): several scikit-learn candidates of the two levels from
    different seeds; k is the one most candidates choose (ties: the higher mean silhouette), and the
    partition the candidate with the lowest within-group sum of squares of the participants."""
    distinct = np.unique(points, axis=0)
    if len(distinct) <= params.base_clusters:  # each distinct position is a base cluster: one candidate
        n_candidates = 1
    else:
        # One base k-means per candidate, bounded by a work budget (10,000 participants: 3 candidates).
        n_candidates = max(1, min(params.restarts, _BASE_RESTART_BUDGET // len(points)))
    seeds = np.random.SeedSequence(seed).generate_state(n_candidates)
    candidates = [_two_levels(points, params, int(s)) for s in seeds]
    votes_for_k: dict[int, list[float]] = {}
    for _labels_by_k, silhouettes in candidates:
        best_k = max(silhouettes, key=lambda k_score: k_score[1])[0] if silhouettes else 2
        votes_for_k.setdefault(best_k, []).append(max((s for _, s in silhouettes), default=0.0))
    best_k = max(votes_for_k, key=lambda k: (len(votes_for_k[k]), float(np.mean(votes_for_k[k])), -k))
    k, smoothed = _smooth_k(best_k, smoother or {}, params, available={k for c in candidates for k in c[0]})
    chosen = min((c for c in candidates if k in c[0]), key=lambda c: _within_sum_of_squares(points, c[0][k]))
    return chosen[0][k], chosen[1], smoothed


def _smooth_k(
    best_k: int, previous: Mapping[str, int], params: OpinionParameters, available: set[int]
) -> tuple[int, dict[str, int]]:
    """Pol.is's group-k smoother: the number of groups changes only once the new best k has been the
    best ``k_buffer`` computations in a row; until then the previous k is kept (if it can still be made)."""
    count = previous.get("last_k_count", 0) + 1 if previous.get("last_k") == best_k else 1
    kept = previous.get("smoothed_k")
    k = best_k if count >= params.k_buffer or kept is None or kept not in available else kept
    return k, {"last_k": best_k, "last_k_count": count, "smoothed_k": k}


def _within_sum_of_squares(points: np.ndarray, labels: np.ndarray) -> float:
    return float(
        sum(((points[labels == g] - points[labels == g].mean(axis=0)) ** 2).sum() for g in np.unique(labels))
    )


def _two_levels(points: np.ndarray, params: OpinionParameters, seed: int) -> tuple[dict, list]:
    """One candidate: participant labels for every k tried, and the silhouette of each k."""
    distinct, base_labels = np.unique(points, axis=0, return_inverse=True)
    base_labels = base_labels.ravel()
    if len(distinct) <= params.base_clusters:  # few enough positions: each one is a base cluster
        centers = distinct
    else:
        base = KMeans(n_clusters=params.base_clusters, n_init=1, random_state=seed).fit(points)
        centers, base_labels = base.cluster_centers_, base.labels_
    n_base = len(centers)
    weights = np.bincount(base_labels, minlength=n_base).astype(float)
    if n_base == 2:  # two positions only: they are the two groups
        return {2: np.array([0, 1])[base_labels]}, []
    # Pol.is: at most 2 + n_base / 12 groups, so small conversations are not over-split.
    max_k = min(params.max_groups, 2 + n_base // 12, n_base - 1)
    labels_by_k, silhouettes = {}, []
    for k in range(2, max_k + 1):
        labels = KMeans(n_clusters=k, n_init=10, random_state=seed).fit_predict(
            centers, sample_weight=weights
        )
        labels_by_k[k] = labels[base_labels]
        score = silhouette_score(centers, labels) if len(set(labels.tolist())) > 1 else -1.0
        silhouettes.append((k, float(score)))
    return labels_by_k, silhouettes


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

    enough = ns >= params.min_claim_votes
    agree_ok = enough & (stats["rat"] > z) & (stats["pat"] > z)
    disagree_ok = enough & (stats["rdt"] > z) & (stats["pdt"] > z)

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
        eligible = np.flatnonzero((p > 0.5) & (test > params.z_threshold) & (seen >= params.min_claim_votes))
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
    significant = (
        (counts.seen >= params.min_claim_votes) & (prop_test(counts.agree, counts.seen) > params.z_threshold)
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
