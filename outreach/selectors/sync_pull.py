"""What a device pulls: the objects it needs offline that changed after its cursor.

Two modes. Without a cursor, a snapshot of everything visible, paged type by type by primary key,
starting from a high-water mark taken *before* the first read; then the change log from that
mark. Changes made while the snapshot is paged are therefore sent again from the log: an item
may come twice, none is lost.
"""

from __future__ import annotations

import datetime as dt
import uuid as uuid_lib
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from outreach import access
from outreach.choices import Role, SessionStatus
from outreach.models import (
    Action,
    Concern,
    Contact,
    CustomField,
    Device,
    DigitalSlot,
    Orientation,
    PlatformCategory,
    RouteStop,
    Team,
)
from outreach.models.sync import ChangeLogEntry, ChangeLogPurge, ChangeType
from outreach.selectors.sync_cursor import (
    Cursor,
    InvalidCursor,
    Position,
    high_water_mark,
    log_bound,
)
from outreach.services.sync_context import edit_window_hours

# Done sessions stay on the phone this long (the debrief may still be completed).
RECENT_SESSIONS = dt.timedelta(days=7)
PLANNED_AHEAD = dt.timedelta(days=60)
TYPES = [
    ChangeType.CONCERN,
    ChangeType.ACTION,
    ChangeType.PLATFORM,
    ChangeType.HOTSPOT,
    ChangeType.PARTNER,
    ChangeType.SESSION,
    ChangeType.CONTACT,
    # Last, so the positions of cursors taken before it existed still point at the same types.
    ChangeType.FIELD,
]


@dataclass
class PullItem:
    type: str
    key: str
    obj: object | None  # None: a tombstone

    @property
    def op(self) -> str:
        return "delete" if self.obj is None else "upsert"


@dataclass
class PullPage:
    items: list[PullItem]
    cursor: Cursor
    more: bool
    snapshot: bool
    snapshot_complete: bool = False


@dataclass
class Scope:
    """What one device may receive, with its querysets."""

    device: Device
    now: dt.datetime = field(default_factory=timezone.now)

    def __post_init__(self) -> None:
        self.user = self.device.owner
        self.team_ids = access.team_ids_of(self.user)
        self._partner_territories: set[int] | None = None

    def queryset(self, type: str) -> QuerySet:
        return getattr(self, f"_{type}s")()

    def _concerns(self) -> QuerySet:
        return Concern.objects.all()

    def _actions(self) -> QuerySet:
        return Action.objects.all()

    def _platforms(self) -> QuerySet:
        return PlatformCategory.objects.all()

    def _hotspots(self) -> QuerySet:
        return access.hotspots_usable_by(self.user).select_related("territory")

    def _partners(self) -> QuerySet:
        if self._partner_territories is None:
            self._partner_territories = access.territory_ids_around(self.team_ids)
        return access.partners_for(self.user, territory_ids=self._partner_territories).select_related(
            "territory"
        )

    def _sessions(self) -> QuerySet:
        recent = self.now - RECENT_SESSIONS
        return (
            access.sessions_writable_by(self.user)
            .filter(
                Q(status=SessionStatus.UNDER_WAY)
                | Q(
                    status=SessionStatus.PLANNED,
                    planned_end__gte=recent,
                    planned_start__lte=self.now + PLANNED_AHEAD,
                )
                | Q(status=SessionStatus.DONE, ended_at__gte=recent)
            )
            .select_related("team", "territory")
            .prefetch_related(
                "tallies",
                Prefetch("route_stops", queryset=RouteStop.objects.order_by("position")),
                Prefetch(
                    "digital_slots",
                    queryset=DigitalSlot.objects.select_related("platform").order_by("starts_at"),
                ),
            )
        )

    def _contacts(self) -> QuerySet:
        if self.user.role not in (Role.WORKER, Role.COORDINATOR):
            return Contact.objects.none()
        windows = [edit_window_hours(team) for team in Team.objects.filter(pk__in=self.team_ids)]
        oldest = self.now - dt.timedelta(hours=max(windows, default=0))
        return (
            access.contacts_visible_to(self.user)
            .filter(author=self.user, received_at__gte=oldest, anonymised_at__isnull=True)
            .select_related("team", "session", "platform")
            .prefetch_related(
                "concerns",
                "actions",
                Prefetch("orientation_links", queryset=Orientation.objects.order_by("pk")),
            )
        )

    def _fields(self) -> QuerySet:
        # Retired fields too: the phone still shows the values recorded with them.
        if self.user.organisation_id is None:
            return CustomField.objects.none()
        return CustomField.objects.filter(organisation_id=self.user.organisation_id).prefetch_related(
            "choices"
        )

    def log_filter(self) -> Q:
        return (
            Q(organisation_id__isnull=True, team_id__isnull=True)
            | Q(
                type__in=[ChangeType.HOTSPOT, ChangeType.PARTNER, ChangeType.FIELD],
                organisation_id=self.user.organisation_id,
            )
            | Q(type=ChangeType.SESSION, team_id__in=self.team_ids)
            | Q(type=ChangeType.CONTACT, author_id=self.user.pk)
        )


