"""What a push needs to decide each operation, loaded in a constant number of queries per batch.

Operations then look things up in these maps instead of querying one by one, so the cost of a
batch grows with its writes only.
"""

from __future__ import annotations

import datetime as dt
import uuid as uuid_lib
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import Prefetch
from django.utils import timezone

from outreach import access
from outreach.models import (
    Action,
    Concern,
    Contact,
    Device,
    Hotspot,
    Orientation,
    OutreachSession,
    PartnerService,
    PlatformCategory,
    User,
)
from outreach.models.sync import SyncReceipt
from outreach.rules.edit_window import edit_window_hours, editable_until  # noqa: F401 (API imports)
from outreach.services.custom_values import Catalogue


class OpRejected(Exception):
    """The operation can never succeed as sent; nothing was written."""

    def __init__(self, reason: str, errors: dict[str, list[str]]) -> None:
        super().__init__(reason)
        self.reason = reason
        self.errors = errors


class OpConflict(Exception):
    """The record changed on the server since the version the client based its change on."""

    def __init__(self, current: Contact | OutreachSession) -> None:
        super().__init__("conflict")
        self.current = current


def rejected(reason: str, field_name: str, message: str) -> OpRejected:
    return OpRejected(reason, {field_name: [str(message)]})


@dataclass(frozen=True)
class ClockReading:
    """The device clock's offset from the server's when the batch arrived."""

    skew_seconds: int | None
    flagged: bool

    @classmethod
    def measure(cls, sent_at: dt.datetime | None, now: dt.datetime) -> ClockReading:
        if sent_at is None:
            return cls(None, False)
        # In UTC: two times in one zone subtract as wall clocks, an hour off across a DST change.
        skew = round((sent_at.astimezone(dt.UTC) - now.astimezone(dt.UTC)).total_seconds())
        return cls(skew, abs(skew) > settings.SYNC_CLOCK_SKEW_TOLERANCE_SECONDS)

    def correct(self, moment: dt.datetime) -> dt.datetime:
        """A device time moved onto the server's clock when the device clock is known to be off.

        The offset is taken off in UTC, then the time is given back in its own zone: in Paris
        wall-clock time, "05:25 minus 3 hours" on the night clocks go forward is an hour off, and
        outreach runs at night."""
        if self.flagged and self.skew_seconds is not None:
            corrected = moment.astimezone(dt.UTC) - dt.timedelta(seconds=self.skew_seconds)
            return corrected.astimezone(moment.tzinfo)
        return moment


