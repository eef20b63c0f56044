"""Reads of the partner directory: the coordinator's list and what field apps take offline."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from outreach import access
from outreach.models import PartnerService, Territory, User


def directory(
    *, user: User, category: str = "", territory_id: int | None = None, text: str = ""
) -> QuerySet[PartnerService]:
    services = access.partners_visible_to(user).select_related("territory", "organisation")
    if category:
        services = services.filter(category=category)
    if territory_id:
        services = services.filter(territory_id=territory_id)
    if text:
        services = services.filter(
            Q(name__icontains=text) | Q(structure_name__icontains=text) | Q(description__icontains=text)
        )
    return services.order_by("category", "name")


def _territory_and_ancestors(territories) -> set[int]:
    ids: set[int] = set()
    for territory in territories:
        node: Territory | None = territory
        while node is not None:
            ids.add(node.pk)
            node = node.parent
    return ids


def directory_for_offline(user: User) -> list[dict]:
    """The active services a worker's phone keeps for orientation at night: the organisation's
    and shared ones whose territory covers one of the team's territories (or lies inside it).

    Plain dicts (the sync pull serialises them as they are); no free text about young people.
    """
    if user.team_id is None:
        teams = access.teams_readable_by(user)
    else:
        teams = access.teams_readable_by(user).filter(pk=user.team_id)
    covered = list(Territory.objects.filter(teams__in=teams).select_related("parent__parent__parent"))
    above = _territory_and_ancestors(covered)
    inside = set(
        Territory.objects.filter(Q(parent__in=covered) | Q(parent__parent__in=covered)).values_list(
            "pk", flat=True
        )
    )
    services = access.partners_visible_to(user).filter(is_active=True, territory_id__in=above | inside)
    return [
        {
            "id": service.pk,
            "name": service.name,
            "structure": service.structure_name,
            "category": service.category,
            "territory": service.territory_id,
            "themes": service.themes,
            "publics": service.publics,
            "reception_modes": service.reception_modes,
            "address": service.address,
            "phone": service.phone,
            "email": service.email,
            "website": service.website,
            "opening_hours": service.opening_hours,
            "open_at_night": service.open_at_night,
            "accepts_unaccompanied_minors": service.accepts_unaccompanied_minors,
            "updated_at": service.updated_at.isoformat(),
        }
        for service in services.order_by("category", "name")
    ]


def recent_imports(organisation_id: int, *, limit: int = 5) -> list:
    """The organisation's last directory imports (CSV or data·inclusion), from the journal."""
    from outreach.models import JournalEntry

    return list(
        JournalEntry.objects.filter(
            event=JournalEntry.Event.DIRECTORY_IMPORT, detail__organisation=organisation_id
        ).order_by("-created_at", "-pk")[:limit]
    )
