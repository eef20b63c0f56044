"""Feed the sync change log from the models the field app mirrors, whoever writes them.

Contacts are not here: their writes go through `outreach.services.contact_events`. Deletions of
contacts (retention, admin) are, so devices receive the tombstone. Bulk `QuerySet.update()` skips
signals: code doing that must call `outreach.services.change_log` itself.
"""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save, pre_save

from outreach.models import (
    Action,
    Concern,
    Contact,
    DigitalSlot,
    Hotspot,
    OutreachSession,
    PartnerService,
    PlatformCategory,
    RouteStop,
    User,
)
from outreach.models.sync import ChangeType
from outreach.services import change_log, team_keys

REFERENCE_TYPES = {
    Concern: ChangeType.CONCERN,
    Action: ChangeType.ACTION,
    PlatformCategory: ChangeType.PLATFORM,
}


def _reference_changed(sender, instance, **kwargs):
    change_log.append([change_log.entry(REFERENCE_TYPES[sender], instance.code)])


def _hotspot_changed(sender, instance, **kwargs):
    change_log.append(
        [change_log.entry(ChangeType.HOTSPOT, instance.pk, organisation_id=instance.organisation_id)]
    )


def _partner_changed(sender, instance, **kwargs):
    change_log.append(
        [change_log.entry(ChangeType.PARTNER, instance.pk, organisation_id=instance.organisation_id)]
    )


def _session_entry(session: OutreachSession):
    return change_log.entry(ChangeType.SESSION, session.uuid, team_id=session.team_id)


def _session_changed(sender, instance, **kwargs):
    change_log.append([_session_entry(instance)])


def _session_part_changed(sender, instance, **kwargs):
    session = OutreachSession.objects.filter(pk=instance.session_id).only("uuid", "team_id").first()
    if session is not None:  # None while the session itself is being deleted
        change_log.append([_session_entry(session)])


def _contact_deleted(sender, instance, **kwargs):
    change_log.append(
        [
            change_log.entry(
                ChangeType.CONTACT,
                instance.uuid,
                team_id=instance.team_id,
                author_id=instance.author_id,
                deleted=True,
            )
        ]
    )


def connect() -> None:
    for model in REFERENCE_TYPES:
        post_save.connect(_reference_changed, sender=model, dispatch_uid=f"sync-{model.__name__}")
        post_delete.connect(_reference_changed, sender=model, dispatch_uid=f"sync-d-{model.__name__}")
    for model, receiver in (
        (Hotspot, _hotspot_changed),
        (PartnerService, _partner_changed),
        (OutreachSession, _session_changed),
    ):
        post_save.connect(receiver, sender=model, dispatch_uid=f"sync-{model.__name__}")
        post_delete.connect(receiver, sender=model, dispatch_uid=f"sync-d-{model.__name__}")
    # Tallies are only written by the sync services, which save the session afterwards.
    for model in (RouteStop, DigitalSlot):
        post_save.connect(_session_part_changed, sender=model, dispatch_uid=f"sync-{model.__name__}")
        post_delete.connect(_session_part_changed, sender=model, dispatch_uid=f"sync-d-{model.__name__}")
    post_delete.connect(_contact_deleted, sender=Contact, dispatch_uid="sync-d-Contact")
    # A member leaving a team retires the team's keys in use (ADR 010).
    pre_save.connect(team_keys.member_changed, sender=User, dispatch_uid="keys-member-left")
