"""The wire shape of a contact operation, checked by plain functions: the fast path of a push.

A push carries hundreds of `contact.create`s; checking each through DRF's serializer (one field
object per value, its validators, its error machinery) cost more than writing them. `check_op`
answers the same thing for an operation it can vouch for, with plain comparisons: the validated
operation, as `api.serializers.sync_push.OperationSerializer` would return it. For anything it
does not vouch for (a missing or unknown field, a wrong type, a value out of range) it answers
None and the caller asks the serializer, which writes the field errors. So the outcome and its
messages are the serializer's in every case, and a test compares both on a corpus of operations
(tests/api/test_contact_wire.py).

The rules that need the database (codes in use, places, sessions, versions) are checked later,
once per batch, by outreach/rules/contacts.py and the services.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import uuid as uuid_lib
from typing import Any

from django.utils import timezone
from django.utils.dateparse import parse_datetime

from outreach.choices import AgeBand, ContactLevel, Gender, RequestCategory, YesNoUnknown
from outreach.rules.fields import PERSON_CODE_PATTERN
from outreach.rules.sealed import NOTE_ENVELOPE_MAX_LENGTH, PSEUDONYM_LENGTH, PSEUDONYM_PATTERN

ID_MAX = 2**63 - 1
# What the wire accepts as a plausible time, and how far ahead of the server a phone may be.
EARLIEST = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
LATEST = dt.datetime(2100, 1, 1, tzinfo=dt.UTC)
MAX_CLOCK_AHEAD = dt.timedelta(days=7)
CODE_MAX_LENGTH = 50
CODES_MAX = 50
ORIENTATIONS_MAX = 20
CONTACT_OPS = ("contact.create", "contact.update")

_slug = re.compile(r"^[-a-zA-Z0-9_]+\Z")
# A team's person code, or its pseudonym once the team has a key (ADR 010).
_person_code = re.compile(f"(?:{PERSON_CODE_PATTERN})|(?:{PSEUDONYM_PATTERN})")
# Characters DRF's text fields refuse: NUL and lone surrogates.
_forbidden = re.compile("[\x00\ud800-\udfff]")


class _Unsure(Exception):
    """The fast path cannot vouch for this value: let the serializer decide and explain."""


def _text(value: Any, *, blank: bool, null: bool, max_length: int) -> str | None:
    """A DRF CharField's answer: trimmed text (or "" / None when allowed)."""
    if value is None:
        if null:
            return None
        raise _Unsure
    if type(value) is not str or _forbidden.search(value):
        raise _Unsure
    value = value.strip()
    if not value:
        if blank:
            return ""
        raise _Unsure
    if len(value) > max_length:
        raise _Unsure
    return value


def _slug_text(value: Any, *, blank: bool = False, null: bool = False) -> str | None:
    text = _text(value, blank=blank, null=null, max_length=CODE_MAX_LENGTH)
    if text and not _slug.match(text):
        raise _Unsure
    return text


def _choice(value: Any, allowed: frozenset[str], *, blank: bool = False, null: bool = False) -> str | None:
    if value is None and null:
        return None
    if value == "" and blank:
        return ""
    if type(value) is not str or value not in allowed:
        raise _Unsure
    return value


def _integer(value: Any, *, low: int = 1, high: int = ID_MAX, null: bool = False) -> int | None:
    if value is None and null:
        return None
    if type(value) is not int or not low <= value <= high:
        raise _Unsure
    return value


def _boolean(value: Any, *, null: bool = False) -> bool | None:
    if value is None and null:
        return None
    if type(value) is not bool:
        raise _Unsure
    return value


def _uuid(value: Any) -> uuid_lib.UUID:
    if type(value) is not str:
        raise _Unsure
    try:
        return uuid_lib.UUID(hex=value)
    except ValueError:
        raise _Unsure from None


@functools.lru_cache(maxsize=2048)
def _parsed(value: str) -> dt.datetime | None:
    """parse_datetime's answer (None when it has none), remembered: a create's three times are
    usually one string."""
    try:
        return dt.datetime.fromisoformat(value)  # what parse_datetime tries first
    except ValueError:
        try:
            return parse_datetime(value)
        except ValueError:
            return None


def phone_time(value: Any, now: dt.datetime) -> dt.datetime:
    """A time with its offset, in 2000–2100, at most 7 days ahead of `now` (PhoneTimeField),
    in UTC (as the field gives it)."""
    if type(value) is not str:
        raise _Unsure
    return _phone_time(value, now)


