"""Check the values of an organisation's own fields, on every write of a contact or a debrief.

One rule set for the sync API, the services and anything else that writes `custom_values`; the
field app checks the same rules offline (frontend_pwa/static/frontend_pwa/js/custom-fields.js).
Values are keyed by the field's id; a change names only the fields it sets (null clears one),
so values of retired fields and retired choices are kept as they were recorded.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from outreach.models.custom_fields import FIRST_YEAR, LAST_YEAR, NUMBER_LIMIT, CustomField, CustomFieldKind

ERROR_PREFIX = "custom_values"
MAX_KEYS = 100


@dataclass(frozen=True)
class Catalogue:
    """All the fields (active and retired) of one organisation, by key, with their choices."""

    organisation_id: int | None
    fields: dict[str, CustomField]

    @classmethod
    def load(cls, organisation_id: int | None) -> Catalogue:
        if organisation_id is None:
            return cls(None, {})
        rows = CustomField.objects.filter(organisation_id=organisation_id).prefetch_related("choices")
        return cls(organisation_id, {field.key: field for field in rows})

    def active(self, target: str) -> list[CustomField]:
        return sorted(
            (f for f in self.fields.values() if f.target == target and f.is_active),
            key=lambda f: (f.position, f.pk),
        )


def error_key(key: str) -> str:
    return f"{ERROR_PREFIX}.{key}"


def merge(
    *, catalogue: Catalogue, target: str, current: dict[str, Any] | None, changes: Any
) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """The record's values after `changes`, and the errors ({"custom_values.<id>": [messages]}).

    A value equal to the stored one is always accepted (a phone sends the record whole), so a
    retired field or choice already recorded never makes a record unsavable.
    """
    merged = dict(current or {})
    errors: dict[str, list[str]] = {}
    if changes is None:
        return merged, errors
    if not isinstance(changes, dict):
        return merged, {ERROR_PREFIX: [_("Expected an object keyed by field id.")]}
    if len(changes) > MAX_KEYS:
        return merged, {ERROR_PREFIX: [_("Too many fields.")]}
    for raw_key, value in changes.items():
        key = str(raw_key)
        if key in merged and merged[key] == value:
            continue
        field = catalogue.fields.get(key)
        if field is None or field.target != target:
            errors[error_key(key)] = [_("Unknown field, or not one of your organisation's.")]
            continue
        if value is None and key not in merged:
            continue  # clearing what is not there changes nothing
        if not field.is_active:
            errors[error_key(key)] = [
                _("“%(field)s” was retired: it can no longer be filled in.") % {"field": field.label}
            ]
            continue
        if value is None:
            merged.pop(key, None)
            continue
        problem = _check(field, value, merged.get(key))
        if problem:
            errors[error_key(key)] = [problem]
        else:
            merged[key] = value
    return merged, errors


def _check(field: CustomField, value: Any, stored: Any) -> str | None:
    """Why `value` does not fit `field`, or None."""
    kind = field.kind
    if kind == CustomFieldKind.YES_NO:
        return None if isinstance(value, bool) else _("Expected yes or no (true or false).")
    if kind == CustomFieldKind.NUMBER:
        if isinstance(value, bool) or not isinstance(value, int):
            return _("Expected a whole number.")
        low = field.min_value if field.min_value is not None else -NUMBER_LIMIT
        high = field.max_value if field.max_value is not None else NUMBER_LIMIT
        if not low <= value <= high:
            return _("Expected a number between %(low)s and %(high)s.") % {"low": low, "high": high}
        return None
    if kind == CustomFieldKind.DATE:
        if not isinstance(value, str) or len(value) != 10:
            return _("Expected a date (YYYY-MM-DD).")
        try:
            day = dt.date.fromisoformat(value)
        except ValueError:
            return _("Expected a date (YYYY-MM-DD).")
        if not FIRST_YEAR <= day.year <= LAST_YEAR:
            return _("This date is not plausible.")
        return None
    # Choices: a retired choice stays acceptable only where it is already recorded.
    choices = {choice.code: choice for choice in field.choices.all()}
    kept = set(stored if isinstance(stored, list) else [stored])
    if kind == CustomFieldKind.CHOICE:
        codes = [value]
        if not isinstance(value, str):
            return _("Expected one choice code.")
    else:
        if not isinstance(value, list) or not all(isinstance(code, str) for code in value):
            return _("Expected a list of choice codes.")
        if len(set(value)) != len(value):
            return _("A choice is given twice.")
        codes = value
    for code in codes:
        choice = choices.get(code)
        if choice is None:
            return _("Unknown choice: “%(code)s”.") % {"code": code[:50]}
        if not choice.is_active and code not in kept:
            return _("The choice “%(choice)s” was retired.") % {"choice": choice.label}
    return None
