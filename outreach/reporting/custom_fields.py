"""The organisation's own fields in the roll-ups and the reports.

Yes/no, one-choice and several-choices fields on contacts are counted like the built-in
breakdowns: one roll-up cell per (field, answer) under the dimension `cf:<field id>`, then cells
of the report's `CellSystem`, so the same disclosure control hides small counts and what would
reveal them. Coordinators see every such field of their organisation (retired ones too, when
they hold values in the period); funders only the choice fields marked reportable.
Debrief fields count done sessions, shown as they are (they describe the teams' nights, not young
people), for coordinators (all) and funders (reportable choice fields). Numbers and dates are not
counted here: they are measured for coordinators only, in custom_measures.py.
"""

from __future__ import annotations

from collections import Counter

from django.db.models import Count
from django.utils.translation import gettext as _

from outreach.models.custom_fields import CustomField, CustomFieldKind, CustomFieldTarget

COUNTED_KINDS = (CustomFieldKind.YES_NO, CustomFieldKind.CHOICE, CustomFieldKind.MULTI_CHOICE)
# Answers that partition the contacts: one value each (yes/no, one choice) plus "not recorded".
SINGLE_KINDS = (CustomFieldKind.YES_NO, CustomFieldKind.CHOICE)
NOT_RECORDED = "_none"


def dimension(field_id: int | str) -> str:
    return f"cf:{field_id}"


def add_contact_cells(cells: Counter, contacts, keys: list[str]) -> None:
    """Add the custom-field cells of `contacts` (a Contact queryset) keyed by `keys` to `cells`."""
    _add_cells(cells, contacts, keys, CustomFieldTarget.CONTACT)


def add_session_cells(cells: Counter, sessions, keys: list[str]) -> None:
    """The same for the debrief fields of `sessions` (an OutreachSession queryset of done ones)."""
    _add_cells(cells, sessions, keys, CustomFieldTarget.DEBRIEF)


def counted_kinds(target: str) -> dict[int, str]:
    """{field id: kind} of the counted fields of `target` (every organisation's)."""
    return dict(CustomField.objects.filter(target=target, kind__in=COUNTED_KINDS).values_list("id", "kind"))


def answers_of(values, kinds: dict[int, str]):
    """(dimension, answer) of each counted answer in one record's `custom_values`."""
    if not isinstance(values, dict):
        return
    for key, value in values.items():
        kind = kinds.get(int(key)) if str(key).isdigit() else None
        if kind is None:
            continue
        if kind == CustomFieldKind.YES_NO:
            answers = ["yes" if value else "no"] if isinstance(value, bool) else []
        elif kind == CustomFieldKind.CHOICE:
            answers = [value] if isinstance(value, str) else []
        else:
            answers = [code for code in value if isinstance(code, str)] if isinstance(value, list) else []
        for answer in answers:
            yield dimension(key), answer[:50]


def _add_cells(cells: Counter, records, keys: list[str], target: str) -> None:
    kinds = counted_kinds(target)
    if not kinds:
        return
    # Grouped in the database: records with the same answers come as one row with their count.
    rows = records.exclude(custom_values={}).values(*keys, "custom_values").annotate(n=Count("id"))
    for row in rows:
        base = tuple(row[k] for k in keys)
        for name, answer in answers_of(row["custom_values"], kinds):
            cells[(*base, name, answer)] += row["n"]


def report_fields(
    organisation_ids, *, reportable_only: bool, target: str = CustomFieldTarget.CONTACT
) -> list[CustomField]:
    """The counted fields (of contacts or debriefs) of these organisations, in their order."""
    rows = CustomField.objects.filter(
        organisation_id__in=organisation_ids, target=target, kind__in=COUNTED_KINDS
    )
    if reportable_only:
        rows = rows.filter(reportable=True)
    return list(rows.prefetch_related("choices").order_by("organisation_id", "position", "pk"))


def answers(field: CustomField) -> list[tuple[str, str]]:
    """(code, label) of every answer a field can hold, retired choices included."""
    if field.kind == CustomFieldKind.YES_NO:
        return [("yes", _("Yes")), ("no", _("No"))]
    return [(choice.code, choice.label) for choice in field.choices.all()]


def add_to_system(system, raw, fields: list[CustomField], total) -> list[CustomField]:
    """Cells of each field's answers in the report's system; returns the fields to show.

    Single-valued answers and "not recorded" add up to the contacts, and the system is told so,
    so secondary suppression protects them like the built-in partitions.
    """
    shown = []
    for field in fields:
        counted: Counter = Counter()
        for (_territory, _kind, dim, value), n in raw.cells.items():
            if dim == dimension(field.pk):
                counted[value] += n
        if not field.is_active and not counted:
            continue  # retired and nothing recorded in the period
        keys = []
        for code, _label in answers(field):
            system.add(key(field, code), counted.get(code, 0))
            keys.append(key(field, code))
        if field.kind in SINGLE_KINDS:
            recorded = sum(counted.get(code, 0) for code, _label in answers(field))
            system.add(key(field, NOT_RECORDED), max(system.values[total] - recorded, 0))
            system.relate(total, [*keys, key(field, NOT_RECORDED)])
        shown.append(field)
    return shown


def key(field: CustomField, code: str) -> str:
    return f"cf{field.pk}:{code}"


def figures(field: CustomField) -> list[tuple[str, str]]:
    """(cell key, label) of the figures a field's breakdown shows."""
    rows = [(key(field, code), label) for code, label in answers(field)]
    if field.kind in SINGLE_KINDS:
        rows.append((key(field, NOT_RECORDED), _("Not recorded")))
    return rows


def title(field: CustomField) -> str:
    return field.label if field.is_active else _("%(field)s (retired)") % {"field": field.label}


def session_breakdowns(raw, fields: list[CustomField], sessions: int) -> list[tuple[CustomField, list]]:
    """Debrief fields as (field, [(key, label, count, percent of done sessions)]).

    They describe the teams' nights, not young people: shown as they are, like the sessions and
    hours of the activity figures, never as cells of the contacts' disclosure system.
    """
    out = []
    for field in fields:
        counted: Counter = Counter()
        for (_territory, _kind, dim, value), n in raw.cells.items():
            if dim == dimension(field.pk):
                counted[value] += n
        if not field.is_active and not counted:
            continue
        rows = []
        for code, label in answers(field):
            n = counted.get(code, 0)
            rows.append((key(field, code), label, n, round(100 * n / sessions) if sessions else None))
        out.append((field, rows))
    return out
