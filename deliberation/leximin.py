"""LEXIMIN over profile types, by column generation on the open solver HiGHS. Pure Python, no Django.

Volunteers with the same strata profile, and no housemate in the pool, are interchangeable: any panel
stays valid when one of them is swapped for another. So the fairest lottery can be found over *types*
(one type per profile, with its size n_t) instead of over people, which is what makes large pools fast:
a lottery over *compositions* (how many seats each type gets, c_t) gives each member of type t the
probability E[c_t] / n_t once the c_t seats of a type are given to c_t of its members chosen uniformly.
People who share a household with someone else in the pool are not interchangeable (at most one of them
may sit): each is a type of size 1, and the household constraint is a row of the integer program.

The feasible set of selection-probability vectors is convex and symmetric under permutations inside a
type, and its leximin optimum is unique, so it gives equal probabilities inside each type: solving over
types loses nothing (Flanigan, Gölz, Gupta, Hennig, Procaccia, *Fair algorithms for selecting citizens'
assemblies*, Nature 2021, Methods; their algorithm, restated over types below).

Leximin, stage by stage. With F the types whose probability is already fixed at f_t:

    maximise z  subject to  sum_c q_c c_t / n_t >= z   (t not in F)
                            sum_c q_c c_t / n_t >= f_t (t in F)
                            sum_c q_c = 1,  q >= 0

over all valid compositions c. There are too many compositions to list, so the LP is solved on a
growing set of them (column generation): the LP's row duals w_t >= 0 price a composition at
sum_t w_t c_t / n_t, and one integer program (HiGHS MIP) finds the best-priced valid composition; if it
beats the LP's convexity dual, it joins the set, else the stage is optimal. The types with a positive
dual cannot all go above z: they are fixed at z, and the next stage lifts the others. The last stage's
q is the lottery.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import highspy
import numpy as np

# A composition beats the current LP when its price exceeds the convexity dual by more than this. The
# difference bounds how far the stage's value z is from its optimum (duals add up to 1 over the types
# not fixed), so the minimum probability is exact to within this (0.0001 percentage point).
_PRICE_TOLERANCE = 1e-6
# A type whose dual weight is above this at the end of a stage is fixed at the stage's value.
_FIX_TOLERANCE = 1e-7
# Fixed probabilities are kept up to this slack in later stages (numerical noise of the LP).
_FIXED_SLACK = 1e-9
# Compositions whose probability is below this are dropped from the lottery.
_DROP_BELOW = 1e-11


# Rounds of multiplicative weights seeding the first LP (each one LP relaxation of the composition program).
MW_ROUNDS = 1000


class LeximinError(ValueError):
    """No valid composition exists (the quotas cannot be met), or the solver failed."""


@dataclass(frozen=True)
class TypeProblem:
    """The integer program of valid compositions.

    `sizes[t]`: members of type t. `panel_size`: seats. `rows`: (type indices, min, max) for each quota
    (the types holding the quota's value) and each household of several people (their singleton types,
    0, 1).
    """

    sizes: tuple[int, ...]
    panel_size: int
    rows: tuple[tuple[tuple[int, ...], int, int], ...]


@dataclass(frozen=True)
class TypeLottery:
    """The leximin lottery over compositions: `compositions[j]` (seats per type) with `weights[j]`, and
    each type's member probability (`type_probabilities[t]` = sum_j weights[j] c_jt / n_t)."""

    compositions: tuple[tuple[int, ...], ...]
    weights: tuple[float, ...]
    type_probabilities: tuple[float, ...]
    stages: int
    lp_rounds: int
    seconds: float
    maximin_seconds: float  # when the first stage (the smallest probability) was optimal
    complete: bool  # False when the refinement budget ran out before every type was fixed


def _silent(highs: highspy.Highs) -> None:
    highs.setOptionValue("output_flag", False)
    highs.setOptionValue("log_to_console", False)


