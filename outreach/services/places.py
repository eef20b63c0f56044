"""Coordinators' writes to their organisation's hotspots and partner directory.

The planning pages call these instead of saving forms: the organisation is set from the actor,
the territory is checked against what they may plan, and every save is journaled. (The change
log that phones pull follows the saved rows, through outreach/signals.py.)
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from outreach import access, journal
from outreach.models import Hotspot, PartnerService, User


def _check(actor: User, territory_id: int | None, allowed) -> None:
    if not access.is_planning_coordinator(actor):
        raise PermissionDenied(_("Only a coordinator of an organisation changes its places and directory."))
    if territory_id is not None and not allowed.filter(pk=territory_id).exists():
        raise ValidationError({"territory": _("Not a territory your teams cover.")})


def save_hotspot(
    *,
    actor: User,
    hotspot: Hotspot,
    fields: list[str],
    photo=None,
    remove_photo: bool = False,
    request=None,
) -> Hotspot:
    """Create or change one of the actor's organisation's hotspots (`fields`: what changed)."""
    created = hotspot.pk is None
    if not created and not access.hotspots_manageable_by(actor).filter(pk=hotspot.pk).exists():
        raise PermissionDenied(_("Not a hotspot of your organisation."))
    _check(actor, hotspot.territory_id, access.territories_plannable_by(actor))
    hotspot.organisation_id = actor.organisation_id
    with transaction.atomic():
        if remove_photo and hotspot.photo:
            hotspot.photo.delete(save=False)
        if photo is not None:
            if hotspot.photo:
                hotspot.photo.delete(save=False)
            hotspot.photo.save(photo.name, photo, save=False)
        hotspot.save()
        journal.log_hotspot_saved(
            actor=actor, hotspot=hotspot, created=created, fields=sorted(fields), request=request
        )
    return hotspot


def save_partner(*, actor: User, service: PartnerService, fields: list[str], request=None) -> PartnerService:
    """Create or change an entry of the actor's organisation's own directory."""
    created = service.pk is None
    if not created and not access.partners_manageable_by(actor).filter(pk=service.pk).exists():
        raise PermissionDenied(_("Not a service of your organisation's directory."))
    _check(actor, service.territory_id, access.territories_for_partners_of(actor))
    service.organisation_id = actor.organisation_id
    with transaction.atomic():
        service.save()
        journal.log_partner_saved(
            actor=actor, service=service, created=created, fields=sorted(fields), request=request
        )
    return service
