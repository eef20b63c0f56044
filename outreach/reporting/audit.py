"""The interval audit: how narrowly can a reader who holds every publication pin a hidden cell?

For each hidden cell, the smallest and largest value consistent with everything published (the
released values, every additive relation, every bound, all cells ≥ 0) are two linear programs
(HiGHS through scipy). Counts are integers; the programs relax them to reals, which can only
widen a range by less than one on each side — so the gate asks for a width of at least k on the
relaxed range, and documents it (docs/privacy.md).

Two things keep this fast: the system splits into independent components (hidden cells linked
through relations with other hidden cells), and any feasible point found on the way (the true
values, the optimum of an earlier program) already proves a lower bound on every cell's range,
so most cells never need their own two programs.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import linprog
from scipy.sparse import csr_matrix

EPSILON = 1e-6
RANDOM_DIRECTIONS = 16


@dataclass
class AuditResult:
    limit: int
    ranges: dict[str, tuple[float, float]] = field(default_factory=dict)  # exact (relaxed) ranges
    certified: dict[str, float] = field(default_factory=dict)  # proven width ≥ value
    programs: int = 0

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
    rows = []  # (coefficients {key: c}, rhs, is_equality)
    for total, parts in equalities:
        coefficients: dict[str, float] = {}
        rhs = 0.0
        for key, sign in ((total, 1.0), *((p, -1.0) for p in parts)):
            if key in unknown:
                coefficients[key] = coefficients.get(key, 0.0) + sign
            else:
                rhs -= sign * values[key]
        if coefficients:
            rows.append((coefficients, rhs, True))
    for plus, minus in inequalities:
        coefficients, rhs = {}, 0.0
        for key, sign in (*((p, 1.0) for p in plus), *((m, -1.0) for m in minus)):
            if key in unknown:
                coefficients[key] = coefficients.get(key, 0.0) + sign
            else:
                rhs -= sign * values[key]
        if coefficients and any(c > 0 for c in coefficients.values()):
            rows.append((coefficients, rhs, False))
    components = _Components(unknown)
    for coefficients, _rhs, _eq in rows:
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
            ranges, certified = memo[signature]
            result.ranges.update(ranges)
            result.certified.update(certified)
            continue
        part = AuditResult(result.limit)
        _audit_component(sorted(keys), targets, by_component.get(root, []), values, part)
        result.ranges.update(part.ranges)
        result.certified.update(part.certified)
        result.programs += part.programs
        if memo is not None:
            memo[signature] = (part.ranges, part.certified)
    return result


def _audit_component(keys, targets, rows, values, result: AuditResult) -> None:
    index = {k: i for i, k in enumerate(keys)}
    n = len(keys)
    truth = np.array([values[k] for k in keys], dtype=float)
    if not rows:  # nothing constrains these cells but x ≥ 0: unbounded above
        for key in targets:
            result.certified[key] = float("inf")
        return
    eq = [(c, r) for c, r, is_eq in rows if is_eq]
    ub = [(c, r) for c, r, is_eq in rows if not is_eq]

    def matrix(selected):
        if not selected:
            return None, None
        data, row_ids, col_ids = [], [], []
        for row_id, (coefficients, _r) in enumerate(selected):
            for key, value in coefficients.items():
                data.append(value)
                row_ids.append(row_id)
                col_ids.append(index[key])
        shape = (len(selected), n)
        return csr_matrix((data, (row_ids, col_ids)), shape=shape), np.array([r for _c, r in selected])

    a_eq, b_eq = matrix(eq)
    a_ub, b_ub = matrix(ub)
    low_seen, high_seen = truth.copy(), truth.copy()

    def solve(objective: np.ndarray):
        result.programs += 1
        found = linprog(
            objective, A_ub=a_ub, b_ub=b_ub, A_eq=a_eq, b_eq=b_eq, bounds=(0, None), method="highs"
        )
        if found.status == 3:  # unbounded in this direction
            return None, True
        if found.status != 0:
            raise RuntimeError(f"Interval audit: the published figures are inconsistent ({found.message}).")
        np.minimum(low_seen, found.x, out=low_seen)
        np.maximum(high_seen, found.x, out=high_seen)
        return found, False

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
        high, unbounded = solve(objective)
        if unbounded:
            result.certified[key] = float("inf")
            continue
        if high_seen[i] - low_seen[i] >= result.limit:  # the maximum alone proves it
            result.certified[key] = float(high_seen[i] - low_seen[i])
            continue
        objective[i] = 1.0
        low, _u = solve(objective)
        result.ranges[key] = (float(low.x[i]), float(high.x[i]))
