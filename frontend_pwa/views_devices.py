"""Coordinators' page of their organisation's phones, with a revoke button (works without JS)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from outreach import access
from outreach.services import devices as device_service


def _manager(request: HttpRequest):
    user = request.user
    if not access.may_manage_devices(user):
        raise PermissionDenied(_("Only coordinators and administrators manage devices."))
    return user


@login_required
def device_list(request: HttpRequest) -> HttpResponse:
    user = _manager(request)
    devices = access.devices_manageable_by(user).order_by("revoked_at", "owner__username", "-created_at")
    return render(request, "frontend_pwa/devices.html", {"devices": devices})


@login_required
@require_POST
def device_revoke(request: HttpRequest, pk) -> HttpResponse:
    user = _manager(request)
    device = access.access_device(user, pk)
    device_service.revoke_device(actor=user, device=device, request=request)
    messages.success(
        request,
        _("“%(label)s” is revoked: the app will erase its data at its next connection.")
        % {"label": device.label},
    )
    return redirect("devices")
