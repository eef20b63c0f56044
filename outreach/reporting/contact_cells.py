"""The roll-up cells of a few contacts (a night, a push), counted in Python from their rows.

One read of the contacts and one of each link table, by contact id through their indexes, then
every breakdown counted here: cheaper than a GROUP BY per breakdown when the contacts are few.
Contacts a push has just inserted are counted from the rows in hand (`count_in_hand`): no read.
Whole-table rebuilds group in the database instead (`rollups.compute_contact_cells`); the property
test in tests/reports/test_rollups.py checks both ways give the same cells.
"""

from __future__ import annotations

import operator
from collections import Counter
from dataclasses import dataclass
from enum import Enum
from typing import Any

from outreach.models import Contact, Orientation
from outreach.models.custom_fields import CustomFieldTarget
from outreach.reporting import custom_fields

KEYS = ["team_id", "team__organisation_id", "service_date", "territory_id", "kind"]
# Single-valued contact fields counted per value: dimension -> field.
FIELDS = {
    "level": "level",
    "age_band": "age_band",
    "gender": "gender",
    "known_ase": "known_to_child_welfare",
    "hour_band": "hour_band",
    "platform": "platform__code",
    "request": "request_category",
}
CHUNK = 2000


COLUMNS = ["id", *KEYS, *FIELDS.values(), "is_first_contact", "conversation_established"]
COLUMNS += ["person_code", "custom_values"]


@dataclass(frozen=True)
class InHand:
    """A contact just written, as its row reads (`COLUMNS`), with its links' codes: what its cells
    are counted from without reading it back."""

    row: dict[str, Any]
    concerns: tuple[str, ...] = ()
    actions: tuple[str, ...] = ()
    orientations: frozenset[str] = frozenset()  # the partners' categories


def in_hand(contact, *, concerns=(), actions=(), categories=()) -> InHand:
    """`contact` (saved, with its team and platform loaded) and the codes of its links."""
    row = {
        "id": contact.pk,
        "team__organisation_id": contact.team.organisation_id,
        "platform__code": contact.platform.code if contact.platform_id else None,
    }
    row.update(zip(_OWN_COLUMNS, map(_plain, _read_own(contact)), strict=True))
    return InHand(row, tuple(concerns), tuple(actions), frozenset(categories))


# The columns a contact holds itself (the others are read through its team and platform).
_OWN_COLUMNS = [name for name in COLUMNS if name not in ("id", "team__organisation_id", "platform__code")]
_read_own = operator.attrgetter(*_OWN_COLUMNS)


def _plain(value):
    """A choice's value as the database returns it (str, not the enum member)."""
    return value.value if isinstance(value, Enum) else value


def count(contacts, buckets: dict | None = None) -> tuple[Counter, Counter]:
    """(roll-up cells, person cells) of `contacts` (a Contact queryset), keyed as the roll-ups.

    `buckets`, when given, receives each counted contact's {id: (team_id, service_date)}."""
    rows = (dict(zip(COLUMNS, row, strict=True)) for row in contacts.order_by().values_list(*COLUMNS))
    cells, persons, keys = _count_rows(rows, buckets)
    _add_links(cells, keys)
    return cells, persons


def count_in_hand(contacts: list[InHand], buckets: dict | None = None) -> tuple[Counter, Counter]:
    """The same as `count`, for contacts whose rows and links are in hand: no query."""
    cells, persons, keys = _count_rows((c.row for c in contacts), buckets)
    for contact in contacts:
        key = keys[contact.row["id"]]
        for code in contact.concerns:
            cells[(*key, "concern", code)] += 1
        for code in contact.actions:
            cells[(*key, "action", code)] += 1
        for category in contact.orientations:
            cells[(*key, "orientation", category)] += 1
        if contact.orientations:
            cells[(*key, "oriented", "")] += 1
    return cells, persons


# What a contact's single-valued cells depend on, besides its key.
_SIGNATURE = [*FIELDS.values(), "is_first_contact", "conversation_established"]
_read_signature = operator.itemgetter(*_SIGNATURE)


def _count_rows(rows, buckets: dict | None) -> tuple[Counter, Counter, dict[int, tuple]]:
    """The cells of each row; rows alike (same key, same single-valued fields: most of a push)
    are counted together, then their cells added once with their number."""
    cells: Counter = Counter()
    persons: Counter = Counter()
    keys: dict[int, tuple] = {}
    alike: Counter = Counter()
    kinds = None
    for values in rows:
        key = tuple(values[k] for k in KEYS)
        keys[values["id"]] = key
        if buckets is not None:
            buckets[values["id"]] = (values["team_id"], values["service_date"])
        alike[(key, _read_signature(values))] += 1
        if values["custom_values"]:
            if kinds is None:
                kinds = custom_fields.counted_kinds(CustomFieldTarget.CONTACT)
            for dimension, answer in custom_fields.answers_of(values["custom_values"], kinds):
                cells[(*key, dimension, answer)] += 1
        if values["person_code"]:
            persons[(*key, values["person_code"])] += 1
    for (key, signature), n in alike.items():
        values = dict(zip(_SIGNATURE, signature, strict=True))
        cells[(*key, "contacts", "")] += n
        if values["is_first_contact"] and values["level"] == "exchange":
            cells[(*key, "first_contact", "")] += n
        if values["conversation_established"] is True:
            cells[(*key, "conversation", "")] += n
        for dimension, field in FIELDS.items():
            value = values[field]
            if value not in (None, ""):
                cells[(*key, dimension, str(value))] += n
    return cells, persons, keys


def _add_links(cells: Counter, keys: dict[int, tuple]) -> None:
    """Concerns, actions and orientations of these contacts, read by contact id."""
    ids = list(keys)
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        for dimension, through, field in (
            ("concern", Contact.concerns.through, "concern__code"),
            ("action", Contact.actions.through, "action__code"),
        ):
            for contact_id, code in through.objects.filter(contact_id__any_of=chunk).values_list(
                "contact_id", field
            ):
                cells[(*keys[contact_id], dimension, code)] += 1
        links = Orientation.objects.filter(contact_id__any_of=chunk)
        oriented = set(links.values_list("contact_id", "partner__category"))
        for contact_id, category in oriented:
            cells[(*keys[contact_id], "orientation", category)] += 1
        for contact_id in {contact_id for contact_id, _category in oriented}:
            cells[(*keys[contact_id], "oriented", "")] += 1
