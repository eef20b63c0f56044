"""How long a contact stays correctable from the field."""

from __future__ import annotations

import datetime as dt

from django.conf import settings


def edit_window_hours(team) -> int:
    return team.edit_window_hours or settings.CONTACT_EDIT_WINDOW_HOURS


def editable_until(contact) -> dt.datetime:
    """Contacts can be corrected from the field for the team's window after the server received them."""
    return contact.received_at + dt.timedelta(hours=edit_window_hours(contact.team))
