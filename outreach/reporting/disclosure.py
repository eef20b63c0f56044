"""Disclosure control for everything that leaves a team (see docs/privacy.md, ADR 003).

A report is a set of count cells linked by additive relations ("contacts = street + digital",
"this row's total = the sum of its cells", ...). `protect` decides which cells to hide:

1. Primary suppression: every count from 1 to threshold - 1 is hidden. Zeros are published.
2. Secondary suppression, line by line: in every relation, a single hidden cell could be
   recomputed by subtraction, and hidden cells whose known sum is small could be pinned down, so
   more cells are hidden (the smallest non-zero ones first) until every relation has no hidden
   cell or at least two whose sum is at least the threshold.
3. An audit over all relations at once: a hidden cell is exposed when the published values
   determine it through any combination of relations (rows *and* columns *and* margins). The
   audit finds such cells exactly (a null-space test) and hides one more neighbour until none
   is left. Hiding everything is always safe, so the loop ends.

The same cell key may appear in several tables (a margin shared by two tables): it is one cell,
so it is hidden everywhere or nowhere.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
from django.conf import settings

MINIMUM_THRESHOLD = 3


def threshold() -> int:
    """The configured threshold, never below 3 whatever the settings say."""
    return max(MINIMUM_THRESHOLD, int(getattr(settings, "DISCLOSURE_THRESHOLD", 5)))


@dataclass(frozen=True)
class Relation:
    """`total` equals the sum of `parts`."""

    total: str
    parts: tuple[str, ...]

    def cells(self) -> tuple[str, ...]:
        return (self.total, *self.parts)


@dataclass
class CellSystem:
    """Count cells (key -> true value) and the additive relations a reader knows between them."""

    values: dict[str, int] = field(default_factory=dict)
    relations: list[Relation] = field(default_factory=list)

    def add(self, key: str, value: int) -> str:
        if key in self.values and self.values[key] != value:
            raise ValueError(f"Cell {key} given two values ({self.values[key]} and {value}).")
        self.values[key] = int(value)
        return key

    def relate(self, total: str, parts: Iterable[str]) -> None:
        parts = tuple(parts)
        missing = [key for key in (total, *parts) if key not in self.values]
        if missing:
            raise KeyError(f"Unknown cells in relation: {missing}")
        if sum(self.values[p] for p in parts) != self.values[total]:
            raise ValueError(f"Cells of {total} do not add up.")
        if parts:
            self.relations.append(Relation(total, parts))


def is_primary(value: int, limit: int) -> bool:
    return 0 < value < limit


def protect(system: CellSystem, *, limit: int | None = None) -> set[str]:
    """The keys to hide so no hidden cell can be recomputed from what is published."""
    limit = threshold() if limit is None else max(MINIMUM_THRESHOLD, limit)
    values = system.values
    hidden = {key for key, value in values.items() if is_primary(value, limit)}
    while True:
        extra = _line_violation(system, hidden, limit)
        if extra is None:
            extra = _audit_violation(system, hidden)
        if extra is None:
            return hidden
        hidden.add(extra)


def _pick(values: Mapping[str, int], candidates: Iterable[str], hidden: set[str]) -> str | None:
    """The published candidate to hide next: the smallest non-zero one, else any (stable order)."""
    open_cells = sorted(
        (key for key in candidates if key not in hidden), key=lambda k: (values[k] == 0, values[k], k)
    )
    return open_cells[0] if open_cells else None


def _line_violation(system: CellSystem, hidden: set[str], limit: int) -> str | None:
    values = system.values
    for relation in system.relations:
        hidden_here = [key for key in relation.cells() if key in hidden]
        if not hidden_here:
            continue
        if len(hidden_here) == 1:
            choice = _pick(values, relation.parts, hidden) or _pick(values, [relation.total], hidden)
            if choice is not None:
                return choice
            continue
        if relation.total not in hidden and sum(values[k] for k in hidden_here) < limit:
            choice = _pick(values, relation.parts, hidden) or relation.total
            return choice
    return None


def exposed_cells(system: CellSystem, hidden: set[str]) -> set[str]:
    """Hidden cells the published values determine exactly through the relations."""
    order = sorted(hidden)
    index = {key: i for i, key in enumerate(order)}
    rows = []
    for relation in system.relations:
        row = np.zeros(len(order))
        touched = False
        for key, sign in ((relation.total, -1.0), *((part, 1.0) for part in relation.parts)):
            if key in index:
                row[index[key]] += sign
                touched = True
        if touched:
            rows.append(row)
    if not order or not rows:
        return set()
    matrix = np.array(rows)
    _, singular, vt = np.linalg.svd(matrix)
    rank = int((singular > 1e-9).sum())
    null_space = vt[rank:]  # rows span the directions the hidden values can move in together
    movable = np.abs(null_space).max(axis=0) if len(null_space) else np.zeros(len(order))
    return {key for key, i in index.items() if movable[i] < 1e-9}


def _audit_violation(system: CellSystem, hidden: set[str]) -> str | None:
    exposed = exposed_cells(system, hidden)
    if not exposed:
        return None
    target = min(exposed)
    neighbours = [
        key for relation in system.relations if target in relation.cells() for key in relation.cells()
    ]
    choice = _pick(system.values, neighbours, hidden)
    if choice is None:  # cannot happen while the target sits in a relation with published cells
        choice = _pick(system.values, system.values.keys(), hidden)
    return choice


@dataclass(frozen=True)
class Published:
    """What a reader sees for one cell: the count, or None when suppressed, and its share."""

    value: int | None
    percent: int | None = None

    @property
    def suppressed(self) -> bool:
        return self.value is None


def percent(part: int | None, whole: int | None) -> int | None:
    """A rounded share in %, published only when both counts are."""
    if part is None or whole is None or whole <= 0:
        return None
    return round(100 * part / whole)


def publish(system: CellSystem, hidden: set[str]) -> dict[str, int | None]:
    return {key: (None if key in hidden else value) for key, value in system.values.items()}


def pool_sparse(rows: Sequence[tuple[str, int]], *, limit: int) -> tuple[list[str], list[str]]:
    """Split row keys into those shown on their own and those pooled into their parent's row."""
    kept = [key for key, total in rows if total >= limit]
    pooled = [key for key, total in rows if total < limit]
    return kept, pooled