class _Pricer:
    """The integer program of valid compositions. `best(costs)` returns compositions maximising
    costs . c: the best first, then other good ones met on the way (several columns per round)."""

    def __init__(self, problem: TypeProblem) -> None:
        self.problem = problem
        self.size = t = len(problem.sizes)
        self.index = np.arange(t, dtype=np.int32)
        self.highs = self._model(problem, integer=True)
        self.highs.setOptionValue("mip_abs_gap", 1e-12)
        self.highs.setOptionValue("mip_improving_solution_save", True)
        # The LP relaxation is tried first: its optimal vertex is often integral (always with two quota
        # categories and no household rows: the matrix is then totally unimodular), and an LP is much
        # cheaper than the integer program.
        self.relaxed = self._model(problem, integer=False)

    def _model(self, problem: TypeProblem, integer: bool) -> highspy.Highs:
        highs = highspy.Highs()
        _silent(highs)
        t = self.size
        highs.addVars(t, np.zeros(t), np.array(problem.sizes, dtype=float))
        if integer:
            highs.changeColsIntegrality(t, self.index, np.array([highspy.HighsVarType.kInteger] * t))
        highs.addRow(problem.panel_size, problem.panel_size, t, self.index, np.ones(t))
        for indices, low, high in problem.rows:
            idx = np.array(indices, dtype=np.int32)
            highs.addRow(low, high, len(idx), idx, np.ones(len(idx)))
        highs.changeObjectiveSense(highspy.ObjSense.kMaximize)
        return highs

    def _run(self, highs: highspy.Highs, costs: np.ndarray) -> np.ndarray | None:
        highs.changeColsCost(self.size, self.index, np.asarray(costs, dtype=float))
        highs.run()
        status = highs.getModelStatus()
        if status in (
            highspy.HighsModelStatus.kInfeasible,
            highspy.HighsModelStatus.kUnboundedOrInfeasible,
            highspy.HighsModelStatus.kNotset,  # rows with bounds no type can meet (e.g. an empty stratum)
        ):
            return None
        if status != highspy.HighsModelStatus.kOptimal:
            raise LeximinError(f"The solver stopped with status {highs.modelStatusToString(status)}.")
        return np.array(highs.getSolution().col_value)

    def best(
        self, costs: np.ndarray, exact: bool = False, relaxed_only: bool = False
    ) -> list[tuple[int, ...]]:
        """Compositions by decreasing price, the first optimal; [] when no composition is valid (or, with
        `relaxed_only`, when the relaxation's optimum is not integral)."""
        if not exact:
            values = self._run(self.relaxed, costs)
            if values is None:
                return []
            rounded = np.round(values)
            if np.all(np.abs(values - rounded) < 1e-7):
                return [tuple(int(v) for v in rounded)]
            if relaxed_only:
                return []
        # A column only has to beat the LP, not be the best: a loose gap is much faster, and the exact
        # integer program is run only when the loose one finds nothing better (the end of a stage).
        self.highs.setOptionValue("mip_rel_gap", 1e-9 if exact else 1e-2)
        values = self._run(self.highs, costs)
        if values is None:
            return []
        found = [tuple(int(round(v)) for v in values)]
        saved = sorted(self.highs.getSavedMipSolutions(), key=lambda s: -s.objective)
        for solution in saved[:20]:
            composition = tuple(int(round(v)) for v in solution.col_value)
            if composition not in found:
                found.append(composition)
        return found


def _seed_compositions(pricer: _Pricer, sizes: Sequence[int], active: Sequence[int]) -> list[tuple[int, ...]]:
    """Columns for a stage, by multiplicative weights over the `active` types (Flanigan et al.'s first
    phase): each round prices the active types by their weight, and a type that got seats sees its weight
    shrink, so the next compositions seat others. Only LP relaxations (a few ms each); a round whose
    optimum is fractional adds nothing and shakes the weights."""
    found: dict[tuple[int, ...], None] = {}
    count = len(sizes)
    inverse = np.array([1.0 / n for n in sizes])
    mask = np.zeros(count)
    mask[list(active)] = 1.0
    weights = mask.copy()
    rng = np.random.default_rng(len(active))
    for _ in range(min(2 * len(active), MW_ROUNDS)):
        best = pricer.best(weights * inverse, relaxed_only=True)
        if not best:
            weights = weights * np.exp(0.05 * rng.standard_normal(count))
            continue
        composition = best[0]
        found.setdefault(composition, None)
        weights *= np.exp(-0.8 * np.array(composition, dtype=float) * inverse)
        weights = np.maximum(weights / weights.max(), 1e-9) * mask
    return list(found)


