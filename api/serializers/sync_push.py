"""The push wire format: the shape of a batch and of each operation's data.

Only shape, types, codes and lengths are checked here; the rules that need the database
(scope, versions, edit window, references) are in outreach/services.
"""

from __future__ import annotations

import copy

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import PolymorphicProxySerializer
from rest_framework import serializers

from api.serializers.devices import DeviceStateSerializer
from api.serializers.fields import (
    PhoneTimeField,
    PlausibleDateTimeField,
    StrictBooleanField,
    StrictIntegerField,
    StrictSerializer,
    StrictUUIDField,
)
from outreach.choices import (
    AgeBand,
    Atmosphere,
    ContactLevel,
    Gender,
    RequestCategory,
    SessionKind,
    YesNoUnknown,
)
from outreach.models.contacts import person_code_validator
from outreach.models.counts import SLOT_REQUEST_CATEGORIES, TallyRemoval
from outreach.rules.fields import DEBRIEF_NOTES_MAX_LENGTH, NOTE_MAX_LENGTH, PERSON_CODE_PATTERN
from outreach.rules.reasons import REASONS
from outreach.rules.sealed import (
    DEBRIEF_ENVELOPE_MAX_LENGTH,
    NOTE_ENVELOPE_MAX_LENGTH,
    PSEUDONYM_LENGTH,
    PSEUDONYM_PATTERN,
)
from outreach.services.sync_push import OPERATIONS

# Database ids are 64-bit: a larger number names nothing, and SQLite could not even look it up.
ID_MAX = 2**63 - 1


def code_list(**kwargs):
    return serializers.ListField(child=serializers.SlugField(max_length=50), max_length=50, **kwargs)


def custom_values_field():
    """The organisation's own fields, {field id: value}; checked against the definitions by
    outreach/services/custom_values.py (the shape of each value depends on its field)."""
    return serializers.DictField(
        required=False,
        help_text="The organisation's own fields: {field id: value}; null clears a value.",
    )


class ContactDataSerializer(StrictSerializer):
    session = StrictUUIDField()
    occurred_at = PhoneTimeField()
    hotspot = StrictIntegerField(min_value=1, max_value=ID_MAX, allow_null=True, required=False)
    platform = serializers.SlugField(max_length=50, allow_null=True, allow_blank=True, required=False)
    conversation_established = StrictBooleanField(allow_null=True, required=False)
    request_category = serializers.ChoiceField(
        choices=RequestCategory.choices, allow_blank=True, allow_null=True, required=False
    )
    level = serializers.ChoiceField(choices=ContactLevel.choices, required=False)
    person_code = serializers.RegexField(
        f"(?:{PERSON_CODE_PATTERN})|(?:{PSEUDONYM_PATTERN})",
        min_length=2,
        max_length=PSEUDONYM_LENGTH,
        help_text="The team's person code, or once the team has a key its pseudonym `pc1.<HMAC>` (ADR 010).",
        allow_blank=True,
        allow_null=True,
        required=False,
        error_messages={"invalid": person_code_validator.message},
    )
    age_band = serializers.ChoiceField(choices=AgeBand.choices)
    gender = serializers.ChoiceField(choices=Gender.choices)
    is_first_contact = StrictBooleanField(required=False)
    known_to_child_welfare = serializers.ChoiceField(choices=YesNoUnknown.choices, required=False)
    concerns = code_list(required=False)
    actions = code_list(required=False)
    orientations = serializers.ListField(
        child=StrictIntegerField(min_value=1, max_value=ID_MAX), max_length=20, required=False
    )
    note = serializers.CharField(
        max_length=NOTE_ENVELOPE_MAX_LENGTH,
        allow_blank=True,
        allow_null=True,
        required=False,
        help_text=f"At most {NOTE_MAX_LENGTH} characters; once the team has a key, sealed: "
        "`enc1.<kid>.<iv>.<ct>` (ADR 010).",
    )
    custom_values = custom_values_field()


class TallySerializer(StrictSerializer):
    level = serializers.ChoiceField(choices=ContactLevel.choices, required=False)
    age_band = serializers.ChoiceField(choices=AgeBand.choices)
    gender = serializers.ChoiceField(choices=Gender.choices)
    count = StrictIntegerField(min_value=0, max_value=10_000)


class SlotCountsSerializer(StrictSerializer):
    id = StrictIntegerField(min_value=1, max_value=ID_MAX)
    profiles_spotted = StrictIntegerField(min_value=0, max_value=100_000, required=False)
    messages_sent = StrictIntegerField(min_value=0, max_value=100_000, required=False)
    conversations = StrictIntegerField(min_value=0, max_value=100_000, required=False)


