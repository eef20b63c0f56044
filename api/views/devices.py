"""Enrol a phone (username + password, no session) and let coordinators list and revoke devices."""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import permissions, status
from rest_framework.authentication import SessionAuthentication
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle

from api.exceptions import error
from api.schema import answers
from api.serializers.devices import (
    DeviceSerializer,
    EnrolRequestSerializer,
    EnrolResponseSerializer,
    ReplacedDeviceSerializer,
)
from api.views.base import MaraudeAPIView
from outreach import access
from outreach.services import devices, signin
from outreach.services.sync_context import edit_window_hours


class EnrolView(MaraudeAPIView):
    authentication_classes: list = []
    permission_classes = [permissions.AllowAny]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "enrol"

    @extend_schema(
        operation_id="devices_enrol",
        request=EnrolRequestSerializer,
        responses={201: EnrolResponseSerializer, **answers(400, 401, 403, 413, 415, 429, 503)},
        auth=[],
        summary="Sign in on a phone and receive a device token",
        description="No session and no CSRF token. 401 `invalid_credentials`, 403 `role_not_allowed`, "
        "429 `login_locked` / `throttled` (10 a minute per address). See docs/sync-protocol.md §1.",
    )
    def post(self, request):
        form = EnrolRequestSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        try:
            user = signin.check_password(
                request=request,
                username=form.validated_data["username"],
                password=form.validated_data["password"],
                door=signin.Door.DEVICE,
            )
        except signin.SignInRefused as refused:
            if refused.code == "locked":
                return error("login_locked", str(refused.message), status.HTTP_429_TOO_MANY_REQUESTS)
            return error("invalid_credentials", str(refused.message), status.HTTP_401_UNAUTHORIZED)
        # A phone holds a device token behind its PIN, not a session: no second factor here.
        signin.record_sign_in(user=user, request=request, door=signin.Door.DEVICE)
        try:
            device, token = devices.enrol_device(
                user=user,
                label=form.validated_data["label"],
                install_id=form.validated_data.get("install_id"),
                request=request,
            )
        except devices.EnrolmentRefused as exc:
            return error(exc.code, exc.message, status.HTTP_403_FORBIDDEN)
        team = user.team
        window = edit_window_hours(team) if team else settings.CONTACT_EDIT_WINDOW_HOURS
        return Response(
            {
                "device": {"id": str(device.pk), "label": device.label},
                "replaced": ReplacedDeviceSerializer(devices.replaced_by(device), many=True).data,
                "unsent_elsewhere": ReplacedDeviceSerializer(
                    devices.unsent_elsewhere(device), many=True
                ).data,
                "token": token,
                "user": {
                    "username": user.get_username(),
                    "role": user.role,
                    "team": {"id": team.pk, "name": team.name} if team else None,
                    "language": user.language,
                },
                "server_time": timezone.now(),
                "edit_window_hours": window,
            },
            status=status.HTTP_201_CREATED,
        )


class IsDeviceManager(permissions.BasePermission):
    message = "Only coordinators and administrators manage devices."

    def has_permission(self, request, view):
        return access.may_manage_devices(request.user)


class DeviceListView(MaraudeAPIView):
    authentication_classes = [SessionAuthentication]
    permission_classes = [IsDeviceManager]

    @extend_schema(
        operation_id="devices_list",
        responses={200: DeviceSerializer(many=True), **answers(403, 503)},
        summary="The devices of the coordinator's organisation (administrators: all)",
        description="Session-authenticated (a coordinator's browser): 403 otherwise.",
    )
    def get(self, request):
        devices_qs = access.devices_manageable_by(request.user)
        return Response(DeviceSerializer(devices_qs, many=True).data)


class DeviceRevokeView(MaraudeAPIView):
    authentication_classes = [SessionAuthentication]
    permission_classes = [IsDeviceManager]

    @extend_schema(
        operation_id="devices_revoke",
        request=None,
        responses={200: DeviceSerializer, **answers(403, 404, 413, 503)},
        summary="Revoke a lost or stolen phone: its next call answers 410 and it wipes itself",
        description="Session-authenticated, with the CSRF token. Audited in the journal.",
    )
    def post(self, request, pk):
        device = access.access_device(request.user, pk)
        devices.revoke_device(actor=request.user, device=device, request=request)
        return Response(DeviceSerializer(device).data)
