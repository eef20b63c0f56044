"""What a reader holding every funder publication can deduce: an audit written for the tests.

Independent of `outreach.reporting` on purpose: the relations are written here from what the
figures mean (a partition adds up to its total, months add up to the quarter, children and the
pooled row add up to their parent, a multiple-choice count never exceeds its base), and each
suppressed cell's range is two linear programs over *all* published figures at once.
"""

from __future__ import annotations

import numpy as np
from scipy.optimize import linprog

PARTITIONS = {
    "kind": ("street", "digital"),
    "level": ("seen", "exchange"),
    "age": ("under_13", "13_14", "15_17", "18_21", "unknown"),
    "gender": None,  # codes read from the published keys
    "ase": None,
    "hour": None,
}


def _codes(published, prefix):
    return sorted({m.split(":", 1)[1] for (_t, _s, _e, m) in published if m.startswith(prefix + ":")})


def relations(published: dict, *, rows: dict, pools: set, months: list[tuple]) -> tuple[list, list]:
    """(equalities, inequalities) as lists of {cell: coefficient} (= 0 / ≤ 0)."""
    eq, ub = [], []
    tables = {(t, s, e) for (t, s, e, m) in published if m == "persons"}
    codes = {prefix: _codes(published, prefix) for prefix in [*PARTITIONS, "concern", "action", "orient"]}
    codes["platform"] = _codes(published, "platform")
    for t, s, e in tables:

        def c(m, t=t, s=s, e=e):
            return (t, s, e, m)

        for prefix in PARTITIONS:
            eq.append({c("contacts"): -1, **{c(f"{prefix}:{x}"): 1 for x in codes[prefix]}})
        eq.append({c("minors"): -1, c("age:under_13"): 1, c("age:13_14"): 1, c("age:15_17"): 1})
        eq.append({c("level:exchange"): -1, c("first"): 1, c("followup"): 1})
        eq.append({c("met"): -1, c("contacts"): 1, ("tallies", t, s, e): 1})  # head counts are unknown
        for prefix in ("concern", "action"):
            ub += [{c(f"{prefix}:{x}"): 1, c("contacts"): -1} for x in codes[prefix]]
        ub += [{c(f"orient:{x}"): 1, c("oriented"): -1} for x in codes["orient"]]
        ub += [{c(f"platform:{x}"): 1, c("kind:digital"): -1} for x in codes["platform"]]
        ub += [{c("oriented"): 1, c("contacts"): -1}, {c("persons"): 1, c("contacts"): -1}]
        ub.append({c("persons_again"): 1, c("persons"): -1})
        # The territory rows (and the pooled row) add up to the table's territory.
        listed = rows.get(t, [])
        if (f"pool{t}", s, e, "contacts") in published:
            for m in ("contacts", "kind:street", "kind:digital"):
                eq.append({c(m): -1, **{(r, s, e, m): 1 for r in [*listed, f"pool{t}"]}})
        for r in listed:
            if (r, s, e, "persons") in published:
                # a child table's figures never exceed its parent's
                measures = {m for (tt, ss, ee, m) in published if (tt, ss, ee) == (r, s, e)}
                ub += [{(r, s, e, m): 1, c(m): -1} for m in measures if (t, s, e, m) in published]
    # Rows: total = street + digital, wherever a territory appears.
    for t, s, e in {(t, s, e) for (t, s, e, m) in published}:
        if (t, s, e, "kind:street") in published and (t, s, e, "contacts") in published:
            eq.append({(t, s, e, "contacts"): -1, (t, s, e, "kind:street"): 1, (t, s, e, "kind:digital"): 1})
    # Periods: every figure but distinct persons is the sum of its months.
    by_territory_measure: dict = {}
    for t, s, e, m in published:
        by_territory_measure.setdefault((t, m), {})[(s, e)] = True
    for (t, m), periods in by_territory_measure.items():
        if m.startswith("persons"):
            continue
        for s, e in periods:
            inside = [(ms, me) for ms, me in months if s <= ms and me <= e]
            partial = len(inside) > 1 or (inside and inside[0] != (s, e))
            if partial and all((ms, me) in periods for ms, me in inside):
                eq.append({(t, s, e, m): -1, **{(t, ms, me, m): 1 for ms, me in inside}})
    return eq, ub


def ranges(published: dict, eq: list, ub: list) -> dict:
    """{suppressed cell: (min, max)} given every published value."""
    unknown = sorted(
        {k for k, v in published.items() if v is None}
        | {k for row in [*eq, *ub] for k in row if k not in published},
        key=repr,
    )
    col = {k: i for i, k in enumerate(unknown)}

    def matrix(rows, equality):
        a, b = [], []
        for row in rows:
            line = np.zeros(len(unknown))
            rhs = 0.0
            for k, coefficient in row.items():
                if k in col:
                    line[col[k]] += coefficient
                else:
                    rhs -= coefficient * published[k]
            if line.any():
                a.append(line)
                b.append(rhs)
            elif equality:
                assert abs(rhs) < 1e-9, f"published figures do not add up: {row}"
            else:
                assert rhs >= -1e-9, f"published figures break a bound: {row}"
        return (np.array(a), np.array(b)) if a else (None, None)

    a_eq, b_eq = matrix(eq, True)
    a_ub, b_ub = matrix(ub, False)
    out = {}
    for key in (k for k, v in published.items() if v is None):
        low_high = []
        for sign in (1, -1):
            objective = np.zeros(len(unknown))
            objective[col[key]] = sign
            found = linprog(
                objective, A_eq=a_eq, b_eq=b_eq, A_ub=a_ub, b_ub=b_ub, bounds=(0, None), method="highs"
            )
            assert found.status in (0, 3), found.message
            low_high.append(sign * found.fun if found.status == 0 else np.inf)
        out[key] = tuple(low_high)
    return out


def narrowest(found: dict) -> float:
    return min((high - low for low, high in found.values()), default=np.inf)