class SessionStartDataSerializer(StrictSerializer):
    # null is read as "not given" for these optional fields.
    started_at = PhoneTimeField(required=False, allow_null=True)
    kind = serializers.ChoiceField(choices=SessionKind.choices, required=False, allow_null=True)
    territory = StrictIntegerField(min_value=1, max_value=ID_MAX, required=False, allow_null=True)
    team = StrictIntegerField(min_value=1, max_value=ID_MAX, required=False, allow_null=True)
    title = serializers.CharField(max_length=120, allow_blank=True, required=False, allow_null=True)
    planned_end = PlausibleDateTimeField(required=False, allow_null=True)


class SessionUpdateDataSerializer(StrictSerializer):
    young_people_seen = StrictIntegerField(min_value=0, max_value=100_000, allow_null=True, required=False)
    atmosphere = serializers.ChoiceField(
        choices=Atmosphere.choices, allow_blank=True, allow_null=True, required=False
    )
    recruiters_present = serializers.ChoiceField(choices=YesNoUnknown.choices, required=False)
    clients_present = serializers.ChoiceField(choices=YesNoUnknown.choices, required=False)
    police_present = serializers.ChoiceField(choices=YesNoUnknown.choices, required=False)
    material_handed_out = StrictIntegerField(min_value=0, max_value=100_000, allow_null=True, required=False)
    debrief_notes = serializers.CharField(
        max_length=DEBRIEF_ENVELOPE_MAX_LENGTH,
        allow_blank=True,
        allow_null=True,
        required=False,
        help_text=f"At most {DEBRIEF_NOTES_MAX_LENGTH} characters; once the team has a key, sealed: "
        "`enc1.<kid>.<iv>.<ct>` (ADR 010).",
    )
    tallies = TallySerializer(many=True, required=False, max_length=100)
    digital_slots = SlotCountsSerializer(many=True, required=False, max_length=50)
    custom_values = custom_values_field()


class SessionEndDataSerializer(SessionUpdateDataSerializer):
    ended_at = PhoneTimeField()


class TallyAddDataSerializer(StrictSerializer):
    session = serializers.UUIDField()
    level = serializers.ChoiceField(choices=ContactLevel.choices, required=False)
    age_band = serializers.ChoiceField(choices=AgeBand.choices)
    gender = serializers.ChoiceField(choices=Gender.choices)
    tapped_at = PlausibleDateTimeField(required=False)


class TallyRemoveDataSerializer(StrictSerializer):
    reason = serializers.ChoiceField(choices=TallyRemoval.choices)
    contact = serializers.UUIDField(required=False, allow_null=True)


class SlotRequestsField(serializers.DictField):
    """{category: count}: only the request categories a slot counts, each at most once."""

    child = StrictIntegerField(min_value=0, max_value=100_000)

    def to_internal_value(self, data):
        counts = super().to_internal_value(data)
        unknown = sorted(set(counts) - set(SLOT_REQUEST_CATEGORIES))
        if unknown:
            raise serializers.ValidationError(
                _("Unknown request category: %(codes)s (expected one of %(allowed)s).")
                % {"codes": ", ".join(unknown), "allowed": ", ".join(SLOT_REQUEST_CATEGORIES)}
            )
        return counts


def _funnel_count():
    return StrictIntegerField(min_value=0, max_value=100_000, required=False)


class SlotSaveDataSerializer(StrictSerializer):
    session = serializers.UUIDField()
    platform = serializers.SlugField(max_length=50)
    starts_at = PlausibleDateTimeField()
    ends_at = PlausibleDateTimeField()
    profiles_spotted = _funnel_count()
    messages_sent = _funnel_count()
    conversations = _funnel_count()
    requests = SlotRequestsField(required=False)
    orientations = _funnel_count()


class OperationSerializer(StrictSerializer):
    op = serializers.ChoiceField(choices=[(name, name) for name in OPERATIONS])
    uuid = StrictUUIDField()
    base_version = StrictIntegerField(min_value=1, max_value=ID_MAX, required=False)
    client_created_at = PhoneTimeField(required=False)
    client_updated_at = PhoneTimeField()
    data = serializers.DictField(required=False)

    DATA = {
        "contact.create": ContactDataSerializer,
        "contact.update": ContactDataSerializer,
        "session.start": SessionStartDataSerializer,
        "session.update": SessionUpdateDataSerializer,
        "session.end": SessionEndDataSerializer,
        "tally.add": TallyAddDataSerializer,
        "tally.remove": TallyRemoveDataSerializer,
        "slot.save": SlotSaveDataSerializer,
    }

    def to_internal_value(self, data):
        """The envelope and the operation's data checked together, so every error shows at once.

        Errors in `data` are reported under the record's field names (`age_band`, not `data.age_band`).
        """
        errors: dict = {}
        attrs = None
        try:
            attrs = super().to_internal_value(data)
        except serializers.ValidationError as exc:
            errors.update(exc.detail)
        op = data.get("op") if isinstance(data, dict) else None
        payload = data.get("data") if isinstance(data, dict) else None
        if op in self.DATA and "data" not in errors and isinstance(payload, dict | None):
            try:
                checked = _data_checker(op).run_validation(payload or {})
            except serializers.ValidationError as exc:
                errors.update(exc.detail)
            else:
                if attrs is not None:
                    attrs["data"] = checked
        needs_base = op in ("contact.update", "session.update")
        if attrs is not None and not errors and needs_base and "base_version" not in attrs:
            errors["base_version"] = [_("An update must say which version it was based on.")]
        if errors:
            raise serializers.ValidationError(errors)
        return attrs


