"""Team keys for the field app (ADR 010): read what this device holds and who waits; publish
this device's public key, make the team's next key, share keys with waiting devices."""

from __future__ import annotations

from django.db import transaction
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response

from api.exceptions import error
from api.schema import answers
from api.serializers.fields import plain_errors
from api.serializers.keys import (
    KeysRequestSerializer,
    KeysResponseSerializer,
    LegacyDoneSerializer,
    LegacyRequestSerializer,
    LegacyResponseSerializer,
    RecoveryMakeSerializer,
    RecoveryResponseSerializer,
    RecoveryRestoreSerializer,
    RecoverySheetSerializer,
    RestoredSerializer,
)
from api.views.sync import DeviceAPIView
from outreach.services import legacy_notes, team_keys, team_recovery


def _state(device) -> dict:
    states = team_keys.state_for(device)
    return {
        "public_key": device.public_key,
        "teams": [
            {
                "team": s.team.pk,
                "current_kid": s.current_kid,
                "pseudonym_kid": s.team.pseudonym_kid,
                "kids": [k.kid for k in s.keys],
                "kept": sorted(s.kept),
                "keys": [{"kid": kid, "wrapped": blob} for kid, blob in sorted(s.mine.items())],
            }
            for s in states
        ],
        "waiting": [w for s in states for w in s.waiting],
    }


def _checked(serializer_class, body) -> dict:
    """The body as the strict serializer reads it; 400 with {field: [messages]} otherwise."""
    form = serializer_class(data=body)
    if not form.is_valid():
        raise serializers.ValidationError(plain_errors(form.errors))
    return form.validated_data


class KeysView(DeviceAPIView):
    @extend_schema(
        operation_id="keys_read",
        responses={200: KeysResponseSerializer, **answers(401, 410, 503)},
        summary="The team keys wrapped for this device, and the devices waiting for one",
        description="See docs/sync-protocol.md §4 and docs/adr/010-server-blind-team-notes.md.",
    )
    def get(self, request):
        return Response(_state(request.auth))

    @extend_schema(
        operation_id="keys_write",
        request=KeysRequestSerializer,
        responses={200: KeysResponseSerializer, **answers(400, 401, 409, 410, 413, 415, 503)},
        summary="Publish this device's public key, make a team's next key, share keys",
        description="Applied in order: `public_key`, `new_keys`, `wraps`; all or nothing. "
        "409 `key_conflict`: another device made the key first (read again).",
    )
    def post(self, request):
        data = _checked(KeysRequestSerializer, request.data)
        device = request.auth
        try:
            with transaction.atomic():
                if "public_key" in data:
                    team_keys.publish_public_key(device, data["public_key"])
                for new in data.get("new_keys", []):
                    team_keys.create_team_key(
                        device, team_id=new["team"], kid=new["kid"], wrapped=new["wrapped"], request=request
                    )
                if data.get("wraps"):
                    team_keys.share(device, data["wraps"], request=request)
        except team_keys.KeyRefused as refused:
            if refused.conflict:
                return error("key_conflict", "Another device made this key first.", status.HTTP_409_CONFLICT)
            raise serializers.ValidationError(refused.errors) from None
        return Response(_state(device))


class LegacyView(DeviceAPIView):
    """Notes and codes typed before the team had a key, converted by a device holding it."""

    @extend_schema(
        operation_id="keys_legacy_read",
        responses={200: LegacyResponseSerializer, **answers(401, 410, 503)},
        summary="Plain notes and person codes of teams whose key this device holds (a batch)",
        description="See docs/sync-protocol.md §4.1.",
    )
    def get(self, request):
        return Response(legacy_notes.pending(request.auth))

    @extend_schema(
        operation_id="keys_legacy_convert",
        request=LegacyRequestSerializer,
        responses={200: LegacyDoneSerializer, **answers(400, 401, 410, 413, 415, 503)},
        summary="Replace plain notes and codes by their sealed forms (one-way, all or nothing)",
        description="See docs/sync-protocol.md §4.1.",
    )
    def post(self, request):
        data = _checked(LegacyRequestSerializer, request.data)
        try:
            done = legacy_notes.convert(
                request.auth,
                contacts=data.get("contacts", []),
                sessions=data.get("sessions", []),
                request=request,
            )
        except team_keys.KeyRefused as refused:
            raise serializers.ValidationError(refused.errors) from None
        return Response({"converted": done})


def _coordinator_only(request):
    if not team_recovery.may_recover(request.auth.owner):
        return error(
            "not_coordinator", "Only a coordinator makes or uses a recovery sheet.", status.HTTP_403_FORBIDDEN
        )
    return None


def _recovery_answer(call):
    """Run a recovery write; 404 for a team not of the coordinator's organisation, 400 otherwise."""
    try:
        return call()
    except team_recovery.NotYourTeam:
        return error("not_found", "No such team in your organisation.", status.HTTP_404_NOT_FOUND)
    except team_keys.KeyRefused as refused:
        raise serializers.ValidationError(refused.errors) from None


class RecoveryView(DeviceAPIView):
    """The team's printed recovery key (ADR 010): only keys wrapped under it cross the wire."""

    @extend_schema(
        operation_id="keys_recovery_read",
        responses={200: RecoveryResponseSerializer, **answers(401, 403, 410, 503)},
        summary="The recovery sheets of the coordinator's teams, with the keys wrapped under them",
        description="Coordinators only (403 `not_coordinator`). See docs/sync-protocol.md §4.2.",
    )
    def get(self, request):
        return _coordinator_only(request) or Response({"teams": team_recovery.states_for(request.auth)})

    @extend_schema(
        operation_id="keys_recovery_make",
        request=RecoveryMakeSerializer,
        responses={200: RecoverySheetSerializer, **answers(400, 401, 403, 404, 410, 413, 415, 503)},
        summary="Replace a team's recovery sheet: every key this device holds, wrapped under it",
        description="Coordinators only. Each copy's key must be held by this device. "
        "See docs/sync-protocol.md §4.2.",
    )
    def post(self, request):
        refused = _coordinator_only(request)
        if refused:
            return refused
        data = _checked(RecoveryMakeSerializer, request.data)
        return _recovery_answer(
            lambda: Response(
                team_recovery.make_sheet(
                    request.auth, team_id=data["team"], copies=data["copies"], request=request
                )
            )
        )


class RecoveryRestoreView(DeviceAPIView):
    @extend_schema(
        operation_id="keys_recovery_restore",
        request=RecoveryRestoreSerializer,
        responses={200: RestoredSerializer, **answers(400, 401, 403, 404, 410, 413, 415, 503)},
        summary="Keys unwrapped from the recovery sheet, wrapped for this device",
        description="Coordinators only; only keys on the team's sheet. See docs/sync-protocol.md §4.2.",
    )
    def post(self, request):
        refused = _coordinator_only(request)
        if refused:
            return refused
        data = _checked(RecoveryRestoreSerializer, request.data)
        return _recovery_answer(
            lambda: Response(
                {
                    "restored": team_recovery.restore(
                        request.auth, team_id=data["team"], keys=data["keys"], request=request
                    )
                }
            )
        )
