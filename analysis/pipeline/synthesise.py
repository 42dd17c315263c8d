"""Synthesis stage: per-theme figures an organiser can publish.

- shares, raw and re-weighted by raking (iterative proportional fitting) to reference population
  margins on the strata contributors chose to give;
- breakdowns by stratum with small-cell suppression (no count under ``min_cell`` is shown, and a second
  cell is hidden when a lone hidden cell could be recovered by subtraction from the theme total);
- stance from votes when the contributions are proposals;
- trend (contributions per ISO week) and an "emerging" flag: a theme whose recent share rose
  significantly (an exact binomial test, ``emerging_themes``), or a group of recent contributions far
  from every existing theme.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
from sklearn.cluster import AgglomerativeClustering

from textsafety.disclosure import MIN_CELL, hidden_cells

from .cluster import OTHER
from .errors import PipelineError
from .notes import Note, note

MISSING = "__missing__"  # a contributor who did not give this stratum


class SynthesisError(PipelineError):
    """Bad synthesis input (margins, votes, dates)."""


# ---------------------------------------------------------------------------------------------- raking


@dataclass(frozen=True)
class RakingResult:
    weights: np.ndarray  # (n,) mean 1
    converged: bool
    iterations: int
    notes: list[Note] = field(default_factory=list)  # e.g. target categories nobody in the corpus has

    @property
    def design_effect(self) -> float:
        """Kish design effect: how much the re-weighting inflates the variance of shares."""
        w = self.weights
        return float(len(w) * (w**2).sum() / w.sum() ** 2) if len(w) else 1.0


def rake(
    strata: Sequence[Mapping[str, str | None]],
    margins: Mapping[str, Mapping[str, float]],
    *,
    max_iterations: int = 200,
    tolerance: float = 1e-6,
) -> RakingResult:
    """Weights whose weighted stratum shares match ``margins`` (e.g. {"gender": {"F": .52, "M": .48}}).

    Contributors who did not give a stratum keep their weighted share on that variable (they are
    neither pushed up nor down); the categories they did give are raked as usual. Target categories
    absent from the corpus are dropped and the remaining targets rescaled, with a note.
    """
    n = len(strata)
    weights = np.ones(n)
    if n == 0 or not margins:
        return RakingResult(weights, True, 0)
    notes: list[Note] = []
    codes: dict[str, np.ndarray] = {}
    targets: dict[str, dict[str, float]] = {}
    for variable, shares in margins.items():
        if any(s < 0 for s in shares.values()) or sum(shares.values()) <= 0:
            raise SynthesisError(
                f"The reference shares for {variable!r} must be non-negative and not all zero."
            )
        values = np.array([_category(row.get(variable), shares) for row in strata], dtype=object)
        present = {c: s for c, s in shares.items() if (values == c).any()}
        absent = sorted(set(shares) - set(present))
        if absent:
            notes.append(note("target_absent", variable=variable, categories=absent))
        total = sum(present.values())
        if total <= 0:
            notes.append(note("stratum_unused", variable=variable))
            continue
        codes[variable] = values
        targets[variable] = {c: s / total for c, s in present.items()}

    converged = not codes
    iteration = 0
    for iteration in range(1, max_iterations + 1):  # noqa: B007 - the count is reported
        worst = 0.0
        for variable, values in codes.items():
            # Scale each given category to its target share of the contributors who gave this stratum:
            # categories are disjoint, so the total (and the non-respondents' weight) is preserved.
            known_total = weights[values != MISSING].sum()
            factors = {}
            for category, target in targets[variable].items():
                members = values == category
                current = weights[members].sum()
                worst = max(worst, abs(current / known_total - target))
                factors[category] = (members, target * known_total / current)
            for members, factor in factors.values():
                weights[members] *= factor
        if worst < tolerance:
            converged = True
            break
    if not converged:
        notes.append(note("raking_not_converged", iterations=max_iterations))
    return RakingResult(weights * n / weights.sum(), converged, iteration, notes)


def _category(value: str | None, shares: Mapping[str, float]) -> str:
    return value if value is not None and value in shares else MISSING


def weighted_margins(
    strata: Sequence[Mapping[str, str | None]], weights: np.ndarray, variable: str
) -> dict[str, float]:
    """Weighted share of each given category of ``variable`` among contributors who gave it."""
    totals: dict[str, float] = defaultdict(float)
    for row, w in zip(strata, weights, strict=True):
        if row.get(variable) is not None:
            totals[row[variable]] += float(w)
    grand = sum(totals.values())
    return {c: t / grand for c, t in totals.items()} if grand else {}


# ---------------------------------------------------------------------------------- shares, breakdown


def theme_shares(themes: np.ndarray, weights: np.ndarray | None = None) -> dict[int, dict[str, float]]:
    """Per theme (and OTHER): size, raw share and weighted share."""
    themes = np.asarray(themes)
    weights = np.ones(len(themes)) if weights is None else np.asarray(weights, dtype=float)
    if len(themes) == 0:
        return {}
    total_w = weights.sum()
    return {
        int(t): {
            "size": int((themes == t).sum()),
            "share": float((themes == t).mean()),
            "weighted_share": float(weights[themes == t].sum() / total_w),
        }
        for t in np.unique(themes)
    }


def breakdown(
    themes: np.ndarray, strata: Sequence[Mapping[str, str | None]], variable: str, *, min_cell: int = MIN_CELL
) -> dict[int, dict[str, int | None]]:
    """Counts per theme and category of ``variable``; None where the cell is suppressed.

    Cells are hidden by ``hidden_cells``, theme by theme.
    """
    per_theme: dict[int, Counter] = {int(t): Counter() for t in np.unique(themes)}
    for row, t in zip(strata, themes, strict=True):  # one pass: the sign-off editor calls this per edit
        value = row.get(variable)
        if value is not None:
            per_theme[int(t)][value] += 1
    table: dict[int, dict[str, int | None]] = {}
    for theme, counts in per_theme.items():
        cells: dict[str, int | None] = dict(sorted(counts.items()))
        for category in hidden_cells(counts, min_cell=min_cell):
            cells[category] = None
        table[theme] = cells
    return table


# ------------------------------------------------------------------------------------------ stance


@dataclass(frozen=True)
class Votes:
    agree: int = 0
    disagree: int = 0
    passed: int = 0


def votes_per_unit(units: Sequence[int], votes: Sequence[Votes | None], n_units: int) -> list[Votes | None]:
    """The votes a unit of the figures (a duplicate group in a theme) counts: those on every one of its
    proposals, copies included. ``units[i]`` is the unit of proposal i (None: it counts in no unit).

    The one rule for the votes of a theme, shared with the themes x opinion groups table: every vote on
    every proposal the theme holds counts once. Each copy of a near-identical proposal is a proposal of
    its own that its own voters saw; a citizen who voted on two copies cast two votes and both count,
    as each vote on each proposal does in the opinion groups. A unit whose proposals have no votes at
    all (answers to open questions) gets None."""
    totals: list[list[int] | None] = [None] * n_units
    for unit, v in zip(units, votes, strict=True):
        if unit is None or v is None:
            continue
        if min(v.agree, v.disagree, v.passed) < 0:
            raise SynthesisError("Vote counts cannot be negative.")
        total = totals[unit] = totals[unit] or [0, 0, 0]
        total[0], total[1], total[2] = total[0] + v.agree, total[1] + v.disagree, total[2] + v.passed
    return [None if t is None else Votes(agree=t[0], disagree=t[1], passed=t[2]) for t in totals]


def stance(themes: np.ndarray, votes: Sequence[Votes | None]) -> dict[int, dict[str, float | int | None]]:
    """Per theme: vote totals over its rows and the agreement rate among agree/disagree votes. A row that
    stands for a duplicate group carries the votes of the whole group (``votes_per_unit``)."""
    totals = {int(t): [0, 0, 0] for t in np.unique(themes)}
    for v, t in zip(votes, themes, strict=True):
        if v is not None:
            if min(v.agree, v.disagree, v.passed) < 0:
                raise SynthesisError("Vote counts cannot be negative.")
            total = totals[int(t)]
            total[0], total[1], total[2] = total[0] + v.agree, total[1] + v.disagree, total[2] + v.passed
    result: dict[int, dict[str, float | int | None]] = {}
    for theme, (agree, disagree, passed) in totals.items():
        decided = agree + disagree
        result[theme] = {
            "agree": agree,
            "disagree": disagree,
            "pass": passed,
            "agreement": agree / decided if decided else None,
        }
    return result


# ------------------------------------------------------------------------------- trend and emergence


def week_start(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def trend(themes: np.ndarray, dates: Sequence[dt.date | None]) -> dict[int, dict[str, int]]:
    """Contributions per theme and ISO week (keyed by the Monday, ISO format), dated ones only."""
    result: dict[int, dict[str, int]] = defaultdict(dict)
    counts = Counter((int(t), week_start(d)) for t, d in zip(themes, dates, strict=True) if d is not None)
    for (theme, week), count in sorted(counts.items()):
        result[theme][week.isoformat()] = count
    return dict(result)


# Emergence: what must hold before a theme is called emerging (``emerging_themes``).
EMERGING_ALPHA = 0.05  # family-wise error rate over the themes tested (Bonferroni)
EMERGING_MIN_RATIO = 1.5  # the recent share at least 1.5 times the earlier one
EMERGING_MIN_RECENT = 10  # distinct contributions of the theme in the recent window
EMERGING_MIN_EARLIER_DAYS = 14  # dated contributions before the window: at least two weeks of them
EMERGING_MIN_TOTAL = 30  # contributions in each of the two periods


@dataclass(frozen=True)
class Emergence:
    recent_share: float
    earlier_share: float
    recent_count: int
    emerging: bool
    earlier_count: int = 0
    n_recent: int = 0  # dated distinct contributions in the recent window, every theme
    n_earlier: int = 0
    p_value: float | None = None  # None: not tested (too few weeks or contributions)
    recent_days: int = 14


def emerging_themes(
    themes: np.ndarray,
    dates: Sequence[dt.date | None],
    *,
    recent_days: int = 14,
    min_ratio: float = EMERGING_MIN_RATIO,
    min_recent: int = EMERGING_MIN_RECENT,
    alpha: float = EMERGING_ALPHA,
) -> dict[int, Emergence]:
    """Flag the themes whose share of the last ``recent_days`` of contributions rose significantly.

    The test: if a theme's rate had not changed, its contributions would fall in the recent window in
    proportion to the window's part of all dated contributions, so the number of them in the window
    follows a binomial law (the exact conditional test comparing two Poisson rates). A theme is
    emerging when that one-sided exact binomial test gives p below ``alpha`` divided by the number of
    themes tested (Bonferroni), its recent share is at least ``min_ratio`` times its earlier share, and it
    has at least ``min_recent`` recent contributions. Nothing is tested unless at least
    ``EMERGING_MIN_EARLIER_DAYS`` days of contributions precede the window and each period holds
    ``EMERGING_MIN_TOTAL`` of them: three weeks of data cannot tell a rise from the start of a
    consultation."""
    from scipy.stats import binomtest

    dated = [(int(t), d) for t, d in zip(themes, dates, strict=True) if d is not None]
    if not dated:
        return {}
    first, last = min(d for _, d in dated), max(d for _, d in dated)
    cutoff = last - dt.timedelta(days=recent_days)
    recent = Counter(t for t, d in dated if d > cutoff)
    earlier = Counter(t for t, d in dated if d <= cutoff)
    n_recent, n_earlier = sum(recent.values()), sum(earlier.values())
    testable = (
        (cutoff - first).days + 1 >= EMERGING_MIN_EARLIER_DAYS
        and n_recent >= EMERGING_MIN_TOTAL
        and n_earlier >= EMERGING_MIN_TOTAL
    )
    tested = sorted({t for t, _ in dated} - {OTHER})
    result = {}
    for theme in tested:
        recent_share = recent[theme] / n_recent if n_recent else 0.0
        earlier_share = earlier[theme] / n_earlier if n_earlier else 0.0
        p_value = None
        emerging = False
        if testable:
            total = recent[theme] + earlier[theme]
            window = n_recent / (n_recent + n_earlier)  # the recent part of all dated texts
            p_value = float(binomtest(recent[theme], total, window, alternative="greater").pvalue)
            emerging = (
                p_value < alpha / len(tested)
                and recent_share >= min_ratio * earlier_share
                and recent[theme] >= min_recent
            )
        result[theme] = Emergence(
            recent_share,
            earlier_share,
            recent[theme],
            emerging,
            earlier_count=earlier[theme],
            n_recent=n_recent,
            n_earlier=n_earlier,
            p_value=p_value,
            recent_days=recent_days,
        )
    return result


def new_clusters(
    vectors: np.ndarray,
    centres: np.ndarray,
    is_new: np.ndarray,
    reference_members: np.ndarray,
    *,
    min_size: int = 5,
    max_linked: int = 3000,
) -> list[np.ndarray]:
    """Groups of new contributions far from every existing theme centre.

    "Far" is data-driven: less similar to the closest centre than 95 % of the reference contributions
    (``reference_members``: rows that defined the existing themes) are to theirs. Such far rows are
    grouped by average-linkage on cosine, stopping where a group would be looser than a typical theme;
    each group of at least ``min_size`` rows is returned (row indices).

    Average linkage holds every pair in memory: 30,000 far rows (a large late topic in a national
    consultation) would need 3.6 GB for the distances alone. Beyond ``max_linked`` far rows, a seeded
    sample is linked, and every far row joins the group whose mean direction it is closest to, if it is
    as close to it as a typical member is to its theme's centre (else it stays in no group).
    """
    is_new = np.asarray(is_new, dtype=bool)
    if len(centres) == 0 or not is_new.any() or len(reference_members) == 0:
        return []
    closest = (vectors @ centres.T).max(axis=1)
    far_limit = np.quantile(closest[reference_members], 0.05)
    far = np.flatnonzero(is_new & (closest < far_limit))
    if len(far) < min_size:
        return []
    # Pairwise similarity within a theme is about the square of the similarity to its centre.
    typical = float(np.median(closest[reference_members]))
    linked = far
    if len(far) > max_linked:
        linked = np.sort(np.random.default_rng(0).choice(far, size=max_linked, replace=False))
    groups = AgglomerativeClustering(
        n_clusters=None, metric="cosine", linkage="average", distance_threshold=1.0 - typical**2
    ).fit_predict(vectors[linked])
    if len(linked) < len(far):
        ids = np.unique(groups)
        directions = np.stack([vectors[linked[groups == g]].mean(axis=0) for g in ids])
        directions /= np.maximum(np.linalg.norm(directions, axis=1, keepdims=True), 1e-12)
        similarity = vectors[far] @ directions.T
        best = similarity.argmax(axis=1)
        groups = np.where(similarity[np.arange(len(far)), best] >= typical, ids[best], -1)
    return [far[groups == g] for g in np.unique(groups) if g >= 0 and (groups == g).sum() >= min_size]


# ---------------------------------------------------------------------------------------- all figures


def theme_figures(
    themes: np.ndarray,
    strata: Sequence[Mapping[str, str | None]],
    dates: Sequence[dt.date | None],
    votes: Sequence[Votes | None] | None = None,
    *,
    weights: np.ndarray | None = None,
    min_cell: int = MIN_CELL,
    recent_days: int = 14,
) -> dict[int, dict]:
    """Every figure of each theme of a partition of distinct contributions (one row per contribution
    that counts once): size, share, weighted share, breakdown per stratum (every stratum any row gives),
    stance (only when some row has votes), weekly trend and emergence (None for OTHER). A row's
    ``votes`` are those of every proposal it stands for, copies included (``votes_per_unit``).

    The one rule for these figures: the pipeline calls it on the themes it finds, the sign-off editor on
    the themes after each edit, so a theme shows the same figures whichever way it got its members."""
    themes = np.asarray(themes)
    shares = theme_shares(themes, weights)
    variables = sorted({key for row in strata for key in row})
    tables = {v: breakdown(themes, strata, v, min_cell=min_cell) for v in variables}
    has_votes = votes is not None and any(v is not None for v in votes)
    votes_per_theme = stance(themes, votes) if has_votes else {}
    weekly = trend(themes, dates)
    emergence = emerging_themes(themes, dates, recent_days=recent_days)
    figures = {}
    for theme, share in shares.items():
        entry: dict = {**share, "breakdown": {v: tables[v].get(theme, {}) for v in variables}}
        if has_votes:
            entry["stance"] = votes_per_theme[theme]
        entry["trend"] = weekly.get(theme, {})
        entry["emergence"] = emergence.get(theme)
        figures[theme] = entry
    return figures
