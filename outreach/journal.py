"""Write audit entries. The only way in: `log_<event>(...)`.

Call these from services, views and commands alike; never create JournalEntry rows directly.
"""

from __future__ import annotations

from typing import Any

from outreach.models.journal import JournalEntry

Event = JournalEntry.Event


def _client_ip(request) -> str | None:
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def _write(
    event: str, *, actor=None, username: str = "", request=None, target: str = "", **detail: Any
) -> JournalEntry:
    if actor is not None and getattr(actor, "is_authenticated", False):
        username = username or actor.get_username()
    else:
        actor = None
    return JournalEntry.objects.create(
        event=event,
        actor=actor,
        actor_username=username[:150],
        ip_address=_client_ip(request),
        target=target[:200],
        detail=detail,
    )


def log_login(*, user, request=None, **detail: Any) -> JournalEntry:
    """A completed sign-in; detail: the door, and the second factor used ("none" for phones)."""
    return _write(Event.LOGIN, actor=user, request=request, **detail)


def log_login_failed(*, username: str, request=None, **detail: Any) -> JournalEntry:
    return _write(Event.LOGIN_FAILED, username=username, request=request, **detail)


def log_login_locked(*, username: str, request=None, **detail: Any) -> JournalEntry:
    return _write(Event.LOGIN_LOCKED, username=username, request=request, **detail)


def log_logout(*, user, request=None) -> JournalEntry:
    return _write(Event.LOGOUT, actor=user, request=request)


def log_password_ok(*, user, request=None, **detail: Any) -> JournalEntry:
    return _write(Event.PASSWORD_OK, actor=user, request=request, **detail)


def log_second_factor_failed(*, username: str, request=None, **detail: Any) -> JournalEntry:
    return _write(Event.SECOND_FACTOR_FAILED, username=username, request=request, **detail)


def log_second_factor_added(*, user, kind: str, request=None, **detail: Any) -> JournalEntry:
    return _write(Event.SECOND_FACTOR_ADDED, actor=user, request=request, target=kind, **detail)


def log_second_factor_removed(*, user, kind: str, request=None, **detail: Any) -> JournalEntry:
    return _write(Event.SECOND_FACTOR_REMOVED, actor=user, request=request, target=kind, **detail)


def log_second_factor_reset(*, actor, subject: str, request=None, **detail: Any) -> JournalEntry:
    return _write(Event.SECOND_FACTOR_RESET, actor=actor, request=request, target=subject, **detail)


def log_recovery_codes_issued(*, user, count: int, request=None) -> JournalEntry:
    return _write(Event.RECOVERY_CODES_ISSUED, actor=user, request=request, count=count)


def log_invitation_created(*, actor, subject: str, request=None, **detail: Any) -> JournalEntry:
    return _write(Event.INVITATION_CREATED, actor=actor, request=request, target=subject, **detail)


def log_invitation_accepted(*, user, request=None, **detail: Any) -> JournalEntry:
    return _write(
        Event.INVITATION_ACCEPTED, actor=user, request=request, target=user.get_username(), **detail
    )


def log_invitation_revoked(*, actor, subject: str, request=None) -> JournalEntry:
    return _write(Event.INVITATION_REVOKED, actor=actor, request=request, target=subject)


def log_password_reset_requested(*, subject: str, request=None, **detail: Any) -> JournalEntry:
    """`subject` is the matching account's username, or "" (the address typed is not kept)."""
    return _write(Event.PASSWORD_RESET_REQUESTED, request=request, target=subject or "-", **detail)


def log_password_reset_issued(*, actor, subject: str, request=None, **detail: Any) -> JournalEntry:
    return _write(Event.PASSWORD_RESET_ISSUED, actor=actor, request=request, target=subject, **detail)


def log_password_reset_done(*, user, request=None, **detail: Any) -> JournalEntry:
    return _write(
        Event.PASSWORD_RESET_DONE, actor=user, request=request, target=user.get_username(), **detail
    )


