"""Coverage: when each hotspot was last visited, what was met there, and what is under-visited.

Internal to the organisation (a coordinator's own teams), so counts are exact; nothing here
leaves the organisation. Dates are service dates (the night belongs to its evening) and times
are hour bands only.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Max
from django.db.models.functions import ExtractIsoWeekDay

from outreach import access
from outreach.choices import SessionStatus
from outreach.models import Contact, Hotspot, RouteStop, User
from outreach.timebands import HourBand

WEEKDAYS = (1, 2, 3, 4, 5, 6, 7)  # ISO: Monday = 1
NIGHT_BANDS = (
    HourBand.EVENING,
    HourBand.LATE_EVENING,
    HourBand.NIGHT,
    HourBand.LATE_NIGHT,
    HourBand.AFTERNOON,
    HourBand.MORNING,
)
_LIVED = (SessionStatus.UNDER_WAY, SessionStatus.DONE)


@dataclass
class HotspotCoverage:
    hotspot: Hotspot
    last_visited: dt.date | None = None
    visits: int = 0
    contacts: int = 0
    by_band: dict[str, int] = field(default_factory=dict)
    by_weekday: dict[int, int] = field(default_factory=dict)
    scale: int = 0  # the largest cell among hotspots, for shading

    @property
    def band_counts(self) -> list[int]:
        return [self.by_band.get(band, 0) for band in NIGHT_BANDS]

    @property
    def band_cells(self) -> list[tuple[int, int]]:
        return [(n, heat_level(n, self.scale)) for n in self.band_counts]

    @property
    def weekday_cells(self) -> list[tuple[int, int]]:
        return [(n, heat_level(n, self.scale)) for n in self.weekday_counts]

    @property
    def weekday_counts(self) -> list[int]:
        return [self.by_weekday.get(day, 0) for day in WEEKDAYS]

    @property
    def contacts_per_visit(self) -> float:
        return self.contacts / self.visits if self.visits else float(self.contacts)


def heat_level(count: int, scale: int) -> int:
    """0 for nothing, then 1–4 by quarter of the largest cell (a shade, not a number)."""
    if count <= 0 or scale <= 0:
        return 0
    return min(4, 1 + (4 * count - 1) // scale)


@dataclass
class SectorCoverage:
    name: str
    hotspots: list[HotspotCoverage]

    @property
    def last_visited(self) -> dt.date | None:
        dates = [h.last_visited for h in self.hotspots if h.last_visited]
        return max(dates) if dates else None

    @property
    def visits(self) -> int:
        return sum(h.visits for h in self.hotspots)

    @property
    def contacts(self) -> int:
        return sum(h.contacts for h in self.hotspots)

    @property
    def band_counts(self) -> list[int]:
        return [sum(col) for col in zip(*(h.band_counts for h in self.hotspots), strict=True)]

    @property
    def weekday_counts(self) -> list[int]:
        return [sum(col) for col in zip(*(h.weekday_counts for h in self.hotspots), strict=True)]


@dataclass
class Coverage:
    start: dt.date
    end: dt.date
    hotspots: list[HotspotCoverage]
    sectors: list[SectorCoverage]
    suggestions: list[HotspotCoverage]


def coverage(*, user: User, start: dt.date, end: dt.date, territory_id: int | None = None) -> Coverage:
    """Per hotspot and sector of the user's organisation, over service dates start..end:
    last visit (ever, up to `end`), visits and contacts in the period by hour band and weekday,
    and the active hotspots visited less than half as often as the typical one."""
    hotspots = access.hotspots_visible_to(user).select_related("territory")
    if territory_id is not None:
        hotspots = hotspots.filter(territory_id=territory_id)
    rows = {h.pk: HotspotCoverage(hotspot=h) for h in hotspots.order_by("territory__name", "name")}
    ids = list(rows)
    teams = access.teams_managed_by(user)
    stops = RouteStop.objects.filter(hotspot_id__in=ids, session__team__in=teams, session__status__in=_LIVED)
    contacts = Contact.objects.filter(hotspot_id__in=ids, team__in=teams)

    # Last visit: a lived session routed there, or a contact logged there.
    for source in (
        stops.filter(session__service_date__lte=end)
        .values("hotspot_id")
        .annotate(last=Max("session__service_date")),
        contacts.filter(service_date__lte=end).values("hotspot_id").annotate(last=Max("service_date")),
    ):
        for item in source:
            row = rows[item["hotspot_id"]]
            if row.last_visited is None or item["last"] > row.last_visited:
                row.last_visited = item["last"]

    # Visits in the period: distinct sessions that went there (by route or by a contact).
    visited: dict[int, set[int]] = defaultdict(set)
    for hotspot_id, session_id in stops.filter(session__service_date__range=(start, end)).values_list(
        "hotspot_id", "session_id"
    ):
        visited[hotspot_id].add(session_id)
    in_period = contacts.filter(service_date__range=(start, end))
    for hotspot_id, session_id in in_period.values_list("hotspot_id", "session_id").distinct():
        visited[hotspot_id].add(session_id)
    for hotspot_id, sessions in visited.items():
        rows[hotspot_id].visits = len(sessions)

    for item in in_period.values("hotspot_id", "hour_band").annotate(n=Count("pk")):
        row = rows[item["hotspot_id"]]
        row.by_band[item["hour_band"]] = item["n"]
        row.contacts += item["n"]
    for item in (
        in_period.annotate(weekday=ExtractIsoWeekDay("service_date"))
        .values("hotspot_id", "weekday")
        .annotate(n=Count("pk"))
    ):
        rows[item["hotspot_id"]].by_weekday[item["weekday"]] = item["n"]

    scale = max((n for row in rows.values() for n in (*row.band_counts, *row.weekday_counts)), default=0)
    for row in rows.values():
        row.scale = scale

    by_sector: dict[int, SectorCoverage] = {}
    for row in rows.values():
        territory = row.hotspot.territory
        by_sector.setdefault(territory.pk, SectorCoverage(name=str(territory), hotspots=[]))
        by_sector[territory.pk].hotspots.append(row)

    return Coverage(
        start=start,
        end=end,
        hotspots=list(rows.values()),
        sectors=sorted(by_sector.values(), key=lambda s: s.name),
        suggestions=under_visited(list(rows.values())),
    )


def under_visited(rows: list[HotspotCoverage]) -> list[HotspotCoverage]:
    """Active hotspots visited less than half the median visits of active hotspots (or never),
    the ones where most young people were met first, then the longest unvisited."""
    active = [row for row in rows if row.hotspot.is_active]
    if not active:
        return []
    typical = statistics.median(row.visits for row in active)
    candidates = [row for row in active if row.visits == 0 or row.visits < typical / 2]
    return sorted(
        candidates,
        key=lambda row: (
            -row.contacts_per_visit,
            row.last_visited or dt.date.min,
            row.hotspot.name,
        ),
    )
