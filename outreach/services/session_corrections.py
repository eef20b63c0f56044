"""Correct a session outside the field app (the admin), as a phone's `session.update` would.

The same rules first (identifiers in the team's free text, the head counts and the digital
funnel as the sync checks them), then the same duties after the write: a new version (a phone
whose change was based on the old one gets a conflict, never a silent overwrite), the change log
(phones learn it at their next pull), the report roll-ups of the session's night recounted after
the commit, and a journal entry naming the fields changed, never their values.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from outreach import journal
from outreach.models import OutreachSession
from outreach.rules.reasons import RecordInvalid
from outreach.rules.sessions import validate_debrief
from outreach.services.sessions_field import replace_tallies, rollup_refresher, update_slots
from outreach.services.sync_context import OpRejected
from outreach.timebands import service_date

# Text fields stored as "" when cleared.
BLANK_TEXT = ("atmosphere", "debrief_notes", "title")


def correct_session(
    *,
    actor,
    session: OutreachSession,
    data: dict[str, Any],
    tallies: list[dict[str, Any]] | None = None,
    slots: list[dict[str, Any]] | None = None,
    request=None,
) -> OutreachSession:
    """Apply `data` (the session's fields, by name: model instances for relations, a list for
    `members`), the head counts `tallies` (all of them, as a phone sends them) and the changed
    counts of digital `slots` ([{id, profiles_spotted, messages_sent, conversations}]).

    Raises RecordInvalid (field errors); nothing is then written.
    """
    validate_debrief(data)
    data = dict(data)
    members = data.pop("members", None)
    with transaction.atomic():
        current = (
            OutreachSession.objects.select_for_update(of=("self",), no_key=True)
            .select_related("team")
            .get(pk=session.pk)
        )
        for name, value in data.items():
            setattr(current, name, "" if value is None and name in BLANK_TEXT else value)
        if {"planned_start", "team"} & data.keys():
            current.service_date = service_date(current.planned_start, current.team.day_boundary_hour)
        try:
            if tallies is not None:
                replace_tallies(current, tallies)
            if slots:
                update_slots(current, slots)
        except OpRejected as exc:
            raise RecordInvalid(exc.errors, exc.reason) from None
        if members is not None:
            current.members.set(members)
        current.version += 1
        current.save()  # the change log entry: outreach/signals.py
        transaction.on_commit(rollup_refresher(current.pk), robust=True)
        changed = [*data, *(["members"] if members is not None else [])]
        changed += ["tallies"] if tallies is not None else []
        changed += ["digital_slots"] if slots else []
        journal.log_session_corrected(actor=actor, session=current, fields=sorted(changed), request=request)
    return current
