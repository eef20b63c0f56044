"""Passkeys (WebAuthn) as a second factor, verified with the `webauthn` library (py_webauthn).

The relying party is the site itself: its host name is the RP id and its origin the only origin
accepted. Challenges are random, single-use and kept server-side in the session by the caller.
"""

from __future__ import annotations

import json

import webauthn
from django.db import transaction
from django.utils import timezone
from webauthn.helpers import bytes_to_base64url, options_to_json
from webauthn.helpers.exceptions import WebAuthnException
from webauthn.helpers.structs import (
    AuthenticatorSelectionCriteria,
    PublicKeyCredentialDescriptor,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)

from outreach import journal
from outreach.models import PasskeyDevice, User
from outreach.services.second_factor import PASSKEY

RP_NAME = "Maraude"
# Generous enough for a person looking for their security key, short enough to be a challenge.
TIMEOUT_MS = 120_000


class PasskeyRefused(Exception):
    """The browser's answer did not prove possession of a registered passkey."""


def _descriptors(user: User) -> list[PublicKeyCredentialDescriptor]:
    return [
        PublicKeyCredentialDescriptor(id=webauthn.base64url_to_bytes(d.credential_id))
        for d in PasskeyDevice.objects.filter(user=user, confirmed=True)
    ]


def registration_options(*, user: User, rp_id: str) -> tuple[str, str]:
    """(options as JSON for navigator.credentials.create, the challenge to keep) for `user`."""
    options = webauthn.generate_registration_options(
        rp_id=rp_id,
        rp_name=RP_NAME,
        # The user handle is the account's id, nothing a person could be recognised by.
        user_id=str(user.pk).encode(),
        user_name=user.get_username(),
        user_display_name=user.get_username(),
        timeout=TIMEOUT_MS,
        exclude_credentials=_descriptors(user),
        authenticator_selection=AuthenticatorSelectionCriteria(
            resident_key=ResidentKeyRequirement.PREFERRED,
            user_verification=UserVerificationRequirement.PREFERRED,
        ),
    )
    return options_to_json(options), bytes_to_base64url(options.challenge)


@transaction.atomic
def register(
    *, user: User, credential: str, challenge: str, rp_id: str, origin: str, name: str, request=None
) -> PasskeyDevice:
    """Check the browser's new credential against the challenge and keep it as a second factor."""
    try:
        verified = webauthn.verify_registration_response(
            credential=credential,
            expected_challenge=webauthn.base64url_to_bytes(challenge),
            expected_rp_id=rp_id,
            expected_origin=origin,
        )
    except (WebAuthnException, ValueError, KeyError, TypeError) as exc:
        raise PasskeyRefused(str(exc)) from exc
    credential_id = bytes_to_base64url(verified.credential_id)
    if PasskeyDevice.objects.filter(credential_id=credential_id).exists():
        raise PasskeyRefused("This passkey is already registered.")
    try:
        transports = json.loads(credential).get("response", {}).get("transports", [])
    except (ValueError, AttributeError):
        transports = []
    device = PasskeyDevice.objects.create(
        user=user,
        name=(name or "Passkey").strip()[:64],
        confirmed=True,
        credential_id=credential_id,
        public_key=verified.credential_public_key,
        sign_count=verified.sign_count,
        transports=[t for t in transports if isinstance(t, str)][:8],
    )
    journal.log_second_factor_added(user=user, kind=PASSKEY, request=request, device=device.pk)
    return device


def authentication_options(*, user: User, rp_id: str) -> tuple[str, str]:
    """(options as JSON for navigator.credentials.get, the challenge to keep) for `user`'s passkeys."""
    options = webauthn.generate_authentication_options(
        rp_id=rp_id,
        timeout=TIMEOUT_MS,
        allow_credentials=_descriptors(user),
        user_verification=UserVerificationRequirement.PREFERRED,
    )
    return options_to_json(options), bytes_to_base64url(options.challenge)


@transaction.atomic
def authenticate(*, user: User, credential: str, challenge: str, rp_id: str, origin: str) -> PasskeyDevice:
    """The passkey of `user` that signed this challenge, or PasskeyRefused."""
    try:
        credential_id = json.loads(credential)["id"]
    except (ValueError, KeyError, TypeError) as exc:
        raise PasskeyRefused("Malformed credential.") from exc
    device = (
        PasskeyDevice.objects.select_for_update()
        .filter(user=user, confirmed=True, credential_id=credential_id)
        .first()
    )
    if device is None:
        raise PasskeyRefused("Unknown passkey.")
    try:
        verified = webauthn.verify_authentication_response(
            credential=credential,
            expected_challenge=webauthn.base64url_to_bytes(challenge),
            expected_rp_id=rp_id,
            expected_origin=origin,
            credential_public_key=bytes(device.public_key),
            credential_current_sign_count=device.sign_count,
        )
    except (WebAuthnException, ValueError, KeyError, TypeError) as exc:
        raise PasskeyRefused(str(exc)) from exc
    device.sign_count = verified.new_sign_count
    device.last_used_at = timezone.now()
    device.save(update_fields=["sign_count", "last_used_at"])
    return device
