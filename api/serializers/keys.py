"""Team keys on the wire (ADR 010, docs/sync-protocol.md §4): wrapped keys and public keys only."""

from __future__ import annotations

from rest_framework import serializers

from api.serializers.fields import StrictIntegerField, StrictSerializer, StrictUUIDField
from outreach.rules.sealed import (
    DEBRIEF_ENVELOPE_MAX_LENGTH,
    ENVELOPE_PATTERN,
    KID_MAX,
    NOTE_ENVELOPE_MAX_LENGTH,
    PSEUDONYM_LENGTH,
    PSEUDONYM_PATTERN,
    WRAPPED_KEY_PATTERN,
    valid_public_key,
)

ID_MAX = 2**63 - 1


def wrapped_field():
    return serializers.RegexField(
        WRAPPED_KEY_PATTERN,
        max_length=200,
        help_text="`wk1.<ephemeral public key>.<iv>.<ciphertext>`, base64url: the team key "
        "encrypted for one device's public key.",
    )


class PublicKeyField(serializers.CharField):
    def __init__(self, **kwargs):
        super().__init__(max_length=87, min_length=87, **kwargs)

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        if not valid_public_key(value):
            raise serializers.ValidationError("Not an uncompressed P-256 public key (base64url).")
        return value


class NewTeamKeySerializer(StrictSerializer):
    team = StrictIntegerField(min_value=1, max_value=ID_MAX)
    kid = StrictIntegerField(min_value=1, max_value=KID_MAX)
    wrapped = wrapped_field()


class WrapSerializer(StrictSerializer):
    device = StrictUUIDField()
    team = StrictIntegerField(min_value=1, max_value=ID_MAX)
    kid = StrictIntegerField(min_value=1, max_value=KID_MAX)
    wrapped = wrapped_field()


class KeysRequestSerializer(StrictSerializer):
    public_key = PublicKeyField(required=False, help_text="This device's ECDH P-256 public key, sent once.")
    new_keys = NewTeamKeySerializer(many=True, required=False, max_length=20)
    wraps = WrapSerializer(many=True, required=False, max_length=200)


class HeldKeySerializer(serializers.Serializer):
    kid = serializers.IntegerField()
    wrapped = serializers.CharField(help_text="This key wrapped for the asking device.")


class WaitingSerializer(serializers.Serializer):
    device = serializers.UUIDField()
    team = serializers.IntegerField()
    kid = serializers.IntegerField()
    public_key = serializers.CharField()


class TeamKeysSerializer(serializers.Serializer):
    team = serializers.IntegerField()
    current_kid = serializers.IntegerField(
        allow_null=True, help_text="The key new notes use; null: the team needs a new key."
    )
    pseudonym_kid = serializers.IntegerField(
        allow_null=True, help_text="The key person pseudonyms are derived from (HKDF, then HMAC-SHA-256)."
    )
    kids = serializers.ListField(child=serializers.IntegerField(), help_text="Every key the team has.")
    kept = serializers.ListField(
        child=serializers.IntegerField(),
        help_text="The keys some device allowed to hold them still holds (the others are lost).",
    )
    keys = HeldKeySerializer(many=True, help_text="The keys wrapped for this device.")


class KeysResponseSerializer(serializers.Serializer):
    public_key = serializers.CharField(
        allow_blank=True, help_text="This device's public key as the server has it."
    )
    teams = TeamKeysSerializer(many=True)
    waiting = WaitingSerializer(many=True, help_text="Devices waiting for a key this device holds.")


class LegacyContactSerializer(serializers.Serializer):
    uuid = serializers.UUIDField()
    team = serializers.IntegerField()
    note = serializers.CharField(allow_blank=True, help_text="Plain, or empty when already sealed.")
    person_code = serializers.CharField(
        allow_blank=True, help_text="Plain, or empty when already a pseudonym."
    )


class LegacySessionSerializer(serializers.Serializer):
    uuid = serializers.UUIDField()
    team = serializers.IntegerField()
    debrief_notes = serializers.CharField()


class LegacyResponseSerializer(serializers.Serializer):
    contacts = LegacyContactSerializer(many=True)
    sessions = LegacySessionSerializer(many=True)


class SealedContactSerializer(StrictSerializer):
    uuid = StrictUUIDField()
    note = serializers.RegexField(ENVELOPE_PATTERN, max_length=NOTE_ENVELOPE_MAX_LENGTH, required=False)
    person_code = serializers.RegexField(PSEUDONYM_PATTERN, max_length=PSEUDONYM_LENGTH, required=False)


class SealedSessionSerializer(StrictSerializer):
    uuid = StrictUUIDField()
    debrief_notes = serializers.RegexField(ENVELOPE_PATTERN, max_length=DEBRIEF_ENVELOPE_MAX_LENGTH)


class LegacyRequestSerializer(StrictSerializer):
    contacts = SealedContactSerializer(many=True, required=False, max_length=200)
    sessions = SealedSessionSerializer(many=True, required=False, max_length=200)


class LegacyDoneSerializer(serializers.Serializer):
    converted = serializers.IntegerField()
