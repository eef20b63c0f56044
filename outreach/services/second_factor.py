"""Second factors of an account: authenticator apps (TOTP), passkeys, recovery codes.

Required for administrators, coordinators and funders (`signin.requires_second_factor`). Every
change is journaled: a factor added or removed, codes issued, an administrator's reset.
"""

from __future__ import annotations

from dataclasses import dataclass

import segno
from django.db import transaction
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from outreach import journal
from outreach.models import PasskeyDevice, RecoveryCodeDevice, User
from outreach.services import recovery_codes

TOTP = "totp"
PASSKEY = "passkey"
RECOVERY = "recovery"


class LastFactor(Exception):
    """Removing this factor would leave an account that needs one without any."""


@dataclass(frozen=True)
class Factor:
    kind: str
    device: object

    @property
    def id(self) -> int:
        return self.device.pk

    @property
    def name(self) -> str:
        return self.device.name


def factors_of(user: User) -> list[Factor]:
    """The confirmed authenticator apps and passkeys of `user` (recovery codes are apart)."""
    apps = [Factor(TOTP, d) for d in TOTPDevice.objects.filter(user=user, confirmed=True).order_by("id")]
    keys = [
        Factor(PASSKEY, d) for d in PasskeyDevice.objects.filter(user=user, confirmed=True).order_by("id")
    ]
    return apps + keys


def has_second_factor(user: User) -> bool:
    return (
        TOTPDevice.objects.filter(user=user, confirmed=True).exists()
        or PasskeyDevice.objects.filter(user=user, confirmed=True).exists()
    )


def has_passkey(user: User) -> bool:
    return PasskeyDevice.objects.filter(user=user, confirmed=True).exists()


# --- Authenticator apps ------------------------------------------------------------------------


def pending_totp(user: User) -> TOTPDevice:
    """The authenticator app being set up (one at a time), created with a fresh secret if needed."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-id").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=_("Authenticator app"), confirmed=False)
    return device


def qr_code(text: str) -> str:
    """`text` as an SVG QR code in a data: URI (the CSP allows data: images; no script)."""
    return segno.make(text, error="m").svg_data_uri(scale=5, border=2)


def totp_qr_code(device: TOTPDevice) -> str:
    """The otpauth:// link of the app being set up, as a QR code."""
    return qr_code(device.config_url)


def totp_secret(device: TOTPDevice) -> str:
    """The secret in base 32, in groups of four, for typing into an app by hand."""
    from base64 import b32encode

    text = b32encode(device.bin_key).decode()
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


@transaction.atomic
def confirm_totp(*, user: User, device: TOTPDevice, code: str, request=None) -> bool:
    """Confirm the app being set up if `code` is right; the app then counts as a second factor."""
    if device.user_id != user.pk or device.confirmed:
        return False
    if not device.verify_token(code.strip().replace(" ", "")):
        return False
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    journal.log_second_factor_added(user=user, kind=TOTP, request=request, device=device.pk)
    return True


# --- Verifying at sign-in ----------------------------------------------------------------------


def verify_code(*, user: User, code: str) -> tuple[str, object] | None:
    """(kind, device) if `code` is a current authenticator code or an unused recovery code."""
    code = (code or "").strip()
    if not code:
        return None
    compact = code.replace(" ", "")
    if compact.isdigit():
        with transaction.atomic():
            for device in TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True):
                if device.verify_token(compact):
                    return TOTP, device
        return None
    device = RecoveryCodeDevice.objects.filter(user=user, confirmed=True).first()
    if device is not None and device.verify_token(code):
        return RECOVERY, device
    return None


# --- Removing and resetting --------------------------------------------------------------------


@transaction.atomic
def remove(*, user: User, kind: str, device_id: int, request=None) -> None:
    """Remove one of the user's own factors, never the last one of an account that needs one."""
    from outreach.services.signin import requires_second_factor

    model = TOTPDevice if kind == TOTP else PasskeyDevice
    device = model.objects.select_for_update().get(user=user, pk=device_id, confirmed=True)
    if requires_second_factor(user) and len(factors_of(user)) <= 1:
        raise LastFactor
    device.delete()
    journal.log_second_factor_removed(user=user, kind=kind, request=request, device=device_id)


@transaction.atomic
def reset(*, actor: User, user: User, request=None) -> int:
    """An administrator's reset: every factor and recovery code of `user` goes; the next sign-in
    enrols again. Sessions that passed with a removed factor lose their verified state."""
    removed = 0
    for model in (TOTPDevice, PasskeyDevice, RecoveryCodeDevice):
        devices = model.objects.filter(user=user)
        removed += devices.count()
        devices.delete()
    journal.log_second_factor_reset(
        actor=actor, subject=user.get_username(), request=request, removed=removed
    )
    return removed


def issue_recovery_codes(*, user: User, request=None) -> list[str]:
    return recovery_codes.issue(user=user, request=request)