def _key_of(type: str) -> Callable[[object], str]:
    if type in (ChangeType.CONCERN, ChangeType.ACTION, ChangeType.PLATFORM):
        return lambda obj: obj.code
    if type in (ChangeType.SESSION, ChangeType.CONTACT):
        return lambda obj: str(obj.uuid)
    return lambda obj: str(obj.pk)


def _lookup_field(type: str) -> str:
    if type in (ChangeType.CONCERN, ChangeType.ACTION, ChangeType.PLATFORM):
        return "code"
    if type in (ChangeType.SESSION, ChangeType.CONTACT):
        return "uuid"
    return "pk"


def _still_visible(scope: Scope, type: str, obj) -> bool:
    if type == ChangeType.CONTACT:
        return scope.now <= obj.received_at + dt.timedelta(hours=edit_window_hours(obj.team))
    return True


def pull(*, device: Device, cursor: Cursor | None, limit: int) -> PullPage:
    """The next page of changes for `device` after `cursor` (None: start with a snapshot)."""
    scope = Scope(device)
    if cursor is not None:
        horizon = ChangeLogPurge.objects.values_list("txid", "seq").first()
        if horizon is not None and cursor.position < Position(*horizon):
            raise InvalidCursor("This cursor is older than the kept change log; pull without a cursor.")
    if cursor is None:
        cursor = Cursor(high_water_mark(), snapshot_type=0, snapshot_after_pk=0)
    if cursor.in_snapshot:
        return _snapshot_page(scope, cursor, limit)
    return _log_page(scope, cursor, limit)


def _snapshot_page(scope: Scope, cursor: Cursor, limit: int) -> PullPage:
    items: list[PullItem] = []
    type_index, after_pk = cursor.snapshot_type, cursor.snapshot_after_pk
    while type_index < len(TYPES):
        type = TYPES[type_index]
        room = limit - len(items)
        rows = list(scope.queryset(type).filter(pk__gt=after_pk).order_by("pk")[: room + 1])
        key = _key_of(type)
        taken = rows[:room]
        items.extend(PullItem(type, key(obj), obj) for obj in taken if _still_visible(scope, type, obj))
        if len(rows) > room:
            next_cursor = Cursor(cursor.position, type_index, taken[-1].pk if taken else after_pk)
            return PullPage(items, next_cursor, more=True, snapshot=True)
        type_index, after_pk = type_index + 1, 0
    # Done: continue from the mark taken before the snapshot began, to send what changed meanwhile.
    return PullPage(items, Cursor(cursor.position), more=True, snapshot=True, snapshot_complete=True)


def _log_page(scope: Scope, cursor: Cursor, limit: int) -> PullPage:
    bound = log_bound()
    start = cursor.position
    rows = ChangeLogEntry.objects.filter(scope.log_filter()).filter(
        Q(txid__gt=start.txid) | Q(txid=start.txid, seq__gt=start.seq)
    )
    if bound.below is not None:
        rows = rows.filter(txid__lt=bound.below)
    rows = list(rows.order_by("txid", "seq").values_list("txid", "seq", "type", "key")[: limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    last = Position(rows[-1][0], rows[-1][1]) if rows else start
    if not more and bound.furthest is not None:
        # Everything below the bound has been read: move there, past rows outside this scope.
        last = max(last, bound.furthest)
    wanted: dict[tuple[str, str], None] = {}
    for _txid, _seq, type, key in rows:
        wanted[(type, key)] = None
    by_type: dict[str, list[str]] = {}
    for type, key in wanted:
        by_type.setdefault(type, []).append(key)
    found: dict[tuple[str, str], object] = {}
    for type, keys in by_type.items():
        lookup = _lookup_field(type)
        if lookup == "uuid":
            values = [_as_uuid(k) for k in keys]
            values = [v for v in values if v is not None]
        elif lookup == "pk":
            values = [int(k) for k in keys if k.isdigit()]
        else:
            values = keys
        key = _key_of(type)
        for obj in scope.queryset(type).filter(**{f"{lookup}__in": values}):
            if _still_visible(scope, type, obj):
                found[(type, key(obj))] = obj
    items = [PullItem(type, key, found.get((type, key))) for type, key in wanted]
    return PullPage(items, Cursor(last), more=more, snapshot=False)


def _as_uuid(value: str) -> uuid_lib.UUID | None:
    try:
        return uuid_lib.UUID(value)
    except ValueError:
        return None
