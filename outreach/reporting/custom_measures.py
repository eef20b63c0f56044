"""Number and date fields of an organisation's contacts, measured for its coordinators' report.

Yes/no and choice fields are counted in the roll-ups (custom_fields.py); numbers and dates are
measured here, straight from the contacts of the report's scope and period, in the database:
answered contacts, minimum, median, maximum and total of a number; answered contacts, earliest,
latest and the answered dates per calendar month of a date. Values are read from the JSON by
field id (ValueText below; numbers Cast to integers; dates are ISO text, so they order as text).
Number and date fields of the session debrief are measured the same way over the report's done
sessions (the sessions the roll-ups count, rollups.compute_session_cells), labelled as debrief
fields. Coordinators only: funders never see number or date fields. Retired fields holding values in
the period are shown, labelled retired. Under disclosure control (exports), a field answered by
fewer contacts than the threshold shows nothing, and a month under the threshold is suppressed
(with the next smallest month when it is the only one, so it cannot be recovered by subtraction).
"""

from __future__ import annotations

from django.db.models import Count, F, Func, IntegerField, Max, Min, Sum, TextField
from django.db.models.functions import Cast, Substr
from django.utils.translation import gettext as _

from outreach.choices import SessionStatus
from outreach.models import Contact, OutreachSession
from outreach.models.custom_fields import CustomField, CustomFieldKind, CustomFieldTarget
from outreach.reporting import custom_fields

MEASURED_KINDS = (CustomFieldKind.NUMBER, CustomFieldKind.DATE)


class ValueText(Func):
    """The text of `custom_values[key]`, or NULL when absent.

    Not Django's KeyTextTransform: it reads a key made of digits (our keys are field ids) as an
    array index, on SQLite (`$[12]`) and on PostgreSQL (`-> 12`), so it finds nothing here.
    """

    output_field = TextField()

    def __init__(self, key: str, field: str = "custom_values"):
        if not key.isdigit():
            raise ValueError("Field keys are field ids.")
        super().__init__(F(field))
        self.key = key

    def as_sql(self, compiler, connection, **extra):
        sql, params = compiler.compile(self.source_expressions[0])
        if connection.vendor == "postgresql":
            return f"({sql} ->> %s)", [*params, self.key]
        return f"JSON_EXTRACT({sql}, %s)", [*params, f'$."{self.key}"']


def measured_fields(organisation_ids, target: str = CustomFieldTarget.CONTACT) -> list[CustomField]:
    """The number and date fields on `target` of these organisations, retired ones too, in order."""
    return list(
        CustomField.objects.filter(
            organisation_id__in=organisation_ids, target=target, kind__in=MEASURED_KINDS
        ).order_by("organisation_id", "position", "pk")
    )


def _records_in(model, scope, tree):
    """The records of `model` a report counts: the roll-ups' filter (aggregate._where)."""
    records = model.objects.filter(
        team__organisation_id__in=scope.organisation_ids,
        service_date__gte=scope.period.start,
        service_date__lte=scope.period.end,
    )
    if scope.team_ids is not None:
        records = records.filter(team_id__in=scope.team_ids)
    if not tree.is_national(scope.territory_id):
        records = records.filter(territory_id__in=tree.subtree(scope.territory_id))
    return records.order_by()


def contacts_in(scope, tree):
    """The contacts a report counts."""
    return _records_in(Contact, scope, tree)


def sessions_in(scope, tree):
    """The sessions a report counts: done ones only, as the debrief choice fields' roll-ups."""
    return _records_in(OutreachSession, scope, tree).filter(status=SessionStatus.DONE)


def measure(
    records, fields: list[CustomField], *, disclose: bool, limit: int
) -> list[tuple[CustomField, list]]:
    """[(field, [(key, label, value)])] for each field answered by at least one of `records`.

    `records` are contacts or sessions (debrief fields). A value of None is suppressed. Fields of
    other organisations than the records' are never answered on them (values are checked against
    the record's organisation's own fields).
    """
    out = []
    for field in fields:
        answered = records.annotate(raw=ValueText(field.key)).exclude(raw=None)
        measured = _number if field.kind == CustomFieldKind.NUMBER else _date
        rows = measured(field, answered)
        if rows is None:
            continue
        if disclose:
            rows = _protect(rows, limit)
        out.append((field, rows))
    return out


def _number(field: CustomField, answered) -> list | None:
    numbers = answered.annotate(value=Cast("raw", IntegerField())).exclude(value=None)
    stats = numbers.aggregate(n=Count("id"), low=Min("value"), high=Max("value"), total=Sum("value"))
    n = stats["n"]
    if not n:
        return None
    ordered = list(numbers.order_by("value").values_list("value", flat=True)[(n - 1) // 2 : n // 2 + 1])
    median = sum(ordered) / len(ordered)
    median = int(median) if median == int(median) else median
    key = f"cfm{field.pk}"
    return [
        (f"{key}:answered", _answered(field), n),
        (f"{key}:min", _("Minimum"), stats["low"]),
        (f"{key}:median", _("Median"), median),
        (f"{key}:max", _("Maximum"), stats["high"]),
        (f"{key}:total", _("Total"), stats["total"]),
    ]


def _date(field: CustomField, answered) -> list | None:
    dates = answered
    stats = dates.aggregate(n=Count("id"), first=Min("raw"), last=Max("raw"))
    n = stats["n"]
    if not n:
        return None
    months = (
        dates.annotate(month=Substr("raw", 1, 7))
        .order_by("month")
        .values("month")
        .annotate(count=Count("id"))
    )
    key = f"cfm{field.pk}"
    rows = [
        (f"{key}:answered", _answered(field), n),
        (f"{key}:first", _("Earliest"), stats["first"]),
        (f"{key}:last", _("Latest"), stats["last"]),
    ]
    for row in months:
        rows.append(
            (f"{key}:month:{row['month']}", _("Dates in %(month)s") % {"month": row["month"]}, row["count"])
        )
    return rows


def _answered(field: CustomField) -> str:
    if field.target == CustomFieldTarget.DEBRIEF:
        return _("Answered sessions")
    return _("Answered contacts")


def _protect(rows: list, limit: int) -> list:
    answered = rows[0][2]
    if answered < limit:
        return [(key, label, None) for key, label, _value in rows]
    months = [i for i, (key, _label, _value) in enumerate(rows) if ":month:" in key]
    small = {i for i in months if rows[i][2] < limit}
    if len(small) == 1 and len(months) > 1:
        small.add(min((i for i in months if i not in small), key=lambda i: rows[i][2]))
    return [(key, label, None if i in small else value) for i, (key, label, value) in enumerate(rows)]


def title(field: CustomField) -> str:
    if field.target == CustomFieldTarget.DEBRIEF:
        return _("Debrief: %(field)s") % {"field": custom_fields.title(field)}
    return custom_fields.title(field)
