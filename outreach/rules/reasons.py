"""Why a write is refused: the `reason` of a rejected operation (docs/sync-protocol.md §2.3)."""

from __future__ import annotations

INVALID = "invalid"  # field errors in `errors`
IDENTIFIER = "identifier"  # a note, debrief or person code holds a phone number, e-mail, handle or link
LOCKED = "locked"  # the edit window is over
FORBIDDEN = "forbidden"  # not your team's session or place, or a UUID owned by someone else
NOT_FOUND = "not_found"  # an update of a record the server never received

REASONS = (INVALID, IDENTIFIER, LOCKED, FORBIDDEN, NOT_FOUND)


class RecordInvalid(Exception):
    """A record breaks a rule; `errors` is {field: [messages]}, `reason` one of REASONS."""

    def __init__(self, errors: dict[str, list[str]], reason: str = INVALID) -> None:
        super().__init__(reason)
        self.reason = reason
        self.errors = errors