@functools.lru_cache(maxsize=1024)
def _phone_time(value: str, now: dt.datetime) -> dt.datetime:
    """Remembered: a batch's operations share one `now`, and a create usually carries one time
    three times (an _Unsure is raised again each time, never remembered)."""
    parsed = _parsed(value)
    if parsed is None or parsed.tzinfo is None:
        raise _Unsure
    try:
        moment = parsed.astimezone(dt.UTC)
    except OverflowError:
        raise _Unsure from None
    if not EARLIEST <= moment <= LATEST or moment > now + MAX_CLOCK_AHEAD:
        raise _Unsure
    return moment


def _codes(value: Any) -> list[str]:
    if type(value) is not list or len(value) > CODES_MAX:
        raise _Unsure
    # A slug has nothing to trim: taken as it is, else asked as any text would be.
    return [
        code if type(code) is str and len(code) <= CODE_MAX_LENGTH and _slug.match(code) else _slug_text(code)
        for code in value
    ]


def _partner_ids(value: Any) -> list[int]:
    if type(value) is not list or len(value) > ORIENTATIONS_MAX:
        raise _Unsure
    return [_integer(pk) for pk in value]


def _person_code_value(value: Any) -> str | None:
    code = _text(value, blank=True, null=True, max_length=PSEUDONYM_LENGTH)
    if code and (len(code) < 2 or not _person_code.search(code)):
        raise _Unsure
    return code


def _custom(value: Any) -> dict:
    if type(value) is not dict:
        raise _Unsure
    return {str(key): item for key, item in value.items()}


AGE_BANDS = frozenset(AgeBand.values)
GENDERS = frozenset(Gender.values)
LEVELS = frozenset(ContactLevel.values)
REQUESTS = frozenset(RequestCategory.values)
YES_NO = frozenset(YesNoUnknown.values)


# Each field of a contact's data and how to read it (ContactDataSerializer's fields).
def _code_of(allowed: frozenset[str]):
    """A required choice (no blank, no null), in one call."""

    def check(value: Any, now: dt.datetime) -> str:
        if type(value) is not str or value not in allowed:
            raise _Unsure
        return value

    return check


def _codes_field(value: Any, now: dt.datetime) -> list[str]:
    return _codes(value)


FIELDS = {
    "session": lambda v, now: _uuid(v),
    "occurred_at": phone_time,
    "hotspot": lambda v, now: _integer(v, null=True),
    "platform": lambda v, now: _slug_text(v, blank=True, null=True),
    "conversation_established": lambda v, now: _boolean(v, null=True),
    "request_category": lambda v, now: _choice(v, REQUESTS, blank=True, null=True),
    "level": _code_of(LEVELS),
    "person_code": lambda v, now: _person_code_value(v),
    "age_band": _code_of(AGE_BANDS),
    "gender": _code_of(GENDERS),
    "is_first_contact": lambda v, now: _boolean(v),
    "known_to_child_welfare": _code_of(YES_NO),
    "concerns": _codes_field,
    "actions": _codes_field,
    "orientations": lambda v, now: _partner_ids(v),
    "note": lambda v, now: _text(v, blank=True, null=True, max_length=NOTE_ENVELOPE_MAX_LENGTH),
    "custom_values": lambda v, now: _custom(v),
}
REQUIRED_ON_CREATE = ("session", "occurred_at", "age_band", "gender")
ENVELOPE = frozenset(("op", "uuid", "base_version", "client_created_at", "client_updated_at", "data"))


def check_op(raw: Any, now: dt.datetime | None = None) -> dict[str, Any] | None:
    """The validated contact operation, or None when the serializer must decide (see above)."""
    if type(raw) is not dict or raw.get("op") not in CONTACT_OPS or not raw.keys() <= ENVELOPE:
        return None
    now = (now or timezone.now()).astimezone(dt.UTC)
    creating = raw["op"] == "contact.create"
    data = raw.get("data", {})
    try:
        if type(data) is not dict or not data.keys() <= FIELDS.keys():
            raise _Unsure
        if creating and not all(name in data for name in REQUIRED_ON_CREATE):
            raise _Unsure
        if not creating and "base_version" not in raw:
            raise _Unsure
        checked: dict[str, Any] = {"op": raw["op"], "uuid": _uuid(raw.get("uuid"))}
        if "base_version" in raw:
            checked["base_version"] = _integer(raw["base_version"])
        if "client_created_at" in raw:
            checked["client_created_at"] = phone_time(raw["client_created_at"], now)
        checked["client_updated_at"] = phone_time(raw.get("client_updated_at"), now)
        checked["data"] = {name: FIELDS[name](value, now) for name, value in data.items()}
    except _Unsure:
        return None
    return checked
