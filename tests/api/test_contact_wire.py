"""The plain-function check of contact operations agrees with the serializer on every operation
it vouches for, and leaves the others (and their error messages) to the serializer."""

from __future__ import annotations

import copy
import datetime as dt
import uuid

from django.utils import timezone
from rest_framework import serializers

from api.serializers.sync_push import check_operation
from outreach.rules import contact_wire

NOW = timezone.now()
WHEN = (NOW - dt.timedelta(minutes=5)).isoformat()


def base_create() -> dict:
    return {
        "op": "contact.create",
        "uuid": str(uuid.uuid4()),
        "client_created_at": WHEN,
        "client_updated_at": WHEN,
        "data": {
            "session": str(uuid.uuid4()),
            "occurred_at": WHEN,
            "age_band": "15_17",
            "gender": "girl",
            "level": "exchange",
            "is_first_contact": True,
            "concerns": ["running_away"],
            "actions": ["prevention_talk"],
        },
    }


def base_update() -> dict:
    return {
        "op": "contact.update",
        "uuid": str(uuid.uuid4()),
        "base_version": 1,
        "client_updated_at": WHEN,
        "data": {"age_band": "13_14"},
    }


# Values tried in each field: some valid, many not (types, ranges, spellings, blanks, nulls).
ODD = [None, "", "  ", True, 0, -1, 1.5, [], {}, "x" * 600, "\x00", "\ud800", 12345]
TRIES = {
    "session": [str(uuid.uuid4()), uuid.uuid4().hex, "not-a-uuid", *ODD],
    "occurred_at": [
        WHEN,
        "2026-01-01T10:00:00Z",
        "2026-01-01T10:00:00",
        "2099-01-01T10:00:00+01:00",
        "1999-12-31T10:00:00Z",
        "2026-02-30T10:00:00Z",
        (NOW + dt.timedelta(days=8)).isoformat(),
        *ODD,
    ],
    "hotspot": [1, 2**63 - 1, 2**63, "1", *ODD],
    "platform": ["snapchat", "bad code", " snapchat ", "a" * 51, *ODD],
    "conversation_established": [True, False, "yes", *ODD],
    "request_category": ["housing", "nope", *ODD],
    "level": ["seen", "exchange", "EXCHANGE", *ODD],
    "person_code": [
        "AB-12",
        " AB-12 ",
        "ab",
        "A",
        "ABCDEFGHIJKLMNOPQ",
        "0612345678",
        "pc1." + "A" * 43,  # a sealed team's pseudonym (ADR 010)
        "pc1." + "A" * 42,
        "pc1." + "A" * 44,
        *ODD,
    ],
    "age_band": ["13_14", "99", *ODD],
    "gender": ["boy", "other", *ODD],
    "is_first_contact": [True, False, *ODD],
    "known_to_child_welfare": ["yes", "no", "unknown", "maybe", *ODD],
    "concerns": [["a", "b"], ["bad code"], ["x"] * 51, [1], "a", *ODD],
    "actions": [["prevention_talk"], [" padded "], *ODD],
    "orientations": [[1, 2], [0], ["1"], [1] * 21, *ODD],
    "note": [
        "vue vers 23h30",
        "  spaced  ",
        "x" * 500,
        "x" * 501,
        "enc1.1." + "A" * 16 + "." + "B" * 40,  # sealed (ADR 010)
        "enc1.1." + "A" * 16 + "." + "B" * 2200,
        *ODD,
    ],
    "custom_values": [{"1": "a"}, {"2": None}, *ODD],
    "unknown_field": [1],
}
ENVELOPE_TRIES = {
    "uuid": [str(uuid.uuid4()), 12345, "nope", None],
    "base_version": [1, 0, "1", None, 2**63],
    "client_created_at": [WHEN, "2026-01-01T10:00:00", None],
    "client_updated_at": [WHEN, "yesterday", None],
    "op": ["contact.create", "contact.update", "session.end", None],
    "extra": [1],
}


def variants():
    for base in (base_create, base_update):
        yield base()
        for name, values in TRIES.items():
            for value in values:
                op = base()
                op["data"][name] = copy.deepcopy(value)
                yield op
            op = base()
            op["data"].pop(name, None)
            yield op
        for name, values in ENVELOPE_TRIES.items():
            for value in values:
                op = base()
                op[name] = value
                yield op
            op = base()
            op.pop(name, None)
            yield op
        for data in (None, [], "x"):
            op = base()
            op["data"] = data
            yield op


def slow(raw):
    try:
        return dict(check_operation(copy.deepcopy(raw)))
    except serializers.ValidationError:
        return None


def test_the_fast_check_agrees_with_the_serializer():
    vouched = 0
    for raw in variants():
        fast = contact_wire.check_op(copy.deepcopy(raw), NOW)
        if fast is None:
            continue
        vouched += 1
        expected = slow(raw)
        assert expected is not None, f"the fast check accepted what the serializer refuses: {raw}"
        expected["data"] = dict(expected["data"])
        assert fast == expected, raw
    # Not vacuous: the valid spellings above do go through the fast path.
    assert vouched >= 60


def test_every_operation_the_serializer_refuses_is_left_to_it():
    refused = [raw for raw in variants() if slow(raw) is None]
    assert len(refused) > 100
    assert all(contact_wire.check_op(copy.deepcopy(raw), NOW) is None for raw in refused)


def test_a_typical_create_takes_the_fast_path_with_the_serializers_values():
    raw = base_create()
    raw["data"]["note"] = "  vue vers 23h30  "
    fast = contact_wire.check_op(raw, NOW)
    assert fast is not None
    assert fast["data"]["note"] == "vue vers 23h30"
    assert fast["uuid"] == uuid.UUID(raw["uuid"])
    assert fast["data"]["occurred_at"] == dt.datetime.fromisoformat(WHEN)


def test_the_fast_check_knows_every_field_of_a_contact():
    from api.serializers.sync_push import ContactDataSerializer, OperationSerializer

    assert set(contact_wire.FIELDS) == set(ContactDataSerializer().fields)
    assert set(OperationSerializer().fields) == contact_wire.ENVELOPE
