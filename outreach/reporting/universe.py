"""One cell system for a whole funder catalogue: every table, every period, every level.

A cell is one figure of one territory over one period ("59|20260301-20260331|age:15_17"). The
same figure shown in two tables (a month in the quarter's monthly rows, a commune in the
département's rows) is one cell. The relations are every additive fact a reader knows:

* inside a table: each breakdown adds up to its total (`measures.Vocabulary.equalities`);
* across periods: a quarter, a year or the agreement's period is the sum of its months;
* across levels: a territory is the sum of its listed child rows and its pooled row;
* bounds: a multiple-choice category or the persons met never exceed their base, distinct
  persons over a period never exceed the sum over its months, nor fall below any one month.

Months already published are read from the release ledger's snapshots, not from today's
roll-ups, so everything published keeps adding up with everything published before.
"""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from outreach.reporting.catalogue import Catalogue
from outreach.reporting.measures import KIND_CODES, Vocabulary, activity, table_measures
from outreach.reporting.periods import Period
from outreach.reporting.territories import TerritoryTree

PERSON_MEASURES = ("persons", "persons_again")
GRID_MEASURES = ("contacts", *(f"kind:{k}" for k in KIND_CODES))


def period_code(period: Period) -> str:
    return f"{period.start:%Y%m%d}-{period.end:%Y%m%d}"


def cell(territory: int | str, period: Period, measure: str) -> str:
    return f"{territory}|{period_code(period)}|{measure}"


def pool_node(territory: int) -> str:
    return f"pool{territory}"


def person_digest(team_id: int, code: str) -> str:
    """Snapshots keep a digest of (team, person code), never the code itself."""
    return hashlib.sha256(f"{team_id}:{code}".encode()).hexdigest()[:16]


@dataclass
class MonthData:
    """A month of the organisations' roll-ups: cells per territory, persons per territory."""

    cells: list[tuple[int, str, str, str, int]]  # territory, kind, dimension, value, count
    persons: list[tuple[int, str, int]]  # territory, person digest, contacts


@dataclass
class Universe:
    catalogue: Catalogue
    vocabulary: Vocabulary
    values: dict[str, int] = field(default_factory=dict)
    publishable: set[str] = field(default_factory=set)  # shown in some table; the rest is free
    equalities: list[tuple[str, tuple[str, ...]]] = field(default_factory=list)
    # Σ plus − Σ minus ≤ 0
    inequalities: list[tuple[tuple[str, ...], tuple[str, ...]]] = field(default_factory=list)
    groups: list[tuple[str, tuple[str, ...]]] = field(default_factory=list)
    activity: dict[tuple[int, Period], dict[str, int]] = field(default_factory=dict)

    def totals(self) -> set[str]:
        """The tables' own totals: hidden only when nothing else protects a cell."""
        return {
            cell(t, p, m)
            for t in self.catalogue.territories
            for p in self.catalogue.periods
            for m in ("met", *GRID_MEASURES)
        }

    def table_cells(self, territory: int, period: Period) -> list[str]:
        """Every cell the table of this territory and period shows."""
        measures = [*self.vocabulary.measures(), *PERSON_MEASURES]
        keys = [cell(territory, period, m) for m in measures]
        rows = self.catalogue.rows.get(territory, [])
        if rows or self.catalogue.pooled.get(territory):
            for node in [*rows, pool_node(territory)]:
                keys += [cell(node, period, m) for m in GRID_MEASURES]
        for month in months_of(self.catalogue, period):
            keys += [cell(territory, month, m) for m in GRID_MEASURES]
        return keys


def months_of(catalogue: Catalogue, period: Period) -> list[Period]:
    """The months of a period longer than a month (its monthly rows), else none."""
    if period.kind == "month":
        return []
    return [m for m in catalogue.months if period.start <= m.start and m.end <= period.end]


def _relate(universe: Universe, total: str, parts) -> None:
    parts = tuple(parts)
    values = universe.values
    if sum(values[p] for p in parts) != values[total]:
        raise ValueError(f"Cells of {total} do not add up.")
    if parts:
        universe.equalities.append((total, parts))