class _Master:
    """The restricted LP of one leximin stage, kept across stages (HiGHS re-solves from its last basis)."""

    def __init__(self, sizes: Sequence[int]) -> None:
        self.sizes = np.array(sizes, dtype=float)
        self.count = len(sizes)
        highs = highspy.Highs()
        _silent(highs)
        highs.changeObjectiveSense(highspy.ObjSense.kMaximize)
        t = self.count
        # Rows 0..t-1: type probabilities; row t: the weights add up to 1.
        empty_index, empty_value = np.array([], dtype=np.int32), np.array([], dtype=float)
        for _ in range(t):
            highs.addRow(0.0, highs.inf, 0, empty_index, empty_value)
        highs.addRow(1.0, 1.0, 0, empty_index, empty_value)
        # Column 0: z, coefficient -1 in every type row not fixed yet.
        highs.addCol(1.0, -highs.inf, highs.inf, t, np.arange(t, dtype=np.int32), -np.ones(t))
        self.highs = highs
        self.columns: list[tuple[int, ...]] = []
        self.known: set[tuple[int, ...]] = set()

    def add(self, composition: tuple[int, ...]) -> bool:
        if composition in self.known:
            return False
        self.known.add(composition)
        self.columns.append(composition)
        counts = np.array(composition, dtype=float)
        nonzero = np.nonzero(counts)[0]
        indices = np.append(nonzero, self.count).astype(np.int32)
        values = np.append(counts[nonzero] / self.sizes[nonzero], 1.0)
        self.highs.addCol(0.0, 0.0, self.highs.inf, len(indices), indices, values)
        return True

    def fix(self, type_index: int, value: float) -> None:
        self.highs.changeCoeff(type_index, 0, 0.0)
        self.highs.changeRowBounds(type_index, max(0.0, value - _FIXED_SLACK), self.highs.inf)

    def solve(self) -> tuple[float, np.ndarray, float, np.ndarray]:
        """z, the type duals w >= 0, the convexity dual, and the column weights."""
        highs = self.highs
        highs.run()
        status = highs.getModelStatus()
        if status != highspy.HighsModelStatus.kOptimal:
            raise LeximinError(f"The lottery LP stopped with status {highs.modelStatusToString(status)}.")
        solution = highs.getSolution()
        row_dual = np.array(solution.row_dual)
        col_value = np.array(solution.col_value)
        # HiGHS's duals for a maximisation: a >= row binding at its lower bound has a dual <= 0.
        w = np.maximum(-row_dual[: self.count], 0.0)
        convexity = -row_dual[self.count]
        return float(col_value[0]), w, float(convexity), col_value[1:]


