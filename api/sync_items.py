"""The `data` of pull items (and of a conflict's `current`), as plain dicts for speed.

Shapes are documented in docs/sync-protocol.md §3; only add keys, never rename or remove.
"""

from __future__ import annotations

import datetime as dt

from outreach.models import Contact, OutreachSession
from outreach.services.sync_context import editable_until


def _time(value: dt.datetime | None) -> str | None:
    if value is None:
        return None
    return value.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


def _decimal(value) -> float | None:
    return None if value is None else float(value)


def reference(obj) -> dict:
    data = {
        "code": obj.code,
        "label_fr": obj.label_fr,
        "label_en": obj.label_en,
        "position": obj.position,
        "is_active": obj.is_active,
    }
    if hasattr(obj, "is_orientation"):
        data["is_orientation"] = obj.is_orientation
    return data


def hotspot(obj) -> dict:
    return {
        "id": obj.pk,
        "name": obj.name,
        "kind": obj.kind,
        "territory": {"id": obj.territory_id, "name": obj.territory.name},
        "latitude": _decimal(obj.latitude),
        "longitude": _decimal(obj.longitude),
        "notes": obj.notes,
    }


def partner(obj) -> dict:
    return {
        "id": obj.pk,
        "name": obj.name,
        "structure_name": obj.structure_name,
        "category": obj.category,
        "territory": {"id": obj.territory_id, "name": obj.territory.name},
        "description": obj.description,
        "themes": obj.themes,
        "publics": obj.publics,
        "reception_modes": obj.reception_modes,
        "address": obj.address,
        "phone": obj.phone,
        "email": obj.email,
        "website": obj.website,
        "opening_hours": obj.opening_hours,
        "open_at_night": obj.open_at_night,
        "accepts_unaccompanied_minors": obj.accepts_unaccompanied_minors,
    }


def session(obj: OutreachSession) -> dict:
    return {
        "uuid": str(obj.uuid),
        "team": {"id": obj.team_id, "name": obj.team.name},
        "kind": obj.kind,
        "status": obj.status,
        "territory": {"id": obj.territory_id, "name": obj.territory.name},
        "title": obj.title,
        "planned_start": _time(obj.planned_start),
        "planned_end": _time(obj.planned_end),
        "started_at": _time(obj.started_at),
        "ended_at": _time(obj.ended_at),
        "service_date": obj.service_date.isoformat(),
        "version": obj.version,
        "young_people_seen": obj.young_people_seen,
        "atmosphere": obj.atmosphere,
        "recruiters_present": obj.recruiters_present,
        "clients_present": obj.clients_present,
        "police_present": obj.police_present,
        "material_handed_out": obj.material_handed_out,
        "debrief_notes": obj.debrief_notes,
        "custom_values": obj.custom_values or {},
        "tallies": [
            {"level": t.level, "age_band": t.age_band, "gender": t.gender, "count": t.count}
            for t in obj.tallies.all()
        ],
        "route": [
            {"position": s.position, "hotspot": s.hotspot_id, "minutes_planned": s.minutes_planned}
            for s in obj.route_stops.all()
        ],
        "digital_slots": [
            {
                "id": s.pk,
                "platform": s.platform.code,
                "starts_at": _time(s.starts_at),
                "ends_at": _time(s.ends_at),
                "profiles_spotted": s.profiles_spotted,
                "messages_sent": s.messages_sent,
                "conversations": s.conversations,
            }
            for s in obj.digital_slots.all()
        ],
    }


def contact(obj: Contact) -> dict:
    return {
        "uuid": str(obj.uuid),
        "version": obj.version,
        "session": str(obj.session.uuid),
        "kind": obj.kind,
        "occurred_at": _time(obj.occurred_at),
        "territory": obj.territory_id,
        "service_date": obj.service_date.isoformat(),
        "hour_band": obj.hour_band,
        "hotspot": obj.hotspot_id,
        "platform": obj.platform.code if obj.platform_id else None,
        "conversation_established": obj.conversation_established,
        "request_category": obj.request_category,
        "level": obj.level,
        "person_code": obj.person_code,
        "age_band": obj.age_band,
        "gender": obj.gender,
        "is_first_contact": obj.is_first_contact,
        "known_to_child_welfare": obj.known_to_child_welfare,
        "concerns": sorted(c.code for c in obj.concerns.all()),
        "actions": sorted(a.code for a in obj.actions.all()),
        "orientations": [link.partner_id for link in obj.orientation_links.all()],
        "note": obj.note,
        "custom_values": obj.custom_values or {},
        "received_at": _time(obj.received_at),
        "editable_until": _time(editable_until(obj)),
        "client_created_at": _time(obj.client_created_at),
        "client_updated_at": _time(obj.client_updated_at),
        "clock_flagged": obj.clock_flagged,
    }


def custom_field(obj) -> dict:
    """An organisation's own field: retired ones too (`is_active` false), for recorded values."""
    return {
        "id": obj.pk,
        "target": obj.target,
        "kind": obj.kind,
        "label_fr": obj.label_fr,
        "label_en": obj.label_en,
        "help_fr": obj.help_fr,
        "help_en": obj.help_en,
        "position": obj.position,
        "min_value": obj.min_value,
        "max_value": obj.max_value,
        "is_active": obj.is_active,
        "choices": [
            {
                "code": c.code,
                "label_fr": c.label_fr,
                "label_en": c.label_en,
                "position": c.position,
                "is_active": c.is_active,
            }
            for c in obj.choices.all()
        ],
    }


BY_TYPE = {
    "concern": reference,
    "action": reference,
    "platform": reference,
    "hotspot": hotspot,
    "partner": partner,
    "session": session,
    "contact": contact,
    "field": custom_field,
}


def record(obj) -> dict:
    """A pushed record (contact or session) as the pull would send it."""
    return contact(obj) if isinstance(obj, Contact) else session(obj)