def build_universe(
    catalogue: Catalogue, tree: TerritoryTree, months: dict, vocabulary: Vocabulary | None = None
) -> Universe:
    """The cell system of the catalogue from month data ({month start: MonthData})."""
    vocabulary = vocabulary or Vocabulary.load()
    universe = Universe(catalogue, vocabulary)
    tables = catalogue.territories
    grid_nodes = {c for t in tables for c in catalogue.rows[t]}
    nodes = set(tables) | grid_nodes
    # Month × node raw counts (kind, dimension, value), summed up the tree.
    raw: dict[tuple, Counter] = defaultdict(Counter)
    people: dict[tuple, Counter] = defaultdict(Counter)
    chains: dict[int, list[int]] = {}
    for month in catalogue.months:
        data = months[month.start]
        for territory, kind, dimension, value, n in data.cells:
            chain = chains.setdefault(territory, [a for a in tree.chain(territory) if a in nodes])
            for node in chain:
                if node in tables or dimension == "contacts":
                    raw[(node, month.start)][(kind, dimension, value)] += n
        for territory, digest, n in data.persons:
            chain = chains.setdefault(territory, [a for a in tree.chain(territory) if a in nodes])
            for node in chain:
                if node in tables:
                    people[(node, month.start)][digest] += n

    values = universe.values
    measures = vocabulary.measures()
    for period in catalogue.periods:
        inside = [m for m in catalogue.months if period.start <= m.start and m.end <= period.end]
        for node in nodes:
            counts: Counter = Counter()
            for month in inside:
                counts.update(raw.get((node, month.start), Counter()))
            derived = table_measures(counts, vocabulary)
            if node in tables:
                for m in measures:
                    values[cell(node, period, m)] = derived[m]
                persons: Counter = Counter()
                for month in inside:
                    persons.update(people.get((node, month.start), Counter()))
                values[cell(node, period, "persons")] = len(persons)
                values[cell(node, period, "persons_again")] = sum(1 for n in persons.values() if n >= 2)
                universe.activity[(node, period)] = activity(counts)
            else:
                for m in GRID_MEASURES:
                    values[cell(node, period, m)] = derived[m]
    for territory in tables:
        for period in catalogue.periods:
            universe.publishable.update(universe.table_cells(territory, period))
    _table_relations(universe)
    _period_relations(universe)
    _territory_relations(universe)
    return universe


def _table_relations(universe: Universe) -> None:
    vocabulary, catalogue = universe.vocabulary, universe.catalogue
    grid_nodes = {c for t in catalogue.territories for c in catalogue.rows[t]} - set(catalogue.territories)
    for period in catalogue.periods:
        for node in catalogue.territories:
            for total, parts in vocabulary.equalities():
                _relate(universe, cell(node, period, total), (cell(node, period, p) for p in parts))
            for part, whole in vocabulary.bounds():
                universe.inequalities.append(((cell(node, period, part),), (cell(node, period, whole),)))
            for total, parts in vocabulary.breakdown_groups():
                universe.groups.append(
                    (cell(node, period, total), tuple(cell(node, period, p) for p in parts))
                )
        for node in grid_nodes:
            _relate(
                universe, cell(node, period, "contacts"), (cell(node, period, m) for m in GRID_MEASURES[1:])
            )
            universe.groups.append(
                (cell(node, period, "contacts"), tuple(cell(node, period, m) for m in GRID_MEASURES[1:]))
            )


def _period_relations(universe: Universe) -> None:
    catalogue = universe.catalogue
    grid_nodes = {c for t in catalogue.territories for c in catalogue.rows[t]}
    for period in catalogue.periods:
        months = [m for m in catalogue.months if period.start <= m.start and m.end <= period.end]
        if period.kind == "month" or not months:
            continue
        for node in catalogue.territories:
            for m in universe.vocabulary.additive():
                _relate(universe, cell(node, period, m), (cell(node, month, m) for month in months))
            for m in PERSON_MEASURES:
                whole = cell(node, period, m)
                for month in months:
                    universe.inequalities.append(((cell(node, month, m),), (whole,)))
            universe.inequalities.append(
                ((cell(node, period, "persons"),), tuple(cell(node, month, "persons") for month in months))
            )
        for node in grid_nodes - set(catalogue.territories):
            for m in GRID_MEASURES:
                _relate(universe, cell(node, period, m), (cell(node, month, m) for month in months))


def _territory_relations(universe: Universe) -> None:
    """A territory = its listed children + the rest (the pooled row for contacts, else unknown)."""
    catalogue, values = universe.catalogue, universe.values
    tables = set(catalogue.territories)
    for territory in catalogue.territories:
        rows = catalogue.rows[territory]
        if not rows and not catalogue.pooled[territory]:
            continue
        with_table = [c for c in rows if c in tables]
        for period in catalogue.periods:
            for m in universe.vocabulary.additive():
                children = rows if m in GRID_MEASURES else with_table
                if m not in GRID_MEASURES and not children:
                    continue
                total = cell(territory, period, m)
                rest = cell(pool_node(territory) if m in GRID_MEASURES else f"rest{territory}", period, m)
                values[rest] = values[total] - sum(values[cell(c, period, m)] for c in children)
                _relate(universe, total, [*(cell(c, period, m) for c in children), rest])
            pool = [cell(pool_node(territory), period, m) for m in GRID_MEASURES]
            _relate(universe, pool[0], pool[1:])
            universe.groups.append((pool[0], tuple(pool[1:])))
            for m in PERSON_MEASURES:
                for child in with_table:
                    universe.inequalities.append(((cell(child, period, m),), (cell(territory, period, m),)))
        for period in catalogue.periods:
            months = months_of(catalogue, period)
            for m in GRID_MEASURES:
                if months:
                    node = pool_node(territory)
                    _relate(universe, cell(node, period, m), (cell(node, month, m) for month in months))
