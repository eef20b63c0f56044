from __future__ import annotations

from rest_framework import serializers

from api.serializers.fields import PhoneTimeField, StrictIntegerField, StrictSerializer, StrictUUIDField
from outreach.models import Device


class EnrolRequestSerializer(StrictSerializer):
    """Sign-in on a phone; unknown fields are refused."""

    username = serializers.CharField(min_length=1, max_length=150)
    password = serializers.CharField(min_length=1, max_length=200, trim_whitespace=False)
    label = serializers.CharField(min_length=1, max_length=100)
    install_id = StrictUUIDField(
        required=False,
        allow_null=True,
        help_text="A random UUID the app keeps across sign-ins on this phone: the same user's "
        "earlier devices from this install are replaced, never another user's.",
    )


class TeamRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class EnrolUserSerializer(serializers.Serializer):
    username = serializers.CharField()
    role = serializers.CharField()
    team = TeamRefSerializer(allow_null=True)
    language = serializers.CharField(
        allow_blank=True,
        help_text="The account's language for the field app (fr, en), or empty: the phone's.",
    )


class DeviceRefSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    label = serializers.CharField()


class ReplacedDeviceSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    label = serializers.CharField()
    outbox_count = serializers.IntegerField(allow_null=True)
    last_sync_at = serializers.DateTimeField(allow_null=True)


class EnrolResponseSerializer(serializers.Serializer):
    device = DeviceRefSerializer()
    replaced = ReplacedDeviceSerializer(
        many=True, help_text="The same user's earlier devices from this install, replaced now."
    )
    unsent_elsewhere = ReplacedDeviceSerializer(
        many=True,
        help_text="The user's other active devices that still held records at their last push.",
    )
    token = serializers.CharField(help_text="Send as `Authorization: Device <token>`. Shown once.")
    user = EnrolUserSerializer()
    server_time = serializers.DateTimeField()
    edit_window_hours = serializers.IntegerField()


class DeviceSerializer(serializers.ModelSerializer):
    owner = serializers.SerializerMethodField()
    team = serializers.SerializerMethodField()

    class Meta:
        model = Device
        fields = [
            "id",
            "label",
            "owner",
            "team",
            "created_at",
            "last_seen_at",
            "revoked_at",
            "replaced_by",
            "outbox_count",
            "last_sync_at",
            "state_reported_at",
        ]
        read_only_fields = fields

    def get_owner(self, device) -> dict:
        return {"username": device.owner.get_username()}

    def get_team(self, device) -> dict | None:
        team = device.owner.team
        return {"id": team.pk, "name": team.name} if team else None


class ErrorSerializer(serializers.Serializer):
    """The API's one error shape; some codes add what the client needs to act on them."""

    code = serializers.CharField()
    detail = serializers.CharField()
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text="`invalid`: {field: [messages]}.",
    )
    max_operations = serializers.IntegerField(required=False, help_text="`batch_too_large`.")
    max_bytes = serializers.IntegerField(required=False, help_text="`batch_too_large`, `too_large`.")
    retry_after = serializers.IntegerField(required=False, help_text="`unavailable`: seconds.")


class RevokedSerializer(serializers.Serializer):
    code = serializers.ChoiceField(choices=[("device_revoked", "device_revoked")])
    wipe = serializers.BooleanField()
    detail = serializers.CharField()


class DeviceStateSerializer(StrictSerializer):
    """What the phone says about itself in each push (docs/sync-protocol.md §2)."""

    outbox = StrictIntegerField(
        min_value=0,
        max_value=1_000_000,
        help_text="Operations in the outbox when the push is sent, this batch and refused ones included.",
    )
    last_sync_at = PhoneTimeField(
        allow_null=True, help_text="The phone's last successful sync (its own clock), or null."
    )
