"""The session debrief's rules (the team's observation sheet: no identities)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from outreach.rules import reasons
from outreach.rules.fields import DEBRIEF_NOTES_MAX_LENGTH, SESSION_FREE_TEXT
from outreach.rules.sealed import is_envelope, readable, sealed_errors
from outreach.rules.texts import identifier_errors


def validate_debrief(data: dict[str, Any], *, team=None) -> None:
    """Raise RecordInvalid when the session's free text (debrief notes, an ad-hoc session's
    title) holds an identifier (reason `identifier`), or is not sealed as the team's must be
    (`invalid`, ADR 010). Sealed notes are not read: the phone checked them before sealing."""
    shape = sealed_errors(data, required=team is not None and team.sealed_since is not None)
    notes = data.get("debrief_notes")
    if isinstance(notes, str) and not is_envelope(notes) and len(notes) > DEBRIEF_NOTES_MAX_LENGTH:
        shape.setdefault("debrief_notes", []).append(_("At most %d characters.") % DEBRIEF_NOTES_MAX_LENGTH)
    if shape:
        raise reasons.RecordInvalid(shape, reasons.INVALID)
    errors = identifier_errors(data, readable(data, SESSION_FREE_TEXT))
    if errors:
        raise reasons.RecordInvalid(errors, reasons.IDENTIFIER)
