"""A coordinator's review of their organisation's recent sessions and contacts.

Pseudonymous rows only (person code, age band, gender, hour band, hotspot or platform); the
team note is included because only coordinators of the team's organisation reach this.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from outreach import access
from outreach.models import Contact, OutreachSession, TallyMark, Territory, User

CONTACT_ROWS_LIMIT = 300


@dataclass(frozen=True)
class ActivityFilter:
    start: dt.date
    end: dt.date
    team_id: int | None = None
    territory_id: int | None = None
    kind: str = ""


def _territory_ids(territory_id: int) -> list[int]:
    """The territory and everything under it (sectors inside a commune, communes inside a
    département): at most four levels, one query per level."""
    ids, frontier = [territory_id], [territory_id]
    while frontier:
        frontier = list(Territory.objects.filter(parent_id__in=frontier).values_list("pk", flat=True))
        ids.extend(frontier)
    return ids


def activity_sessions(*, user: User, filters: ActivityFilter) -> QuerySet[OutreachSession]:
    sessions = access.sessions_manageable_by(user).filter(service_date__range=(filters.start, filters.end))
    if filters.team_id:
        sessions = sessions.filter(team_id=filters.team_id)
    if filters.territory_id:
        sessions = sessions.filter(territory_id__in=_territory_ids(filters.territory_id))
    if filters.kind:
        sessions = sessions.filter(kind=filters.kind)
    return (
        sessions.select_related("team", "territory")
        .annotate(
            contact_count=Count("contacts", distinct=True),
            exchange_count=Count("contacts", filter=Q(contacts__level="exchange"), distinct=True),
            # Taps still counting (an undone one never counted, a promoted one is its contact).
            # A subquery, not a second join: contacts × taps rows would multiply on busy nights.
            tap_count=Coalesce(
                Subquery(
                    TallyMark.objects.filter(session=OuterRef("pk"), removal="")
                    .order_by()
                    .values("session")
                    .annotate(n=Count("id"))
                    .values("n")
                ),
                0,
            ),
        )
        .order_by("-service_date", "-planned_start")
    )


def activity_contacts(*, user: User, filters: ActivityFilter) -> QuerySet[Contact]:
    contacts = access.activity_contacts_for(user).filter(service_date__range=(filters.start, filters.end))
    if filters.team_id:
        contacts = contacts.filter(team_id=filters.team_id)
    if filters.territory_id:
        contacts = contacts.filter(territory_id__in=_territory_ids(filters.territory_id))
    if filters.kind:
        contacts = contacts.filter(kind=filters.kind)
    return (
        contacts.select_related("team", "hotspot", "platform", "territory")
        .prefetch_related("concerns", "actions")
        .order_by("-service_date", "-occurred_at")
    )
