"""Fast bulk loading of generated rows: COPY on PostgreSQL, bulk_create elsewhere.

Only the demo and benchmark generators use this; live records always go through the services.
"""

from __future__ import annotations

from django.db import connection, models, transaction
from django.utils import timezone


def _pg_copy(model: type[models.Model], objs: list[models.Model]) -> None:
    """COPY rows in, ids pre-allocated from the table's sequence so callers can link to them."""
    meta = model._meta
    fields = meta.concrete_fields
    now = timezone.now()
    with connection.cursor() as cursor:
        if meta.pk.attname == "id" and any(o.pk is None for o in objs):
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                [meta.db_table, len(objs)],
            )
            for obj, (pk,) in zip(objs, cursor.fetchall(), strict=True):
                obj.pk = pk
        columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
        raw = cursor.cursor  # the psycopg cursor under Django's wrapper
        with raw.copy(f"COPY {connection.ops.quote_name(meta.db_table)} ({columns}) FROM STDIN") as copy:
            for obj in objs:
                row = []
                for f in fields:
                    value = getattr(obj, f.attname)
                    if value is None and (getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)):
                        value = now
                    elif isinstance(f, models.JSONField):
                        value = f.get_db_prep_save(value, connection)
                    row.append(value)
                copy.write_row(row)


def bulk_insert(model: type[models.Model], objs: list[models.Model]) -> list[models.Model]:
    """Insert `objs` and return them with their primary keys set."""
    if not objs:
        return objs
    if connection.vendor == "postgresql":
        with transaction.atomic():
            _pg_copy(model, objs)
        return objs
    return model.objects.bulk_create(objs)
