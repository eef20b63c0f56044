"""The interval audit: how narrowly can a reader who holds every publication pin a hidden cell?

For each hidden cell, the smallest and largest value consistent with everything published (the
released values, every additive relation, every bound, all cells ≥ 0) are two linear programs
(HiGHS, through `highspy`: one model per component, only the objective changing between them).
Counts are integers; the programs relax them to reals, which can only widen a range by less than
one on each side — so the gate asks for a width of at least k on the
relaxed range, and documents it (docs/privacy.md).

Two things keep this fast: the system splits into independent components (hidden cells linked
through relations with other hidden cells), and any feasible point found on the way (the true
values, the optimum of an earlier program) already proves a lower bound on every cell's range,
so most cells never need their own two programs.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import highspy
import numpy as np
from scipy.sparse import csc_matrix

EPSILON = 1e-6
RANDOM_DIRECTIONS = 16
CEILING = 1e6  # above the sum of all true values: see _Solver


@dataclass
class AuditResult:
    limit: int
    ranges: dict[str, tuple[float, float]] = field(default_factory=dict)  # exact (relaxed) ranges
    certified: dict[str, float] = field(default_factory=dict)  # proven width ≥ value
    programs: int = 0
    # For a cell narrower than the limit: the published cells of the relations that pin it (the
    # rows with a non-zero dual in its two programs): hiding one of them is what can widen it.
    binding: dict[str, set[str]] = field(default_factory=dict)

    def width(self, key: str) -> float:
        if key in self.ranges:
            low, high = self.ranges[key]
            return high - low
        return self.certified[key]

    def forced_zero(self, key: str) -> bool:
        """Pinned at 0 by published zeros ("nobody, anywhere here"): a fact about no one."""
        return key in self.ranges and self.ranges[key][1] <= EPSILON

    @property
    def failing(self) -> list[str]:
        return sorted(
            k
            for k in [*self.ranges, *self.certified]
            if self.width(k) < self.limit - EPSILON and not self.forced_zero(k)
        )

    @property
    def ok(self) -> bool:
        return not self.failing

    @property
    def narrowest(self) -> float | None:
        widths = [self.width(k) for k in [*self.ranges, *self.certified] if not self.forced_zero(k)]
        return min(widths) if widths else None

    def figures(self) -> dict:
        narrowest = self.narrowest
        return {
            "hidden": len(self.ranges) + len(self.certified),
            "narrowest": None if narrowest is None or narrowest == float("inf") else round(narrowest, 2),
            "threshold": self.limit,
            "programs": self.programs,
        }


class _Components:
    def __init__(self, keys: Iterable[str]) -> None:
        self.parent = {k: k for k in keys}

    def find(self, key: str) -> str:
        while self.parent[key] != key:
            self.parent[key] = self.parent[self.parent[key]]
            key = self.parent[key]
        return key

    def union(self, keys: list[str]) -> None:
        roots = [self.find(k) for k in keys]
        for root in roots[1:]:
            self.parent[root] = roots[0]


def audit(
    values: dict[str, int],
    equalities: list[tuple[str, tuple[str, ...]]],
    inequalities: list[tuple[tuple[str, ...], tuple[str, ...]]],
    *,
    hidden: set[str],
    free: set[str],
    limit: int,
    memo: dict | None = None,
) -> AuditResult:
    """The range of every hidden cell given the published values, relations and bounds.

    `memo` (a dict kept between calls on the same values) reuses the answer of any component
    that has not changed since the last call.
    """
    unknown = hidden | free
    rows = []  # (coefficients {key: c}, rhs, is_equality, published keys)
    for total, parts in equalities:
        row = _row(((total, 1.0), *((p, -1.0) for p in parts)), unknown, values, True)
        if row[0]:
            rows.append(row)
    for plus, minus in inequalities:
        row = _row((*((p, 1.0) for p in plus), *((m, -1.0) for m in minus)), unknown, values, False)
        # Σ c·x ≤ rhs with every c ≤ 0 and rhs ≥ 0 says nothing beyond x ≥ 0; with rhs < 0 it is a
        # lower bound (a hidden total is at least a published part) and must be kept.
        if row[0] and (any(c > 0 for c in row[0].values()) or row[1] < 0):
            rows.append(row)
    components = _Components(unknown)
    for coefficients, *_rest in rows:
        components.union(list(coefficients))
    members: dict[str, list[str]] = {}
    for key in unknown:
        members.setdefault(components.find(key), []).append(key)
    by_component: dict[str, list] = {}
    for row in rows:
        by_component.setdefault(components.find(next(iter(row[0]))), []).append(row)
    result = AuditResult(limit)
    for root, keys in members.items():
        targets = sorted(k for k in keys if k in hidden)
        if not targets:
            continue
        signature = (tuple(sorted(keys)), tuple(targets))
        if memo is not None and signature in memo:
            part = memo[signature]
        else:
            part = AuditResult(result.limit)
            _audit_component(sorted(keys), targets, by_component.get(root, []), values, part)
            result.programs += part.programs
            if memo is not None:
                memo[signature] = part
        result.ranges.update(part.ranges)
        result.certified.update(part.certified)
        result.binding.update(part.binding)
    return result


def _row(terms, unknown, values, is_equality):
    """One relation over the unknown cells: the published ones move to the right-hand side."""
    coefficients: dict[str, float] = {}
    rhs, known = 0.0, []
    for key, sign in terms:
        if key in unknown:
            coefficients[key] = coefficients.get(key, 0.0) + sign
        else:
            rhs -= sign * values[key]
            known.append(key)
    return coefficients, rhs, is_equality, tuple(known)


def _audit_component(keys, targets, rows, values, result: AuditResult) -> None:
    index = {k: i for i, k in enumerate(keys)}
    n = len(keys)
    truth = np.array([values[k] for k in keys], dtype=float)
    if not rows:  # nothing constrains these cells but x ≥ 0: unbounded above
        for key in targets:
            result.certified[key] = float("inf")
        return
    solver = _Solver(keys, index, rows, ceiling=float(truth.sum()) + CEILING)
    low_seen, high_seen = truth.copy(), truth.copy()

    def solve(objective: np.ndarray) -> np.ndarray:
        result.programs += 1
        x = solver.minimise(objective)
        np.minimum(low_seen, x, out=low_seen)
        np.maximum(high_seen, x, out=high_seen)
        return x

    def binding() -> set[str]:
        duals = solver.duals()
        return {k for r in np.flatnonzero(np.abs(duals) > EPSILON) for k in rows[r][3]}

    # Two cheap programs move every cell at once; each proves part of many ranges.
    target_ids = [index[k] for k in targets]
    pull = np.zeros(n)
    pull[target_ids] = 1.0
    if len(targets) > 1:
        solve(pull)
        solve(-pull)
    rng = np.random.default_rng(0)
    for _draw in range(min(RANDOM_DIRECTIONS, len(targets) // 4)):  # random directions: free proofs
        solve(rng.choice([-1.0, 1.0], n) * (pull + 0.01))
    for key in targets:
        i = index[key]
        if high_seen[i] - low_seen[i] >= result.limit:
            result.certified[key] = float(high_seen[i] - low_seen[i])
            continue
        objective = np.zeros(n)
        objective[i] = -1.0
        high = solve(objective)[i]
        if high_seen[i] - low_seen[i] >= result.limit:  # the maximum alone proves it
            result.certified[key] = float(high_seen[i] - low_seen[i])
            continue
        pinning = binding()
        objective[i] = 1.0
        low = solve(objective)[i]
        result.ranges[key] = (float(low), float(high))
        if high - low < result.limit - EPSILON:
            result.binding[key] = pinning | binding()


class _Solver:
    """One HiGHS model per component; only the objective changes between programs (warm start).

    Every cell is capped at the sum of all true values plus CEILING: the capped set of points lies
    inside the true one, so a range found here can only be narrower than the reader's (safe).
    """

    def __init__(self, keys, index, rows, *, ceiling: float) -> None:
        n = len(keys)
        data, row_ids, col_ids, lower, upper = [], [], [], [], []
        for row_id, (coefficients, rhs, is_equality, _known) in enumerate(rows):
            for key, value in coefficients.items():
                data.append(value)
                row_ids.append(row_id)
                col_ids.append(index[key])
            lower.append(rhs if is_equality else -highspy.kHighsInf)
            upper.append(rhs)
        matrix = csc_matrix((data, (row_ids, col_ids)), shape=(len(rows), n))
        model = highspy.HighsLp()
        model.num_col_, model.num_row_ = n, len(rows)
        model.col_cost_ = np.zeros(n)
        model.col_lower_ = np.zeros(n)
        model.col_upper_ = np.full(n, ceiling)
        model.row_lower_ = np.array(lower, dtype=float)
        model.row_upper_ = np.array(upper, dtype=float)
        model.a_matrix_.format_ = highspy.MatrixFormat.kColwise
        model.a_matrix_.start_ = matrix.indptr
        model.a_matrix_.index_ = matrix.indices
        model.a_matrix_.value_ = matrix.data
        self.n = n
        self.highs = highspy.Highs()
        self.highs.setOptionValue("output_flag", False)
        # Only the objective changes between programs: the primal simplex restarts from the last
        # optimal basis, still feasible (a few pivots instead of a whole solve).
        self.highs.setOptionValue("presolve", "off")
        self.highs.setOptionValue("simplex_strategy", 4)
        self.highs.passModel(model)
        self.columns = np.arange(n, dtype=np.int32)

    def minimise(self, objective: np.ndarray) -> np.ndarray:
        self.highs.changeColsCost(self.n, self.columns, np.asarray(objective, dtype=float))
        self.highs.run()
        status = self.highs.getModelStatus()
        if status != highspy.HighsModelStatus.kOptimal:
            raise RuntimeError(f"Interval audit: the published figures are inconsistent ({status}).")
        return np.array(self.highs.getSolution().col_value)

    def duals(self) -> np.ndarray:
        return np.array(self.highs.getSolution().row_dual)
