"""Enrol a phone (username + password, no session) and let coordinators list and revoke devices."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import authenticate
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import permissions, status
from rest_framework.authentication import SessionAuthentication
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle

from api.exceptions import error
from api.serializers.devices import (
    DeviceSerializer,
    EnrolRequestSerializer,
    EnrolResponseSerializer,
    ErrorSerializer,
    ReplacedDeviceSerializer,
)
from api.views.base import MaraudeAPIView
from outreach import access, journal
from outreach.choices import Role
from outreach.services import devices, login_throttle
from outreach.services.sync_context import edit_window_hours


class EnrolView(MaraudeAPIView):
    authentication_classes: list = []
    permission_classes = [permissions.AllowAny]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "enrol"

    @extend_schema(
        operation_id="devices_enrol",
        request=EnrolRequestSerializer,
        responses={
            201: EnrolResponseSerializer,
            400: ErrorSerializer,
            401: ErrorSerializer,
            403: ErrorSerializer,
            429: ErrorSerializer,
        },
        auth=[],
        summary="Sign in on a phone and receive a device token",
    )
    def post(self, request):
        form = EnrolRequestSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        username, ip = form.validated_data["username"], request.META.get("REMOTE_ADDR")
        if login_throttle.is_locked(username, ip):
            journal.log_login_locked(username=username, request=request)
            return error(
                "login_locked",
                _("Too many failed sign-ins. Try again later."),
                status.HTTP_429_TOO_MANY_REQUESTS,
            )
        user = authenticate(request._request, username=username, password=form.validated_data["password"])
        if user is None:
            login_throttle.record_failure(username, ip)
            journal.log_login_failed(username=username, request=request)
            return error(
                "invalid_credentials",
                _("Wrong username or password."),
                status.HTTP_401_UNAUTHORIZED,
            )
        login_throttle.record_success(username, ip)
        journal.log_login(user=user, request=request)
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
                },
                "server_time": timezone.now(),
                "edit_window_hours": window,
            },
            status=status.HTTP_201_CREATED,
        )


class IsDeviceManager(permissions.BasePermission):
    message = "Only coordinators and administrators manage devices."

    def has_permission(self, request, view):
        user = request.user
        return bool(
            user
            and user.is_authenticated
            and (user.role in (Role.COORDINATOR, Role.ADMIN) or user.is_superuser)
        )


class DeviceListView(MaraudeAPIView):
    authentication_classes = [SessionAuthentication]
    permission_classes = [IsDeviceManager]

    @extend_schema(operation_id="devices_list", responses={200: DeviceSerializer(many=True)})
    def get(self, request):
        devices_qs = access.devices_manageable_by(request.user)
        return Response(DeviceSerializer(devices_qs, many=True).data)


class DeviceRevokeView(MaraudeAPIView):
    authentication_classes = [SessionAuthentication]
    permission_classes = [IsDeviceManager]

    @extend_schema(
        operation_id="devices_revoke",
        request=None,
        responses={200: DeviceSerializer, 404: ErrorSerializer},
    )
    def post(self, request, pk):
        device = get_object_or_404(access.devices_manageable_by(request.user), pk=pk)
        devices.revoke_device(actor=request.user, device=device, request=request)
        return Response(DeviceSerializer(device).data)