_CHECKERS: dict[str, serializers.Serializer] = {}


def _data_checker(op: str) -> serializers.Serializer:
    """One serializer instance per operation kind, reused: building DRF fields per call is slow."""
    if op not in _CHECKERS:
        _CHECKERS[op] = OperationSerializer.DATA[op](partial=op == "contact.update")
    return _CHECKERS[op]


_OPERATION = OperationSerializer()


def check_operation(raw) -> dict:
    """The operation's validated data; raises ValidationError (reuses one serializer)."""
    return _OPERATION.run_validation(raw)


def _all_optional(serializer_class: type[serializers.Serializer], name: str) -> type:
    """A copy of `serializer_class` whose fields are all optional (a `contact.update`'s data)."""
    fields = {}
    for field_name, field in serializer_class._declared_fields.items():
        # DRF copies a field by calling its constructor again: change the arguments it keeps too.
        optional = copy.deepcopy(field)
        optional._kwargs["required"] = optional.required = False
        fields[field_name] = optional
    return type(name, (serializer_class,), {**fields, "__doc__": serializer_class.__doc__})


ContactChangeDataSerializer = _all_optional(ContactDataSerializer, "ContactChangeDataSerializer")
ContactChangeDataSerializer.__doc__ = "A `contact.update`'s data: only the fields that change."


def _operation_variant(op: str, data: serializers.Serializer, *, base_version: bool) -> type:
    """The schema of one kind of operation (the wire format checks them in OperationSerializer)."""
    camel = "".join(part.title() for part in op.replace(".", "_").split("_"))
    return type(
        f"{camel}OperationSerializer",
        (StrictSerializer,),
        {
            "__doc__": f"A `{op}` operation (docs/sync-protocol.md §2.1).",
            "op": serializers.ChoiceField(choices=[(op, op)]),
            "uuid": StrictUUIDField(),
            "base_version": StrictIntegerField(min_value=1, max_value=ID_MAX, required=base_version),
            "client_created_at": PhoneTimeField(required=False),
            "client_updated_at": PhoneTimeField(),
            "data": data,
        },
    )


OPERATION_VARIANTS = {
    "contact.create": _operation_variant("contact.create", ContactDataSerializer(), base_version=False),
    "contact.update": _operation_variant(
        "contact.update", ContactChangeDataSerializer(required=False), base_version=True
    ),
    "session.start": _operation_variant(
        "session.start", SessionStartDataSerializer(required=False), base_version=False
    ),
    "session.update": _operation_variant(
        "session.update", SessionUpdateDataSerializer(required=False), base_version=True
    ),
    "session.end": _operation_variant("session.end", SessionEndDataSerializer(), base_version=False),
}


class PushRequestSerializer(StrictSerializer):
    """A batch (the schema only: the view checks the envelope, then each operation on its own)."""

    sent_at = PhoneTimeField(
        required=False,
        allow_null=True,
        help_text="The phone's clock when it sent the batch; at most 7 days ahead of the server's.",
    )
    operations = PolymorphicProxySerializer(
        component_name="PushOperation",
        serializers={op: variant() for op, variant in OPERATION_VARIANTS.items()},
        resource_type_field_name="op",
        many=True,
    )
    device = DeviceStateSerializer(
        required=False, help_text="What the phone still holds: shown to coordinators before revoking it."
    )


class PushResultSerializer(serializers.Serializer):
    uuid = serializers.UUIDField(allow_null=True)
    op = serializers.CharField(allow_null=True)
    status = serializers.ChoiceField(
        choices=[(s, s) for s in ("created", "duplicate", "updated", "conflict", "rejected")]
    )
    version = serializers.IntegerField(required=False)
    reason = serializers.ChoiceField(choices=[(s, s) for s in REASONS], required=False)
    errors = serializers.DictField(child=serializers.ListField(child=serializers.CharField()), required=False)
    current = serializers.DictField(required=False, help_text="The server's record, on conflict.")


class PushResponseSerializer(serializers.Serializer):
    results = PushResultSerializer(many=True)
    server_time = serializers.DateTimeField()
    clock_skew_seconds = serializers.IntegerField(allow_null=True)