@dataclass
class PushContext:
    actor: User
    device: Device | None
    now: dt.datetime
    clock: ClockReading
    team_ids: set[int]
    concerns: dict[str, Concern]
    actions: dict[str, Action]
    platforms: dict[str, PlatformCategory]
    hotspots: dict[int, Hotspot]
    partners: dict[int, PartnerService]
    sessions: dict[uuid_lib.UUID, OutreachSession]
    contacts: dict[uuid_lib.UUID, Contact]
    receipts: dict[tuple[uuid_lib.UUID, str, dt.datetime], int]
    _covered_territories: set[int] | None = field(default=None, repr=False)
    _catalogues: dict[int, Catalogue] = field(default_factory=dict, repr=False)
    _future_limit: dt.datetime | None = field(default=None, repr=False)

    @classmethod
    def load(
        cls,
        *,
        actor: User,
        operations: list[dict[str, Any]],
        device: Device | None = None,
        sent_at: dt.datetime | None = None,
    ) -> PushContext:
        """Everything the operations refer to, each kind in one query."""
        now = timezone.now()
        record_uuids = {op["uuid"] for op in operations}
        session_uuids = {op["uuid"] for op in operations if op["op"].startswith("session.")}
        hotspot_ids: set[int] = set()
        partner_ids: set[int] = set()
        for op in operations:
            data = op.get("data") or {}
            if data.get("session"):
                session_uuids.add(data["session"])
            if data.get("hotspot"):
                hotspot_ids.add(data["hotspot"])
            if op["op"].startswith("contact."):  # a digital slot's `orientations` is a count
                partner_ids.update(data.get("orientations") or [])
        contact_uuids = {op["uuid"] for op in operations if op["op"].startswith("contact.")}
        team_ids = set(access.team_ids_of(actor))
        contacts = {}
        if contact_uuids:
            contacts = {
                c.uuid: c
                for c in Contact.objects.filter(uuid__any_of=list(contact_uuids))
                .select_related("team", "session")
                .prefetch_related(
                    "concerns",
                    "actions",
                    Prefetch("orientation_links", queryset=Orientation.objects.order_by("pk")),
                )
            }
        # An update re-checks the stored contact's place even when it does not change it.
        hotspot_ids.update(c.hotspot_id for c in contacts.values() if c.hotspot_id)
        sessions = {}
        if session_uuids:
            sessions = {
                s.uuid: s
                for s in OutreachSession.objects.filter(uuid__in=session_uuids).select_related("team")
            }
        partners: dict[int, PartnerService] = {}
        if partner_ids:
            partners = {p.pk: p for p in access.partners_for(actor).filter(pk__in=partner_ids)}
        hotspots: dict[int, Hotspot] = {}
        if hotspot_ids:
            hotspots = {h.pk: h for h in access.hotspots_usable_by(actor).filter(pk__in=hotspot_ids)}
        receipts = {}
        if record_uuids and any(op["op"] != "contact.create" for op in operations):
            receipts = {
                (r.record_uuid, r.op, r.client_updated_at): r.version
                for r in SyncReceipt.objects.filter(record_uuid__any_of=list(record_uuids))
            }
        return cls(
            actor=actor,
            device=device,
            now=now,
            clock=ClockReading.measure(sent_at, now),
            team_ids=team_ids,
            concerns={c.code: c for c in Concern.objects.all()},
            actions={a.code: a for a in Action.objects.all()},
            platforms={p.code: p for p in PlatformCategory.objects.all()},
            hotspots=hotspots,
            partners=partners,
            sessions=sessions,
            contacts=contacts,
            receipts=receipts,
        )

    def catalogue(self, organisation_id: int) -> Catalogue:
        """The organisation's own fields, loaded once per batch and only when values are sent."""
        if organisation_id not in self._catalogues:
            self._catalogues[organisation_id] = Catalogue.load(organisation_id)
        return self._catalogues[organisation_id]

    def covered_territories(self) -> set[int]:
        if self._covered_territories is None:
            self._covered_territories = access.territory_ids_covered(sorted(self.team_ids))
        return self._covered_territories

    def future_limit(self) -> dt.datetime:
        """The latest time a record of this batch may carry (asked once per record)."""
        if self._future_limit is None:
            self._future_limit = self.now + dt.timedelta(seconds=settings.SYNC_CLOCK_SKEW_TOLERANCE_SECONDS)
        return self._future_limit

    def receipt(self, record_uuid: uuid_lib.UUID, op: str, client_updated_at: dt.datetime):
        return self.receipts.get((record_uuid, op, client_updated_at))

    def refresh_receipts(self, record_uuid: uuid_lib.UUID) -> None:
        """Reload one record's receipts (another request may have applied its operation)."""
        for r in SyncReceipt.objects.filter(record_uuid=record_uuid):
            self.receipts[(r.record_uuid, r.op, r.client_updated_at)] = r.version

    def only_own_changes(self, record_uuid: uuid_lib.UUID, base_version: int, version: int) -> bool:
        """Whether every version after `base_version` up to `version` came from this device.

        A phone that queued two changes offline bases both on the version it last pulled; the
        second builds on the first, so it is not a conflict. Changes from anyone else are.
        """
        if self.device is None or not 0 < base_version < version:
            return False
        mine = (
            SyncReceipt.objects.filter(
                record_uuid=record_uuid,
                device=self.device,
                version__gt=base_version,
                version__lte=version,
            )
            .values("version")
            .distinct()
            .count()
        )
        return mine == version - base_version

    def remember_receipt(
        self, record_uuid: uuid_lib.UUID, op: str, client_updated_at: dt.datetime, version: int
    ) -> None:
        SyncReceipt.objects.create(
            record_uuid=record_uuid,
            op=op,
            client_updated_at=client_updated_at,
            version=version,
            device=self.device,
        )
        self.receipts[(record_uuid, op, client_updated_at)] = version
