"""Team free text and person codes the server cannot read (ADR 010): their wire shapes.

A team's devices encrypt notes with the team key and send person codes as keyed pseudonyms;
the server only checks that what it stores has the expected shape. Nothing here decrypts.

- An envelope (note, debrief notes): ``enc1.<kid>.<iv>.<ct>`` — format version 1, the team key
  id, a 96-bit AES-GCM nonce and the ciphertext with its tag, both base64url without padding.
- A person pseudonym: ``pc1.<mac>`` — HMAC-SHA-256 of the normalised code with the team's
  pseudonym key (derived from its first key), base64url: equal codes give equal pseudonyms, so
  the server still counts distinct persons.
- A wrapped team key: ``wk1.<epk>.<iv>.<ct>`` — the team key encrypted for one device's ECDH
  P-256 public key with an ephemeral key pair (ECDH, HKDF-SHA-256, AES-GCM).
- A device public key: an uncompressed P-256 point (65 bytes), base64url.
"""

from __future__ import annotations

import base64
import math
import re
from typing import Any

from django.utils.translation import gettext as _

from outreach.rules.fields import DEBRIEF_NOTES_MAX_LENGTH, NOTE_MAX_LENGTH

B64 = "[A-Za-z0-9_-]"
KID_MAX = 999_999
# Ciphertext of `n` characters of text: at most 3 UTF-8 bytes per UTF-16 unit, a 16-byte tag.
ENVELOPE_OVERHEAD = len("enc1.") + 6 + 1 + 16 + 1


def envelope_max_length(plain_max: int) -> int:
    return ENVELOPE_OVERHEAD + math.ceil((plain_max * 3 + 16) * 4 / 3)


NOTE_ENVELOPE_MAX_LENGTH = envelope_max_length(NOTE_MAX_LENGTH)
DEBRIEF_ENVELOPE_MAX_LENGTH = envelope_max_length(DEBRIEF_NOTES_MAX_LENGTH)
ENVELOPE_PATTERN = rf"^enc1\.[1-9][0-9]{{0,5}}\.{B64}{{16}}\.{B64}{{22,}}$"
PSEUDONYM_PATTERN = rf"^pc1\.{B64}{{43}}$"
PSEUDONYM_LENGTH = 47
WRAPPED_KEY_PATTERN = rf"^wk1\.{B64}{{87}}\.{B64}{{16}}\.{B64}{{64}}$"
# A team key under the printed recovery key: HKDF salt, AES-GCM nonce, the 32-byte key + tag.
RECOVERY_COPY_PATTERN = rf"^rk1\.{B64}{{22}}\.{B64}{{16}}\.{B64}{{64}}$"
PUBLIC_KEY_PATTERN = rf"^{B64}{{87}}$"
# Which fields travel sealed, and how long their envelope may be.
SEALED_TEXT = {"note": NOTE_ENVELOPE_MAX_LENGTH, "debrief_notes": DEBRIEF_ENVELOPE_MAX_LENGTH}
PSEUDONYM_FIELDS = ("person_code",)

_envelope = re.compile(ENVELOPE_PATTERN)
_pseudonym = re.compile(PSEUDONYM_PATTERN)
_public_key = re.compile(PUBLIC_KEY_PATTERN)


def is_envelope(value: Any) -> bool:
    return isinstance(value, str) and bool(_envelope.match(value))


def is_pseudonym(value: Any) -> bool:
    return isinstance(value, str) and bool(_pseudonym.match(value))


def is_sealed(value: Any) -> bool:
    """An envelope or a pseudonym: a value the server cannot read (nor check for identifiers)."""
    if not isinstance(value, str):
        return False
    if value.startswith("enc1."):
        return bool(_envelope.match(value))
    return value.startswith("pc1.") and bool(_pseudonym.match(value))


def envelope_kid(value: str) -> int:
    return int(value.split(".")[1])


def valid_public_key(value: Any) -> bool:
    """An uncompressed P-256 point: 65 bytes starting with 0x04."""
    if not isinstance(value, str) or not _public_key.match(value):
        return False
    raw = base64.urlsafe_b64decode(value + "=")
    return len(raw) == 65 and raw[0] == 4


def sealed_errors(values: dict[str, Any], *, required: bool) -> dict[str, list[str]]:
    """{field: [message]} for the team's free text and codes in `values` that are not in their
    sealed shape. `required` (the team has a key): plain text is refused too; otherwise plain
    text passes here and is checked as before (the identifier rules)."""
    errors: dict[str, list[str]] = {}
    for name, max_length in SEALED_TEXT.items():
        value = values.get(name)
        if not value or not isinstance(value, str):
            continue
        if value.startswith("enc1.") and not (is_envelope(value) and len(value) <= max_length):
            errors[name] = [_("Not a valid encrypted text.")]
        elif required and not value.startswith("enc1."):
            errors[name] = [_("This team's notes are encrypted on the phone: update the app.")]
    for name in PSEUDONYM_FIELDS:
        value = values.get(name)
        if not value or not isinstance(value, str):
            continue
        if value.startswith("pc1.") and not is_pseudonym(value):
            errors[name] = [_("Not a valid person pseudonym.")]
        elif required and not value.startswith("pc1."):
            errors[name] = [_("This team's person codes are pseudonymised on the phone: update the app.")]
    return errors


def readable(values: dict[str, Any], fields) -> list[str]:
    """The fields among `fields` whose value the server can still read (not sealed)."""
    return [name for name in fields if not (name in values and is_sealed(values[name]))]
