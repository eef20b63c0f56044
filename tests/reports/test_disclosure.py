"""Disclosure control: nothing hidden can be recomputed from what is published."""

from __future__ import annotations

from fractions import Fraction

import pytest
from django.test import override_settings
from hypothesis import given, settings
from hypothesis import strategies as st

from outreach.reporting.disclosure import CellSystem, percent, protect, publish, threshold

LIMIT = 5
FAST = settings(max_examples=80, deadline=None)
small_counts = st.one_of(st.integers(0, 4), st.integers(0, 30))


def table_system(grid: list[list[int]], extra_partition: list[int] | None = None) -> CellSystem:
    """A rows × columns table with row totals, column totals and a grand total."""
    system = CellSystem()
    rows, cols = len(grid), len(grid[0])
    for r in range(rows):
        for c in range(cols):
            system.add(f"c{r}_{c}", grid[r][c])
        system.add(f"r{r}", sum(grid[r]))
        system.relate(f"r{r}", [f"c{r}_{c}" for c in range(cols)])
    for c in range(cols):
        system.add(f"k{c}", sum(grid[r][c] for r in range(rows)))
        system.relate(f"k{c}", [f"c{r}_{c}" for r in range(rows)])
    system.add("T", sum(map(sum, grid)))
    system.relate("T", [f"r{r}" for r in range(rows)])
    system.relate("T", [f"k{c}" for c in range(cols)])
    if extra_partition is not None:
        # A second breakdown of the same total (say, age bands), scaled to add up.
        total = system.values["T"]
        parts = [min(p, total) for p in extra_partition]
        parts[-1] = max(0, total - sum(parts[:-1]))
        if sum(parts) == total:
            for i, value in enumerate(parts):
                system.add(f"a{i}", value)
            system.relate("T", [f"a{i}" for i in range(len(parts))])
    return system


def determined(system: CellSystem, published: dict[str, int | None], key: str) -> bool:
    """Exact test (rational Gaussian elimination): do the relations pin the hidden `key` down?

    Written independently of the implementation's floating-point audit.
    """
    unknown = sorted(k for k, v in published.items() if v is None)
    col = {k: i for i, k in enumerate(unknown)}
    matrix = []
    for relation in system.relations:
        row = [Fraction(0)] * len(unknown)
        for k, sign in ((relation.total, -1), *((p, 1) for p in relation.parts)):
            if k in col:
                row[col[k]] += sign
        if any(row):
            matrix.append(row)
    # e_key is in the row space iff adding it does not raise the rank.
    target = [Fraction(int(k == key)) for k in unknown]
    return _rank([*matrix, target]) == _rank(matrix)


def _rank(matrix: list[list[Fraction]]) -> int:
    rows = [list(r) for r in matrix]
    rank, width = 0, len(rows[0]) if rows else 0
    for c in range(width):
        pivot = next((i for i in range(rank, len(rows)) if rows[i][c] != 0), None)
        if pivot is None:
            continue
        rows[rank], rows[pivot] = rows[pivot], rows[rank]
        for i in range(len(rows)):
            if i != rank and rows[i][c] != 0:
                factor = rows[i][c] / rows[rank][c]
                rows[i] = [a - factor * b for a, b in zip(rows[i], rows[rank], strict=True)]
        rank += 1
    return rank


def check_protected(system: CellSystem, hidden: set[str]) -> None:
    published = publish(system, hidden)
    for key, value in system.values.items():
        if 0 < value < LIMIT:
            assert published[key] is None, f"small count {key}={value} published"
    for key in hidden:
        assert not determined(system, published, key), f"{key} can be recomputed"
    for relation in system.relations:
        hidden_parts = [k for k in relation.cells() if k in hidden]
        if hidden_parts and relation.total not in hidden:
            assert len(hidden_parts) >= 2
            assert sum(system.values[k] for k in hidden_parts) >= LIMIT


@FAST
@given(
    st.integers(1, 5).flatmap(
        lambda cols: st.lists(st.lists(small_counts, min_size=cols, max_size=cols), min_size=1, max_size=6)
    ),
    st.one_of(st.none(), st.lists(small_counts, min_size=2, max_size=5)),
)
def test_no_suppressed_cell_can_be_recovered_from_totals_or_other_cells(grid, partition):
    system = table_system(grid, partition)
    check_protected(system, protect(system, limit=LIMIT))


@FAST
@given(st.lists(small_counts, min_size=1, max_size=8))
def test_percentages_match_published_counts(parts):
    system = CellSystem()
    for i, value in enumerate(parts):
        system.add(f"p{i}", value)
    system.add("T", sum(parts))
    system.relate("T", [f"p{i}" for i in range(len(parts))])
    published = publish(system, protect(system, limit=LIMIT))
    for i in range(len(parts)):
        share = percent(published[f"p{i}"], published["T"])
        if published[f"p{i}"] is None or published["T"] in (None, 0):
            assert share is None
        else:
            assert share == round(100 * parts[i] / sum(parts))


def test_the_classic_bridge_between_two_rectangles_is_caught():
    # Two 2×2 blocks of small cells joined by one small cell: each row and column has two
    # hidden cells, yet the bridge can be recomputed; the audit must hide more.
    grid = [
        [1, 1, 9, 9],
        [1, 1, 1, 9],
        [9, 9, 1, 1],
        [9, 9, 1, 1],
    ]
    system = table_system(grid)
    check_protected(system, protect(system, limit=LIMIT))


def test_a_single_small_cell_takes_a_second_cell_with_it():
    system = table_system([[2, 10, 30]])
    hidden = protect(system, limit=LIMIT)
    assert {"c0_0", "c0_1"} <= hidden
    assert "c0_2" not in hidden


@override_settings(DISCLOSURE_THRESHOLD=1)
def test_threshold_is_never_below_three():
    assert threshold() == 3


@pytest.mark.parametrize("value", [0, 5, 6])
def test_zero_and_counts_at_the_threshold_are_published(value):
    system = CellSystem()
    system.add("x", value)
    assert protect(system, limit=LIMIT) == set()