def solve_leximin(
    problem: TypeProblem,
    progress: Callable[[str, int, int | None, str], None] | None = None,
    time_limit: float | None = None,
    refine_seconds: float | None = None,
) -> TypeLottery:
    """The leximin lottery over compositions. `progress(phase, current, total, message)` is told each
    stage and every few LP rounds.

    `time_limit` (seconds) stops the whole search with `LeximinError`. `refine_seconds`: once the first
    stage is optimal (the smallest probability is as large as it can be: maximin), later stages only
    raise the probabilities of the better-off; when this many seconds have passed since the start, the
    search stops and returns the lottery of the last LP solved, which is valid and keeps every
    probability fixed so far (`complete` is then False).
    """
    started = time.perf_counter()
    sizes = problem.sizes
    if any(n < 1 for n in sizes):
        raise LeximinError("Every type must have at least one member.")
    pricer = _Pricer(problem)
    master = _Master(sizes)
    first = pricer.best(np.array([1.0 / n for n in sizes]))
    if not first:
        raise LeximinError("No panel meets the quotas.")
    master.add(first[0])
    inverse = np.array([1.0 / n for n in sizes])
    fixed: dict[int, float] = {}
    stages = rounds = 0
    weights = np.zeros(0)
    maximin_seconds = 0.0
    complete = True
    if progress is not None:
        progress("leximin", 0, None, f"Leximin over {len(sizes)} groups of interchangeable volunteers")
    while len(fixed) < len(sizes) and complete:
        stages += 1
        for composition in _seed_compositions(
            pricer, sizes, [t for t in range(len(sizes)) if t not in fixed]
        ):
            master.add(composition)
        while True:
            rounds += 1
            elapsed = time.perf_counter() - started
            if time_limit is not None and elapsed > time_limit:
                raise LeximinError(f"No lottery found within {time_limit:.0f} s.")
            z, w, convexity, weights = master.solve()
            if stages > 1 and refine_seconds is not None and elapsed > refine_seconds:
                complete = False  # `weights` is the last LP's lottery: valid, fixed probabilities kept
                break
            costs = w * inverse
            candidates = pricer.best(costs)
            if not candidates:
                raise LeximinError("No panel meets the quotas.")
            price = float(np.dot(costs, candidates[0]))
            if price <= convexity + _PRICE_TOLERANCE:
                # The relaxation found nothing better: only the integer program can say the stage is over.
                candidates = pricer.best(costs, exact=True)
                price = float(np.dot(costs, candidates[0]))
            if progress is not None and rounds % 10 == 0:
                progress(
                    "leximin", rounds, None,
                    f"Stage {stages}: {len(fixed)} of {len(sizes)} profile groups fixed, "
                    f"{len(master.columns)} compositions, lowest probability {z:.4%}, "
                    f"gap {price - convexity:.2e}",
                )  # fmt: skip
            if price <= convexity + _PRICE_TOLERANCE:
                break
            added = [c for c in candidates if float(np.dot(costs, c)) > convexity + _PRICE_TOLERANCE]
            if not any([master.add(c) for c in added]):  # noqa: C419 (add every one)
                break
        if not complete:
            break
        if stages == 1:
            maximin_seconds = time.perf_counter() - started
        newly = [t for t in range(len(sizes)) if t not in fixed and w[t] > _FIX_TOLERANCE]
        if not newly:  # cannot happen (the unfixed duals add up to 1), but never loop forever
            newly = [t for t in range(len(sizes)) if t not in fixed]
        for t in newly:
            fixed[t] = z
            master.fix(t, z)
        if progress is not None:
            progress(
                "leximin", rounds, None,
                f"Stage {stages} done: {len(fixed)} of {len(sizes)} groups fixed, probability {z:.4%}",
            )  # fmt: skip
    if progress is not None:  # current == total: the last round, always written by a throttled writer
        progress("leximin", rounds, rounds, f"Lottery found after {stages} stage(s) and {rounds} LP rounds")
    # The last stage's LP solution is the lottery; the solve above already holds it.
    keep = [j for j, q in enumerate(weights) if q > _DROP_BELOW]
    total = math.fsum(float(weights[j]) for j in keep)
    compositions = tuple(master.columns[j] for j in keep)
    final = tuple(float(weights[j]) / total for j in keep)
    type_probabilities = tuple(
        math.fsum(q * c[t] for c, q in zip(compositions, final, strict=True)) / sizes[t]
        for t in range(len(sizes))
    )
    return TypeLottery(
        compositions=compositions,
        weights=final,
        type_probabilities=type_probabilities,
        stages=stages,
        lp_rounds=rounds,
        seconds=time.perf_counter() - started,
        maximin_seconds=maximin_seconds,
        complete=complete,
    )
