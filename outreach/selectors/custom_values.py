"""Read an organisation's own field values as people read them: the field's label and the answer.

Retired fields and choices are described like the others (the values stay readable for good).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import formats
from django.utils.translation import gettext as _

from outreach.models.custom_fields import CustomFieldKind
from outreach.services.custom_values import Catalogue


def describe(values: dict[str, Any] | None, catalogue: Catalogue) -> list[tuple[str, str]]:
    """(field label, answer) for each value, in the coordinator's order of the fields."""
    rows = []
    for key, value in (values or {}).items():
        field = catalogue.fields.get(str(key))
        if field is None or value is None:
            continue
        rows.append(((field.position, field.pk), field.label, _answer(field, value)))
    return [(label, answer) for _order, label, answer in sorted(rows)]


def _answer(field, value: Any) -> str:
    if field.kind == CustomFieldKind.YES_NO:
        return _("Yes") if value else _("No")
    if field.kind == CustomFieldKind.DATE:
        try:
            return formats.date_format(dt.date.fromisoformat(value), "SHORT_DATE_FORMAT")
        except (TypeError, ValueError):
            return str(value)
    if field.kind in (CustomFieldKind.CHOICE, CustomFieldKind.MULTI_CHOICE):
        labels = {choice.code: choice.label for choice in field.choices.all()}
        codes = value if isinstance(value, list) else [value]
        return ", ".join(labels.get(code, str(code)) for code in codes)
    return str(value)


def describe_all(records, organisation_id: int | None) -> None:
    """Set `custom_display` on each record (contacts or sessions), loading the fields once."""
    catalogue = Catalogue.load(organisation_id)
    for record in records:
        record.custom_display = describe(record.custom_values, catalogue)
