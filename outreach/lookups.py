"""`field__any_of=[ids]`: membership in a long list of ids, sent as one value on PostgreSQL.

Django's `__in` prepares each of the list's values through the field and writes a placeholder per
value; for the 500 ids of a push that cost more than the query itself, and psycopg's client-side
binding then parses the long statement again on every call. `any_of` sends the list as one array
(`= ANY(%s)`) on PostgreSQL, where the statement stays short and the same whatever the count; on
other databases it is `IN (...)`, each value prepared by the field. On PostgreSQL the values go
as they are, so they must already be of the column's type: ints for ids, `uuid.UUID`s for UUIDs.
"""

from __future__ import annotations

from django.core.exceptions import EmptyResultSet
from django.db.models import ForeignKey, IntegerField, Lookup, UUIDField


class AnyOf(Lookup):
    lookup_name = "any_of"
    prepare_rhs = False

    def get_prep_lookup(self):
        return list(self.rhs)

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        values = list(self.rhs)
        if not values:
            raise EmptyResultSet
        if connection.vendor == "postgresql":
            return f"{lhs} = ANY(%s)", [*lhs_params, values]
        field = self.lhs.output_field
        values = [field.get_db_prep_value(value, connection, prepared=False) for value in values]
        return f"{lhs} IN ({', '.join(['%s'] * len(values))})", [*lhs_params, *values]


def register() -> None:
    """Called once from the app's `ready()`."""
    IntegerField.register_lookup(AnyOf)  # primary keys (BigAutoField) and integer columns
    ForeignKey.register_lookup(AnyOf)
    UUIDField.register_lookup(AnyOf)
