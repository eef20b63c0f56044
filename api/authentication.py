"""`Authorization: Device <token>`: the field app's per-device credentials."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions

from outreach.services import devices


class DeviceRevoked(exceptions.APIException):
    """410: the device was revoked; the app must wipe its local data (docs/sync-protocol.md)."""

    status_code = 410
    default_code = "device_revoked"
    default_detail = _(
        "This device was revoked. Its local data must be erased; sign in again on a trusted phone."
    )


class DeviceTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Device"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(
                _("Send the header as `Authorization: Device <token>`."), code="invalid_token"
            )
        try:
            token = header[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(_("Unknown device token."), code="invalid_token") from None
        device = devices.device_for_token(token)
        if device is None:
            raise exceptions.AuthenticationFailed(_("Unknown device token."), code="invalid_token")
        if device.is_replaced:
            # The same phone signed in again: its data is in the hands of the new token. Never
            # a wipe (410), which a sync still in flight with the old token would otherwise cause.
            raise exceptions.AuthenticationFailed(
                _("This phone signed in again since: this token was replaced."), code="device_replaced"
            )
        if not devices.is_usable(device):
            raise DeviceRevoked()
        if device.signed_out_at is not None:
            # After a password reset: sign in again (the phone keeps its data; not a wipe).
            raise exceptions.AuthenticationFailed(
                _("This phone was signed out when the password changed. Sign in again."), code="signed_out"
            )
        devices.touch(device)
        return device.owner, device

    def authenticate_header(self, request):
        return self.keyword
