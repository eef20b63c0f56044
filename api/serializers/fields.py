from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers


class PlausibleDateTimeField(serializers.DateTimeField):
    """A datetime in a sane range, so date arithmetic on it can never overflow."""

    default_error_messages = {"implausible": _("This date is not plausible (years 2000 to 2100).")}

    def to_internal_value(self, value):
        moment = super().to_internal_value(value)
        if not dt.datetime(2000, 1, 1, tzinfo=dt.UTC) <= moment <= dt.datetime(2100, 1, 1, tzinfo=dt.UTC):
            self.fail("implausible")
        return moment


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
