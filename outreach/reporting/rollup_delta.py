"""Count contacts the roll-ups never counted by adding their cells, instead of recounting a night.

The ledger (`RollupLedger`) says which contacts the roll-ups count, and in which bucket. A contact
without a ledger row is not counted anywhere yet (a new one): its cells are computed from its own
row (`contact_cells`: read by id, or the row a push holds) and added to the roll-up rows (an
increment per cell, daily and monthly), and its ledger row is written. Every cell is a count over
contacts, so adding a contact's cells to a bucket's equals recounting the bucket with it; the
cost of a push then grows with its contacts, not with the night they join.

A contact the ledger already knows (a correction, a move, a deletion) needs its buckets recounted
(`rollups.refresh_buckets`); new contacts in a bucket being recounted anyway are left to that
recount. All of it runs holding the teams' locks, read after they are taken, so a concurrent
recount of the same night and this addition never both count a contact.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from django.db import connection, transaction

from outreach.models import (
    ActivityRollup,
    Contact,
    MonthlyPersonRollup,
    MonthlyRollup,
    PersonRollup,
    RollupLedger,
    Team,
)
from outreach.reporting import contact_cells, rollups
from outreach.services.bulk_insert import insert_values

CHUNK = 1000  # ids per query


def _chunks(ids: list[int]) -> Iterable[list[int]]:
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]


def _ledger(ids: list[int]) -> dict[int, rollups.Bucket]:
    found = {}
    for chunk in _chunks(ids):
        rows = rollups.ledger_entries(RollupLedger.Source.CONTACT, chunk)
        found.update({pk: (team, day) for pk, team, day in rows})
    return found


def _current(ids: list[int]) -> dict[int, rollups.Bucket]:
    found = {}
    for chunk in _chunks(ids):
        rows = Contact.objects.filter(pk__any_of=chunk).values_list("pk", "team_id", "service_date")
        found.update({pk: (team, day) for pk, team, day in rows})
    return found


def contacts_changed(contact_ids: Iterable[int], in_hand: Iterable[contact_cells.InHand] = ()) -> int:
    """Bring the roll-ups up to date after these contacts were written, moved or deleted.

    New contacts are added to their bucket's cells; for the others, both the bucket each is in
    now and the one it was last counted in are recounted. `in_hand`: contacts just inserted whose
    rows are known (a push): counted from them, not read back. Returns the number of buckets
    touched (recounted, or added to). Safe to call twice for the same write.
    """
    known = {contact.row["id"]: contact for contact in in_hand}
    ids = sorted(set(contact_ids) | set(known))
    if not ids:
        return 0
    current = _current(ids)
    gone = [pk for pk in ids if pk not in current]  # deleted: only the ledger knows their team
    teams = {team for team, _ in [*current.values(), *_ledger(gone).values()]}
    if not teams:
        return 0
    with transaction.atomic():
        # One refresher per team at a time (as rollups.refresh_buckets); the ledger is read once
        # locked. A contact's team never changes; its date may, and is read again by the recount.
        list(Team.objects.select_for_update().filter(id__in=teams).order_by("id").values_list("id"))
        counted = _ledger(ids)
        recount = set(counted.values()) | {current[pk] for pk in counted if pk in current}
        new = [pk for pk, bucket in current.items() if pk not in counted and bucket not in recount]
        rollups.refresh_buckets(recount)
        added = _add(new, known)
    return len(recount | added)


def _add(ids: list[int], known: dict[int, contact_cells.InHand]) -> set[rollups.Bucket]:
    """Add the cells of these contacts, counted nowhere yet, to the roll-ups; write their ledger.

    Those in `known` are counted from their rows in hand, the others read. Returns the buckets
    added to."""
    if not ids:
        return set()
    buckets: dict[int, rollups.Bucket] = {}
    cells, persons = contact_cells.count_in_hand([known[pk] for pk in ids if pk in known], buckets)
    for chunk in _chunks([pk for pk in ids if pk not in known]):
        chunk_cells, chunk_persons = contact_cells.count(Contact.objects.filter(pk__any_of=chunk), buckets)
        cells.update(chunk_cells)
        persons.update(chunk_persons)
    months: Counter = Counter()
    month_persons: Counter = Counter()
    for (team, org, day, territory, kind, *rest), n in cells.items():
        months[(team, org, day.replace(day=1), territory, kind, *rest)] += n
    for (team, org, day, territory, kind, *rest), n in persons.items():
        month_persons[(team, org, day.replace(day=1), territory, kind, *rest)] += n
    _increment(ActivityRollup, "service_date", ("dimension", "value"), "count", cells)
    _increment(PersonRollup, "service_date", ("person_code",), "contacts", persons)
    _increment(MonthlyRollup, "month", ("dimension", "value"), "count", months)
    _increment(MonthlyPersonRollup, "month", ("person_code",), "contacts", month_persons)
    insert_values(
        RollupLedger,
        ("source", "object_id", "team_id", "service_date"),
        [(RollupLedger.Source.CONTACT.value, pk, *bucket) for pk, bucket in buckets.items()],
    )
    return set(buckets.values())


def _increment(model, day: str, rest: tuple[str, ...], total: str, counts: Counter) -> None:
    """Add `counts` ({(team, organisation, day, territory, kind, *rest): n}) to `model`'s rows,
    creating the missing ones (one upsert per 500 rows; PostgreSQL and SQLite alike)."""
    rows = [(*key, n) for key, n in counts.items() if n]
    if not rows:
        return
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    columns = ["team_id", "organisation_id", day, "territory_id", "kind", *rest, total]
    unique = ["team_id", day, "territory_id", "kind", *rest]
    row_sql = "(" + ", ".join(["%s"] * len(columns)) + ")"
    with connection.cursor() as cursor:
        for start in range(0, len(rows), 500):
            chunk = rows[start : start + 500]
            cursor.execute(
                f"INSERT INTO {table} ({', '.join(quote(c) for c in columns)}) "  # noqa: S608
                f"VALUES {', '.join([row_sql] * len(chunk))} "
                f"ON CONFLICT ({', '.join(quote(c) for c in unique)}) "
                f"DO UPDATE SET {quote(total)} = {table}.{quote(total)} + EXCLUDED.{quote(total)}",
                [value for row in chunk for value in row],
            )
