"""The session debrief's rules (the team's observation sheet: no identities)."""

from __future__ import annotations

from typing import Any

from outreach.rules import reasons
from outreach.rules.fields import SESSION_FREE_TEXT
from outreach.rules.texts import identifier_errors


def validate_debrief(data: dict[str, Any]) -> None:
    """Raise RecordInvalid (reason `identifier`) when the session's free text (debrief notes, an
    ad-hoc session's title) holds an identifier."""
    errors = identifier_errors(data, SESSION_FREE_TEXT)
    if errors:
        raise reasons.RecordInvalid(errors, reasons.IDENTIFIER)
