from __future__ import annotations

from rest_framework import serializers

from outreach.models import Device


class EnrolRequestSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=200, trim_whitespace=False)
    label = serializers.CharField(max_length=100)


class TeamRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class EnrolUserSerializer(serializers.Serializer):
    username = serializers.CharField()
    role = serializers.CharField()
    team = TeamRefSerializer(allow_null=True)


class DeviceRefSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    label = serializers.CharField()


class EnrolResponseSerializer(serializers.Serializer):
    device = DeviceRefSerializer()
    token = serializers.CharField(help_text="Send as `Authorization: Device <token>`. Shown once.")
    user = EnrolUserSerializer()
    server_time = serializers.DateTimeField()
    edit_window_hours = serializers.IntegerField()


class DeviceSerializer(serializers.ModelSerializer):
    owner = serializers.SerializerMethodField()
    team = serializers.SerializerMethodField()

    class Meta:
        model = Device
        fields = ["id", "label", "owner", "team", "created_at", "last_seen_at", "revoked_at"]
        read_only_fields = fields

    def get_owner(self, device) -> dict:
        return {"username": device.owner.get_username()}

    def get_team(self, device) -> dict | None:
        team = device.owner.team
        return {"id": team.pk, "name": team.name} if team else None


class ErrorSerializer(serializers.Serializer):
    code = serializers.CharField()
    detail = serializers.CharField()
    errors = serializers.DictField(required=False)


class RevokedSerializer(serializers.Serializer):
    code = serializers.ChoiceField(choices=[("device_revoked", "device_revoked")])
    wipe = serializers.BooleanField()
    detail = serializers.CharField()
