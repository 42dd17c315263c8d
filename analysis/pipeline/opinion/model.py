"""Opinion groups: parameters, the result and its parts, constants (pure: no Django)."""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

OK = "ok"
NOT_ENOUGH_VOTES = "not_enough_votes"
AGREE, DISAGREE, PASS = 1, -1, 0

Status = Literal["ok", "not_enough_votes"]
# Why a computation drew no groups (``OpinionResult.reason``): the report says which, in the reader's
# language, instead of one "not enough votes" for all.
NO_VOTES = "no_votes"  # no vote on any proposal that counts
TOO_FEW_PARTICIPANTS = "too_few_participants"  # fewer than min_participants voted on min_votes_needed
NO_DIFFERENCE = "no_difference"  # everyone clustered voted alike: no axis to split
NO_TWO_GROUPS = "no_two_groups"  # fewer than two groups reach the minimum group (min_group_share)
Reason = Literal["", "no_votes", "too_few_participants", "no_difference", "no_two_groups"]
Direction = Literal["agree", "disagree"]


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
    # Pol.is's rule over time (``warm``): start both k-means from the previous computation's clusters when
    # ``analyse_opinions`` is given them (``previous_clusters``); off: the cold rule every time.
    warm_start: bool = True
    # With the candidates rule, the warm-started partition is kept unless a cold candidate's within-group sum
    # of squares is lower by more than this share: Pol.is's own partitions sit 0-0.6 % above the lowest on
    # the shared conversations (decision 0011): 1 % keeps a near-tie where it was, leaves a poor optimum.
    warm_tolerance: float = 0.01


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
    min_votes_needed: int = 0  # votes that qualify a participant: min(min_votes, proposals with votes)
    n_voters: int = 0  # participants with a vote on a proposal that counts: the consensus statements' base
    n_clustered: int = 0  # participants clustered (qualified, topped up to min_clustered, kept from before)
    reason: Reason = ""  # why no groups were drawn (status not_enough_votes); "" when they were
    explained_variance_ratio: list[float] = field(default_factory=list)
    unseen_proposals: list[Hashable] = field(default_factory=list)
    # The clusters the next computation starts from (``warm.saved_state``): clustered participants, their
    # base cluster and their group for every k tried. ``warm_started``: this one started from the previous.
    clusters: dict[str, Any] = field(default_factory=dict)
    warm_started: bool = False

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def group_of(self) -> dict[Hashable, int | None]:
        return {p.participant: p.group for p in self.participants}
