from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

# How far ahead of the server's clock a phone's clock may be believed to run: the server corrects
# a phone a few days off (docs/sync-protocol.md §2.5), but a phone in 2099 is refused.
MAX_CLOCK_AHEAD = dt.timedelta(days=7)


class PlausibleDateTimeField(serializers.DateTimeField):
    """A datetime written with its offset, in a sane range, so date arithmetic can never overflow.

    A time without an offset is refused: read in the server's zone, a phone's local time would be
    wrong by hours without anyone noticing. The time is given back in UTC: in Paris time, the hour
    that occurs twice when clocks go back compares unequal to the same instant from the database
    (PEP 495), so a replayed operation was not recognised during that hour.
    """

    def __init__(self, **kwargs):
        kwargs.setdefault("default_timezone", dt.UTC)
        super().__init__(**kwargs)

    default_error_messages = {
        "implausible": _("This date is not plausible (years 2000 to 2100)."),
        "naive": _("Give the time with its offset from UTC (for example +01:00 or Z)."),
    }

    def to_internal_value(self, value):
        if not isinstance(value, str):
            self.fail("invalid", format="ISO 8601")
        try:
            parsed = parse_datetime(value)
        except ValueError:
            parsed = None
        if parsed is not None and parsed.tzinfo is None:
            self.fail("naive")
        moment = super().to_internal_value(value)
        if not dt.datetime(2000, 1, 1, tzinfo=dt.UTC) <= moment <= dt.datetime(2100, 1, 1, tzinfo=dt.UTC):
            self.fail("implausible")
        return moment


class PhoneTimeField(PlausibleDateTimeField):
    """A time read on the phone's clock: at most a day ahead of the server's (MAX_CLOCK_AHEAD)."""

    default_error_messages = {
        "ahead": _(
            "This time is more than 7 days ahead of the server's clock; check the phone's date and time."
        ),
    }

    def to_internal_value(self, value):
        moment = super().to_internal_value(value)
        if moment > timezone.now() + MAX_CLOCK_AHEAD:
            self.fail("ahead")
        return moment


class StrictSerializer(serializers.Serializer):
    """Refuses fields it does not know, so a typo in the app is caught, not silently dropped."""

    def to_internal_value(self, data):
        if isinstance(data, dict):
            unknown = sorted(set(data) - set(self.fields))
            if unknown:
                raise serializers.ValidationError({name: [_("Unknown field.")] for name in unknown})
        return super().to_internal_value(data)


class StrictBooleanField(serializers.BooleanField):
    """true/false only: a phone sending "yes" has a bug worth hearing about."""

    def to_internal_value(self, data):
        if isinstance(data, bool):
            return data
        self.fail("invalid", input=data)


class StrictIntegerField(serializers.IntegerField):
    """A JSON integer, not a string or a float that happens to look like one."""

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictUUIDField(serializers.UUIDField):
    """A UUID written as text: DRF would also read an integer as UUID(int=…)."""

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid", value=data)
        return super().to_internal_value(data)


def plain_errors(errors) -> dict[str, list[str]]:
    """DRF's nested error structure flattened to {field: [messages]} (nested fields dotted)."""
    flat: dict[str, list[str]] = {}

    def walk(prefix: str, value) -> None:
        if isinstance(value, dict):
            for key, inner in value.items():
                walk(f"{prefix}.{key}" if prefix else str(key), inner)
        elif isinstance(value, list) and value and not all(isinstance(v, str) for v in value):
            for index, inner in enumerate(value):
                if inner:
                    walk(f"{prefix}.{index}", inner)
        else:
            messages = value if isinstance(value, list) else [value]
            flat.setdefault(prefix or "non_field_errors", []).extend(str(m) for m in messages)

    walk("", errors)
    return flat
