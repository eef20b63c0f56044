"""Joint disclosure control of a whole cell system (docs/adr/016-joint-disclosure-control.md).

1. Primary suppression: every count from 1 to k − 1 is hidden.
2. No attribute disclosure through zeros: when a total is hidden, the empty categories of its
   breakdowns are hidden too (a lone young person's gender cannot be read off the zeros beside it).
3. Secondary suppression over the whole system at once: a mixed-integer program (HiGHS) picks
   the cells to hide, at the least cost (cells hidden, weighted by their value), such that no
   relation holds a single hidden cell and each sensitive cell shares its relations with hidden
   mass of at least k.
4. The interval audit (`audit.py`) then computes the range of every hidden cell; any range
   narrower than k adds a cut ("hide one of the published cells of the relations that pin this
   cell": the rows with a non-zero dual in its programs) and the program is solved again with
   everything hidden so far kept hidden, until the audit passes — or the publication is blocked.
   Hidden cells the published zeros pin at 0 are then published as 0 (the reader knows them).

Cells already released are fixed: a published one stays published with its value, a hidden one
stays hidden (and must still keep its range).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import csr_matrix

from outreach.reporting.audit import AuditResult, audit

MAX_ROUNDS = 200
TRACE = False
MILP_SECONDS = 20
KEEP_COST = 100.0


class PublicationBlocked(Exception):
    """No suppression pattern passes the audit with what is already released."""


@dataclass
class Protection:
    hidden: set[str]
    audit: AuditResult
    rounds: int


def protect_jointly(
    values: dict[str, int],
    equalities: list[tuple[str, tuple[str, ...]]],
    inequalities: list[tuple[tuple[str, ...], tuple[str, ...]]],
    groups: list[tuple[str, tuple[str, ...]]],
    *,
    publishable: set[str],
    limit: int,
    released_hidden: set[str] = frozenset(),
    released_shown: set[str] = frozenset(),
    keep: set[str] = frozenset(),
) -> Protection:
    """The cells to hide so every hidden cell keeps a range of at least `limit`.

    `keep`: cells to hide only as a last resort (the tables' own totals): costly in the program,
    chosen last when the audit asks for one more.
    """
    free = set(values) - publishable
    fixed = set(released_hidden) | set(released_shown)
    sensitive = {k for k in publishable - fixed if 0 < values[k] < limit} | set(released_hidden)
    zero_lines = _zero_lines(equalities, values)
    sensitive = _zeros_of_hidden_totals(sensitive, groups, values, fixed, free, zero_lines)
    neighbours = _neighbours(equalities, inequalities)
    started = time.perf_counter()
    hidden = _secondary(values, equalities, publishable, sensitive, fixed, released_hidden, free, limit, keep)
    if TRACE:
        print(f"milp: {len(hidden)} hidden in {time.perf_counter() - started:.1f} s")
    memo: dict = {}
    for rounds in range(1, MAX_ROUNDS + 1):
        hidden = _zeros_of_hidden_totals(hidden, groups, values, fixed, free, zero_lines)
        result = audit(values, equalities, inequalities, hidden=hidden, free=free, limit=limit, memo=memo)
        if TRACE:
            print(
                f"round {rounds}: {len(hidden)} hidden, {len(result.failing)} failing, "
                f"{result.programs} LPs, {time.perf_counter() - started:.1f} s"
            )
        if result.ok:
            # A hidden cell the published zeros already pin at 0 says nothing the reader does not
            # know: it is published (as 0), so every hidden cell left keeps a range ≥ k.
            pinned = {k for k in result.ranges if result.forced_zero(k) and k not in fixed}
            for key in pinned:
                del result.ranges[key]
            return Protection(hidden - pinned, result, rounds)
        # Hiding only ever grows from here on, so the loop ends: at worst everything is hidden.
        # The program again, everything hidden so far kept hidden, with a cut per narrow cell: hide
        # one of the published cells that pin it (its binding relations) — and protect those too.
        cuts = [
            cut
            for key in result.failing
            if (
                cut := [
                    c for c in result.binding.get(key, ()) if c in publishable and c not in fixed | hidden
                ]
            )
        ]
        if cuts:
            grown = _secondary(
                values, equalities, publishable, hidden, fixed, released_hidden, free, limit, keep, cuts
            )
            if grown > hidden:
                hidden = grown
                continue
        # Else (no cut, or the program found nothing in time): one more cell per narrow cell.
        added = 0
        for key in result.failing:
            # The published cells of the relations that pin it first, else the nearest ones.
            candidates = [c for c in result.binding.get(key, ()) if c in publishable and c not in fixed]
            candidates = [c for c in candidates if c not in hidden]
            if not candidates:
                candidates = _nearest_open(key, neighbours, publishable, fixed, hidden)
            if candidates:
                # Wide enough on its own first, then the cell in the fewest relations (hiding a
                # total such as "contacts" would need protecting in every breakdown), then small.
                candidates.sort(
                    key=lambda c: (
                        c in keep,
                        values[c] < limit - values[key],
                        len(neighbours.get(c, ())),
                        values[c],
                        c,
                    )
                )
                hidden.add(candidates[0])
                added += 1
        if not added:
            raise PublicationBlocked(
                f"{result.failing[0]} cannot be protected with what is already released."
            )
    raise PublicationBlocked("The audit did not pass after the maximum number of rounds.")


def _nearest_open(key, neighbours, publishable, fixed, hidden, depth: int = 1000) -> list[str]:
    """The published cells closest to `key` through the relations (breadth first)."""
    seen, frontier = {key}, [key]
    for _level in range(depth):
        following = []
        for current in frontier:
            for near in neighbours.get(current, ()):
                if near not in seen:
                    seen.add(near)
                    following.append(near)
        found = [c for c in following if c in publishable and c not in fixed and c not in hidden]
        if found or not following:
            return found
        frontier = following
    return []


def _zeros_of_hidden_totals(hidden, groups, values, fixed, free, zero_lines) -> set[str]:
    """Hide the empty categories beside a hidden total, unless a published zero already says so.

    `zero_lines` maps a cell to the totals of the relations it is a part of whose value is 0: while
    one of those totals is published, the reader knows the cell is 0 whatever this table shows.
    """
    hidden = set(hidden)
    changed = True
    while changed:
        changed = False
        for total, parts in groups:
            if total in hidden or total in free:
                for part in parts:
                    if values[part] == 0 and part not in hidden and part not in fixed and part not in free:
                        if any(t not in hidden and t not in free for t in zero_lines.get(part, ())):
                            continue
                        hidden.add(part)
                        changed = True
    return hidden


def _zero_lines(equalities, values) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for total, parts in equalities:
        if values[total] == 0:
            for part in parts:
                out.setdefault(part, []).append(total)
    return out


def _neighbours(equalities, inequalities) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for total, parts in equalities:
        line = (total, *parts)
        for key in line:
            out.setdefault(key, set()).update(line)
    for plus, minus in inequalities:
        line = (*plus, *minus)
        for key in line:
            out.setdefault(key, set()).update(line)
    for key, found in out.items():
        found.discard(key)
    return out


def _secondary(
    values, equalities, publishable, sensitive, fixed, released_hidden, free, limit, keep, cuts=()
):
    """Solve the suppression program; y = 1 hides a cell."""
    open_cells = sorted(
        {k for line in equalities for k in (line[0], *line[1]) if k in publishable and k not in fixed}
        | set(sensitive) - fixed
        | {k for cut in cuts for k in cut}
    )
    index = {k: i for i, k in enumerate(open_cells)}
    n = len(open_cells)
    if n == 0:
        return set(sensitive)
    always = set(released_hidden) | free  # hidden constants (y = 1)

    def term(key):
        """(variable index or None, constant part)."""
        if key in index:
            return index[key], 0.0
        return None, (1.0 if key in always else 0.0)

    rows, lower = [], []
    for total, parts in equalities:
        line = (total, *parts)
        for key in line:
            if key not in index and key not in always:
                continue  # a published constant needs no protection
            coefficients: dict[int, float] = {}
            constant = 0.0
            i, c = term(key)
            if i is None:
                constant -= c
            else:
                coefficients[i] = coefficients.get(i, 0.0) - 1.0
            for other in line:
                if other == key:
                    continue
                j, c = term(other)
                if j is None:
                    constant += c
                else:
                    coefficients[j] = coefficients.get(j, 0.0) + 1.0
            # Σ others − self ≥ 0  →  Σ others − self ≥ −constant
            if coefficients:
                rows.append(coefficients)
                lower.append(-constant)
        for key in parts:
            gap = limit - values[key]
            if key not in sensitive and (key not in index or gap <= 0):
                continue
            # Hidden mass beside a part smaller than k, if it is hidden (always for a sensitive
            # one; a hidden zero chosen as a secondary needs it too, or it could only go up by
            # less than k): Σ v·y (other parts) + k·y(total) − (k − v)·y(self) ≥ 0.
            coefficients, constant = {}, 0.0
            if key not in sensitive:
                coefficients[index[key]] = -float(gap)
                gap = 0
            for other in parts:
                if other == key:
                    continue
                j, c = term(other)
                if j is None:
                    constant += c * values[other]
                else:
                    coefficients[j] = coefficients.get(j, 0.0) + values[other]
            j, c = term(total)
            if j is None:
                constant += c * limit
            else:
                coefficients[j] = coefficients.get(j, 0.0) + limit
            need = gap - constant
            if (need > 0 or key not in sensitive) and coefficients:
                rows.append(coefficients)
                lower.append(need)
    for cut in cuts:
        rows.append({index[k]: 1.0 for k in cut})
        lower.append(1.0)
    cost = np.array([(1.0 + values[k]) * (KEEP_COST if k in keep else 1.0) for k in open_cells])
    low_bounds = np.array([1.0 if k in sensitive else 0.0 for k in open_cells])
    data, row_ids, col_ids = [], [], []
    for r, coefficients in enumerate(rows):
        for j, value in coefficients.items():
            data.append(value)
            row_ids.append(r)
            col_ids.append(j)
    constraints = []
    if rows:
        matrix = csr_matrix((data, (row_ids, col_ids)), shape=(len(rows), n))
        constraints.append(LinearConstraint(matrix, np.array(lower), np.inf))
    found = milp(
        cost,
        integrality=np.ones(n),
        bounds=Bounds(low_bounds, np.ones(n)),
        constraints=constraints,
        options={"time_limit": MILP_SECONDS, "mip_rel_gap": 0.1 if cuts else 0.02},
    )
    if found.x is None:
        # No solution within the time limit: hide every open cell near something hidden.
        return set(sensitive) | _near(sensitive, equalities, index)
    return {k for k, y in zip(open_cells, found.x, strict=True) if y > 0.5} | (set(sensitive) & fixed)


def _near(sensitive, equalities, index) -> set[str]:
    out = set()
    for total, parts in equalities:
        line = (total, *parts)
        if any(k in sensitive for k in line):
            out.update(k for k in line if k in index)
    return out