def log_password_changed(*, user, request=None) -> JournalEntry:
    return _write(Event.PASSWORD_CHANGED, actor=user, request=request, target=user.get_username())


def log_export(*, user, what: str, request=None, **detail: Any) -> JournalEntry:
    return _write(Event.EXPORT, actor=user, request=request, target=what, **detail)


def log_report_view(*, user, what: str, request=None, **detail: Any) -> JournalEntry:
    return _write(Event.REPORT_VIEW, actor=user, request=request, target=what, **detail)


def log_permission_change(*, actor, subject: str, request=None, **detail: Any) -> JournalEntry:
    return _write(Event.PERMISSION_CHANGE, actor=actor, request=request, target=subject, **detail)


def log_device_enrolled(*, user, device: str, request=None, **detail: Any) -> JournalEntry:
    return _write(Event.DEVICE_ENROLLED, actor=user, request=request, target=device, **detail)


def log_device_revoked(*, actor, device: str, request=None, **detail: Any) -> JournalEntry:
    return _write(Event.DEVICE_REVOKED, actor=actor, request=request, target=device, **detail)


def log_retention_purge(*, count: int, before: str) -> JournalEntry:
    return _write(Event.RETENTION_PURGE, username="system", target=f"contacts before {before}", count=count)


def log_summary_sent(*, recipient: str, what: str, **detail: Any) -> JournalEntry:
    return _write(Event.SUMMARY_SENT, username="system", target=what, recipient=recipient, **detail)


def log_directory_import(*, actor=None, organisation, what: str, request=None, **detail: Any) -> JournalEntry:
    """A partner directory import (CSV or data·inclusion files) into an organisation's directory.

    `actor` is None when an administrator's command runs it: the entry then names "command".
    """
    return _write(
        Event.DIRECTORY_IMPORT,
        actor=actor,
        username="" if actor is not None else "command",
        request=request,
        target=what,
        organisation=organisation.pk,
        organisation_name=organisation.name,
        **detail,
    )


def log_contact_corrected(*, actor, contact, fields: list[str], request=None, **detail: Any) -> JournalEntry:
    """A staff correction of a contact (the admin): which fields, never their values."""
    return _write(
        Event.CONTACT_CORRECTED,
        actor=actor,
        request=request,
        target=str(contact.uuid),
        fields=fields,
        version=contact.version,
        **detail,
    )


def log_session_corrected(*, actor, session, fields: list[str], request=None) -> JournalEntry:
    """A staff correction of a session (the admin): which fields, never their values."""
    return _write(
        Event.SESSION_CORRECTED,
        actor=actor,
        request=request,
        target=str(session.uuid),
        fields=fields,
        version=session.version,
    )


def log_hotspot_saved(*, actor, hotspot, created: bool, fields: list[str], request=None) -> JournalEntry:
    return _write(
        Event.HOTSPOT_SAVED,
        actor=actor,
        request=request,
        target=f"hotspot {hotspot.pk}",
        created=created,
        fields=fields,
        organisation=hotspot.organisation_id,
    )


def log_partner_saved(*, actor, service, created: bool, fields: list[str], request=None) -> JournalEntry:
    return _write(
        Event.PARTNER_SAVED,
        actor=actor,
        request=request,
        target=f"partner {service.pk}",
        created=created,
        fields=fields,
        organisation=service.organisation_id,
    )


def log_custom_field_changed(*, actor, field, change: str, request=None, **detail: Any) -> JournalEntry:
    """An organisation field defined, edited, moved, retired or restored (`change` says which)."""
    return _write(
        Event.CUSTOM_FIELD_CHANGED,
        actor=actor,
        request=request,
        target=f"{field.pk} {field.label_fr}",
        change=change,
        organisation=field.organisation_id,
        **detail,
    )


def log_team_key(event: str, *, actor, team, request=None, **detail: Any) -> JournalEntry:
    """A team key made, shared or retired (ADR 010): numbers and device ids, never key material."""
    return _write(event, actor=actor, request=request, target=f"team {team.pk}", **detail)
