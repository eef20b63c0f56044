"""Keep the roll-up tables in step with contacts and sessions.

The unit of maintenance is a *bucket*: one team's service date. Refreshing a bucket deletes its
roll-up rows and recomputes them from the source rows, so a refresh is idempotent (a replayed sync
batch changes nothing) and a full rebuild runs exactly the same code over every bucket, so a
rebuilt roll-up equals the incremental one by construction (and a property test checks it).

Entry points:
* `rollup_delta.contacts_changed(contact_ids)`: call after contacts were created, updated
  (including their concerns, actions and orientations), moved to another team or date, or
  deleted. Contacts the roll-ups never counted are added to their bucket's cells rather than
  recounting it (the ledger says which are counted); it calls `refresh_buckets` for the others.
* `sessions_changed(session_ids)`: the same for sessions, their tallies and digital slots.
* `refresh_buckets(buckets)`: when the caller already knows the (team_id, service_date) pairs.
* `rebuild_all()`: the `rebuild_rollups` management command.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable

from django.db import connection, transaction
from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncMonth

from outreach.choices import SessionStatus
from outreach.models import (
    ActivityRollup,
    Contact,
    DigitalSlot,
    MonthlyPersonRollup,
    MonthlyRollup,
    Orientation,
    OutreachSession,
    PersonRollup,
    RollupLedger,
    SessionTally,
    SlotRequest,
    TallyMark,
    Team,
)
from outreach.reporting import contact_cells, custom_fields

Bucket = tuple[int, dt.date]
# (team_id, organisation_id, service_date, territory_id, kind, dimension, value)
CellKey = tuple[int, int, dt.date, int, str, str, str]

# Single-valued contact fields counted per value: dimension -> field.
CONTACT_FIELDS = contact_cells.FIELDS
BATCH = 300  # buckets per query, well under every database's parameter limit


def _bucket_q(buckets: Iterable[Bucket], prefix: str = "") -> Q:
    query = Q(pk__in=[])
    for team_id, day in buckets:
        query |= Q(**{f"{prefix}team_id": team_id, f"{prefix}service_date": day})
    return query


def _key_fields(prefix: str = "") -> list[str]:
    return [
        f"{prefix}team_id",
        f"{prefix}team__organisation_id",
        f"{prefix}service_date",
        f"{prefix}territory_id",
        f"{prefix}kind",
    ]


def _add(counts: Counter, rows, prefix: str, dimension: str, value_field: str | None) -> None:
    keys = _key_fields(prefix)
    for row in rows:
        value = "" if value_field is None else row[value_field]
        if value_field is not None and value in (None, ""):
            continue
        key = (*(row[k] for k in keys), dimension, str(value))
        counts[key] += row["n"]


def compute_contact_cells(where: Q, *, few: bool = False) -> tuple[Counter, Counter]:
    """Roll-up cells and person cells for the contacts matching `where` (a filter on Contact).

    With `few` (a handful of buckets), the rows are read and counted in Python
    (outreach/reporting/contact_cells.py); otherwise grouped in the database.
    """
    contacts = Contact.objects.filter(where).order_by()
    if few:
        return contact_cells.count(contacts)
    cells: Counter = Counter()
    keys = _key_fields()
    _add(cells, contacts.values(*keys).annotate(n=Count("id")), "", "contacts", None)
    first = contacts.filter(is_first_contact=True, level="exchange")
    _add(cells, first.values(*keys).annotate(n=Count("id")), "", "first_contact", None)
    talked = contacts.filter(conversation_established=True)
    _add(cells, talked.values(*keys).annotate(n=Count("id")), "", "conversation", None)
    for dimension, field in CONTACT_FIELDS.items():
        rows = contacts.values(*keys, field).annotate(n=Count("id"))
        _add(cells, rows, "", dimension, field)
    custom_fields.add_contact_cells(cells, contacts, keys)
    _add_links_by_join(cells, where)

    persons: Counter = Counter()
    coded = contacts.exclude(person_code="").values(*keys, "person_code").annotate(n=Count("id"))
    for row in coded:
        persons[(*(row[k] for k in keys), row["person_code"])] += row["n"]
    return cells, persons


def _add_links_by_join(cells: Counter, where: Q) -> None:
    """Concerns, actions and orientations, grouped in the database (whole-table rebuilds)."""
    linked = _prefixed(where, "contact__")
    ckeys = _key_fields("contact__")
    for dimension, through, field in (
        ("concern", Contact.concerns.through, "concern__code"),
        ("action", Contact.actions.through, "action__code"),
    ):
        rows = through.objects.filter(linked).order_by().values(*ckeys, field).annotate(n=Count("id"))
        _add(cells, rows, "contact__", dimension, field)
    orientations = Orientation.objects.filter(linked).order_by()
    rows = orientations.values(*ckeys, "partner__category").annotate(n=Count("contact_id", distinct=True))
    _add(cells, rows, "contact__", "orientation", "partner__category")
    rows = orientations.values(*ckeys).annotate(n=Count("contact_id", distinct=True))
    _add(cells, rows, "contact__", "oriented", None)


def _prefixed(where: Q, prefix: str) -> Q:
    """The same filter, seen from a table that points to Contact through `prefix`."""
    clone = Q()
    clone.connector, clone.negated = where.connector, where.negated
    for child in where.children:
        if isinstance(child, Q):
            clone.children.append(_prefixed(child, prefix))
        else:
            name, value = child
            clone.children.append((f"{prefix}{name}", value))
    return clone


def compute_session_cells(where: Q) -> Counter:
    """Roll-up cells for the sessions matching `where` (a filter on OutreachSession).

    Only sessions marked done count (a planned or cancelled night is not activity).
    """
    cells: Counter = Counter()
    done = OutreachSession.objects.filter(where, status=SessionStatus.DONE).order_by()
    keys = _key_fields()
    for row in done.values(*keys, "started_at", "ended_at"):
        base = tuple(row[k] for k in keys)
        cells[(*base, "sessions", "")] += 1
        minutes = int((row["ended_at"] - row["started_at"]).total_seconds() // 60)
        cells[(*base, "minutes", "")] += minutes
    custom_fields.add_session_cells(cells, done, keys)
    skeys = _key_fields("session__")
    session_q = _prefixed(where, "session__") & Q(session__status=SessionStatus.DONE)
    tallies = SessionTally.objects.filter(session_q).order_by()
    _add(cells, tallies.values(*skeys, "level").annotate(n=Sum("count")), "session__", "tally", "level")
    # Taps still counting: an undone tap never happened, a promoted one is counted as its contact.
    taps = TallyMark.objects.filter(session_q, removal="").order_by()
    _add(cells, taps.values(*skeys, "level").annotate(n=Count("id")), "session__", "tally", "level")
    slots = DigitalSlot.objects.filter(session_q).order_by()
    for dimension, field in (
        ("slot_spotted", "profiles_spotted"),
        ("slot_messages", "messages_sent"),
        ("slot_conversations", "conversations"),
        ("slot_orientations", "orientations"),
    ):
        rows = slots.values(*skeys, "platform__code").annotate(n=Sum(field))
        _add(cells, [r for r in rows if r["n"]], "session__", dimension, "platform__code")
    requests = SlotRequest.objects.filter(_prefixed(session_q, "slot__")).order_by()
    rows = requests.values(*_key_fields("slot__session__"), "category").annotate(n=Sum("count"))
    _add(cells, rows, "slot__session__", "slot_requests", "category")
    return cells


CELL_COLUMNS = [
    "team_id",
    "organisation_id",
    "service_date",
    "territory_id",
    "kind",
    "dimension",
    "value",
    "count",
]
PERSON_COLUMNS = [
    "team_id",
    "organisation_id",
    "service_date",
    "territory_id",
    "kind",
    "person_code",
    "contacts",
]


def _insert(model, columns: list[str], rows: Iterable[tuple]) -> None:
    """Insert plain tuples: COPY on PostgreSQL (roll-ups are rebuilt in bulk), bulk_create elsewhere."""
    if connection.vendor == "postgresql":
        names = ", ".join(connection.ops.quote_name(c) for c in columns)
        with connection.cursor() as cursor:
            table = connection.ops.quote_name(model._meta.db_table)
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        return
    model.objects.bulk_create(
        (model(**dict(zip(columns, row, strict=True))) for row in rows), batch_size=2000
    )


def _write(cells: Counter, persons: Counter) -> None:
    _insert(ActivityRollup, CELL_COLUMNS, ((*key, count) for key, count in cells.items() if count))
    _insert(PersonRollup, PERSON_COLUMNS, ((*key, count) for key, count in persons.items()))


def _month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def _next_month(day: dt.date) -> dt.date:
    return (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def _months_q(team_months: Iterable[tuple[int, dt.date]], field: str) -> Q:
    query = Q(pk__in=[])
    for team_id, month in team_months:
        query |= Q(team_id=team_id, **{f"{field}__gte": month, f"{field}__lt": _next_month(month)})
    return query


def refresh_months(team_months: Iterable[tuple[int, dt.date]] | None) -> None:
    """Re-sum the monthly tables from the daily ones, for these (team_id, month) or all."""
    if team_months is None:
        daily_q = monthly_q = Q()
    else:
        team_months = sorted(set(team_months))
        daily_q, monthly_q = _months_q(team_months, "service_date"), _months_q(team_months, "month")
    MonthlyRollup.objects.filter(monthly_q).delete()
    MonthlyPersonRollup.objects.filter(monthly_q).delete()
    keys = ["team_id", "organisation_id", "month", "territory_id", "kind"]
    cells = (
        ActivityRollup.objects.filter(daily_q)
        .order_by()
        .annotate(month=TruncMonth("service_date"))
        .values(*keys, "dimension", "value")
        .annotate(n=Sum("count"))
    )
    monthly_columns = [c if c != "service_date" else "month" for c in CELL_COLUMNS]
    _insert(
        MonthlyRollup,
        monthly_columns,
        (
            tuple(row[c if c != "count" else "n"] for c in monthly_columns)
            for row in list(cells)  # read fully first: COPY holds the connection
        ),
    )
    persons = (
        PersonRollup.objects.filter(daily_q)
        .order_by()
        .annotate(month=TruncMonth("service_date"))
        .values(*keys, "person_code")
        .annotate(n=Sum("contacts"))
    )
    person_columns = [c if c != "service_date" else "month" for c in PERSON_COLUMNS]
    _insert(
        MonthlyPersonRollup,
        person_columns,
        (tuple(row[c if c != "contacts" else "n"] for c in person_columns) for row in list(persons)),
    )


def _refresh(contact_q: Q, session_q: Q, rollup_q: Q, *, few: bool = False) -> None:
    ActivityRollup.objects.filter(rollup_q).delete()
    PersonRollup.objects.filter(rollup_q).delete()
    cells, persons = compute_contact_cells(contact_q, few=few)
    cells.update(compute_session_cells(session_q))
    _write(cells, persons)


def _record_ledger(source: str, table: str, buckets: list[Bucket]) -> None:
    """Point the ledger of every record now in these buckets at its bucket."""
    RollupLedger.objects.filter(Q(source=source) & _bucket_q(buckets)).delete()
    with connection.cursor() as cursor:
        for team_id, day in buckets:
            cursor.execute(
                f"INSERT INTO {RollupLedger._meta.db_table} (source, object_id, team_id, service_date) "  # noqa: S608
                f"SELECT %s, id, team_id, service_date FROM {table} WHERE team_id = %s AND service_date = %s",
                [source, team_id, day],
            )


def refresh_buckets(buckets: Iterable[Bucket]) -> int:
    """Recompute the roll-ups of these (team_id, service_date) buckets; returns how many."""
    wanted = sorted(set(buckets))
    if not wanted:
        return 0
    with transaction.atomic():
        # One refresher per team at a time, so two sync batches cannot interleave their rewrites.
        list(
            Team.objects.select_for_update()
            .filter(id__in={t for t, _ in wanted})
            .order_by("id")
            .values_list("id")
        )
        for start in range(0, len(wanted), BATCH):
            chunk = wanted[start : start + BATCH]
            _refresh(_bucket_q(chunk), _bucket_q(chunk), _bucket_q(chunk), few=True)
            _record_ledger(RollupLedger.Source.CONTACT, Contact._meta.db_table, chunk)
            _record_ledger(RollupLedger.Source.SESSION, OutreachSession._meta.db_table, chunk)
        refresh_months({(team_id, _month_start(day)) for team_id, day in wanted})
    return len(wanted)


def ledger_entries(source: str, ids: list[int]):
    """The ledger rows of these objects: a queryset of (object_id, team_id, service_date).

    The ids' range is given besides the list: it keeps the lookup a narrow scan of the unique
    (source, object_id) index even when the planner has no statistics yet (a new or fast-growing
    ledger), where the list alone let it read every row of the source.
    """
    return RollupLedger.objects.filter(
        source=source, object_id__gte=min(ids), object_id__lte=max(ids), object_id__any_of=ids
    ).values_list("object_id", "team_id", "service_date")


def _buckets_of(source: str, model, ids: Iterable[int]) -> set[Bucket]:
    ids = sorted(set(ids))
    found: set[Bucket] = set()
    for start in range(0, len(ids), 1000):
        chunk = ids[start : start + 1000]
        found.update(model.objects.filter(pk__any_of=chunk).values_list("team_id", "service_date"))
        found.update((team, day) for _pk, team, day in ledger_entries(source, chunk))
    return found


def sessions_changed(session_ids: Iterable[int]) -> int:
    """The same as `rollup_delta.contacts_changed`, for sessions (status, times, tallies, digital slots)."""
    return refresh_buckets(_buckets_of(RollupLedger.Source.SESSION, OutreachSession, session_ids))


def rebuild_all(*, chunk_days: int = 31, since: dt.date | None = None) -> None:
    """Recompute the roll-ups from the source rows, a few weeks at a time.

    With `since`, only service dates from the start of that month on are recomputed and older
    roll-ups are kept as they are: contacts purged by retention stay counted in the aggregates.
    """
    since = since.replace(day=1) if since else None
    recent = Q(service_date__gte=since) if since else Q()
    bounds = []
    for model in (Contact, OutreachSession):
        dates = model.objects.filter(recent).order_by("service_date").values_list("service_date", flat=True)
        if dates.exists():
            bounds += [dates.first(), dates.last()]
    with transaction.atomic():
        for model in (ActivityRollup, PersonRollup, RollupLedger):
            model.objects.filter(recent).delete()
        where = "WHERE service_date >= %s" if since else ""
        ledger = RollupLedger._meta.db_table
        if bounds:
            cursor_day, last_day = min(bounds), max(bounds)
            while cursor_day <= last_day:
                end = cursor_day + dt.timedelta(days=chunk_days - 1)
                in_range = Q(service_date__gte=cursor_day, service_date__lte=end)
                _refresh(in_range, in_range, Q(pk__in=[]))
                cursor_day = end + dt.timedelta(days=1)
        refresh_months(None)
        with connection.cursor() as cursor:
            for source, model in (("contact", Contact), ("session", OutreachSession)):
                cursor.execute(
                    f"INSERT INTO {ledger} (source, object_id, team_id, service_date) "  # noqa: S608
                    f"SELECT %s, id, team_id, service_date FROM {model._meta.db_table} {where}",
                    [source, *([since] if since else [])],
                )
            if connection.vendor == "postgresql":
                # Fresh statistics, or the planner guesses the new tables are empty.
                tables = (ActivityRollup, PersonRollup, MonthlyRollup, MonthlyPersonRollup, RollupLedger)
                cursor.execute("ANALYZE " + ", ".join(m._meta.db_table for m in tables))
