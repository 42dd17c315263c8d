"""Positions: the vote matrix, the participants clustered (Pol.is in-conv), the PCA and its
sparsity-aware scaling (Pol.is ``pca.clj``, ``conversation.clj``)."""

from __future__ import annotations

from collections.abc import Collection, Hashable, Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse
from sklearn.decomposition import TruncatedSVD

from .model import AGREE, DISAGREE, PASS, OpinionInputError, OpinionParameters


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


def _clustered_participants(
    matrix: VoteMatrix, params: OpinionParameters, already_in: Collection[Hashable] = ()
) -> np.ndarray:
    """Indices (sorted) of the participants who vote often enough to be clustered (Pol.is "in-conv").

    ``already_in``: the participants clustered by the previous computation. They stay clustered even when
    the rule would no longer take them (the threshold rises with the number of proposals, the top-up to
    15 stops being needed): Pol.is's "once in, always in" (conversation.clj ``:in-conv`` starts from the
    previous update's), so that nobody who had a group loses it for having voted early."""
    # Pol.is counts votes on every proposal, moderated-out ones too: voting is participation.
    threshold = min(params.min_votes, matrix.n_proposals_voted)
    chosen = set(np.flatnonzero(matrix.participation >= threshold).tolist())
    if already_in:
        row = {participant: i for i, participant in enumerate(matrix.participants)}
        chosen.update(row[p] for p in already_in if p in row)
    if len(chosen) < params.min_clustered:
        most_active = np.argsort(-matrix.participation, kind="stable")
        for i in most_active.tolist():
            if len(chosen) >= params.min_clustered:
                break
            chosen.add(i)
    # Someone whose only votes were on moderated-out proposals has no position to cluster.
    has_votes = matrix.votes_per_participant() > 0
    return np.array(sorted(i for i in chosen if has_votes[i]), dtype=np.int64)
