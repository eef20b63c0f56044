"""Insert many new rows at once: COPY on PostgreSQL, `bulk_create` elsewhere.

`bulk_create` prepares every value of every row through Django's field machinery and sends one
INSERT with thousands of placeholders that the driver must parse; for the 500 contacts of a push
that was the largest part of its time. COPY takes the Python values as they are. Ids are drawn
from the table's sequence first, so the caller gets its rows back with their primary keys, as
with `bulk_create`.
"""

from __future__ import annotations

import operator
from collections.abc import Sequence

from django.db import connection, connections, models
from django.db.models import NOT_PROVIDED, signals
from django.db.models.base import ModelState
from django.db.models.expressions import BaseExpression

# Field types whose Python value psycopg writes as it is (the others go through Django first).
_PLAIN = {
    "AutoField",
    "BigAutoField",
    "BigIntegerField",
    "BooleanField",
    "CharField",
    "DateField",
    "DateTimeField",
    "ForeignKey",
    "IntegerField",
    "PositiveIntegerField",
    "PositiveSmallIntegerField",
    "SlugField",
    "SmallIntegerField",
    "TextField",
    "UUIDField",
}


def insert_rows(model: type[models.Model], objs: Sequence[models.Model]) -> None:
    """Insert unsaved instances of `model` and set their primary keys (raises IntegrityError)."""
    if not objs:
        return
    if connection.vendor != "postgresql":
        model.objects.bulk_create(objs)
        return
    meta = model._meta
    # Per field, once: read the attribute as it is (in one C call for all such fields), or ask
    # the field (auto_now stamps, types psycopg does not take as they are).
    as_is, asked = [], []
    for field in meta.concrete_fields:
        if field.primary_key:
            continue
        stamped = getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)
        plain = field.get_internal_type() in _PLAIN
        (as_is if plain and not stamped else asked).append((field, plain))
    read = operator.itemgetter(*(field.attname for field, _ in as_is))
    db = connections[connection.alias]  # the connection itself, not the proxy, in the loop
    # A database default (`db_default` without a Python default) travels as an expression.
    maybe_default = [i for i, (field, _) in enumerate(as_is) if field.db_default is not NOT_PROVIDED]
    rows = []
    for obj in objs:
        try:
            row = [None, *read(obj.__dict__)]  # the primary key is drawn below
        except KeyError:  # a deferred attribute: let the field say
            row = [None, *(field.pre_save(obj, add=True) for field, _ in as_is)]
        for field, plain in asked:
            value = field.pre_save(obj, add=True)
            row.append(value if plain else field.get_db_prep_save(value, db))
        if any(isinstance(row[1 + i], BaseExpression) for i in maybe_default) or any(
            isinstance(value, BaseExpression) for value in row[1 + len(as_is) :]
        ):
            model.objects.bulk_create(objs)  # leave database defaults to Django
            return
        rows.append(row)
    fields = [meta.pk, *(field for field, _ in as_is), *(field for field, _ in asked)]
    quote = connection.ops.quote_name
    table, columns = quote(meta.db_table), ", ".join(quote(field.column) for field in fields)
    with connection.cursor() as cursor, connection.wrap_database_errors:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [meta.db_table, meta.pk.column, len(objs)],
        )
        ids = [pk for (pk,) in cursor.fetchall()]
        with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            for row, pk in zip(rows, ids, strict=True):
                row[0] = pk
                copy.write_row(row)
    for obj, pk in zip(objs, ids, strict=True):
        obj.pk = pk
        obj._state.adding = False
        obj._state.db = connection.alias


def insert_values(model: type[models.Model], columns: Sequence[str], rows: Sequence[tuple]) -> None:
    """Insert plain rows (link rows nobody needs the ids of): COPY on PostgreSQL, no instances."""
    if not rows:
        return
    if connection.vendor != "postgresql":
        model.objects.bulk_create([model(**dict(zip(columns, row, strict=True))) for row in rows])
        return
    quote = connection.ops.quote_name
    names = ", ".join(quote(model._meta.get_field(name).column) for name in columns)
    statement = f"COPY {quote(model._meta.db_table)} ({names}) FROM STDIN"
    with (
        connection.cursor() as cursor,
        connection.wrap_database_errors,
        cursor.cursor.copy(statement) as copy,
    ):
        for row in rows:
            copy.write_row(row)


class Blank:
    """Unsaved instances of one model, made without `Model.__init__`.

    `__init__` runs every field's default and, for a related row, its descriptor, for each
    instance: about 25 µs for a contact, paid 500 times by a push of 500 new contacts. Here the
    defaults are read once (a callable default is still called per instance, as `__init__` does)
    and the given attributes are set as they are. Attribute names only (`team_id`, not `team`);
    related rows already in hand go in `related`, so reading `contact.team` costs no query.
    Refused for a model with `pre_init`/`post_init` receivers, which `__init__` would have run.
    """

    def __init__(self, model: type[models.Model]) -> None:
        if signals.pre_init.has_listeners(model) or signals.post_init.has_listeners(model):
            raise TypeError(f"{model.__name__} has init signal receivers: build it with __init__.")
        self.model = model
        self.fixed: dict[str, object] = {}
        self.called: list[tuple[str, object]] = []
        for field in model._meta.concrete_fields:
            if field.has_default() and callable(field.default):
                self.called.append((field.attname, field.default))
            else:
                self.fixed[field.attname] = field.get_default()
        self.names = frozenset(self.fixed) | {name for name, _ in self.called}

    def __call__(self, values: dict[str, object], related: dict[str, models.Model] | None = None):
        unknown = values.keys() - self.names
        if unknown:
            raise TypeError(f"Not attribute names of {self.model.__name__}: {sorted(unknown)}")
        obj = self.model.__new__(self.model)
        obj._state = ModelState()
        attributes = obj.__dict__
        attributes.update(self.fixed)
        for name, default in self.called:
            if name not in values:
                attributes[name] = default()
        attributes.update(values)
        if related:
            obj._state.fields_cache.update(related)
        return obj
