"""Deterministic demo data: a few organisations, months of sessions, contacts at any scale.

The same seed and end date give the same data. Contacts go in with bulk inserts so that
`seed_demo --contacts 1000000` finishes in minutes on PostgreSQL (see bench/).
"""

from __future__ import annotations

import datetime as dt
import random
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django_otp.plugins.otp_totp.models import TOTPDevice

from outreach.choices import OrganisationKind, Role, SessionKind, SessionStatus, TerritoryLevel
from outreach.demo import catalogue
from outreach.demo.bulk import bulk_insert
from outreach.models import (
    Action,
    Concern,
    Contact,
    DigitalSlot,
    FundingAgreement,
    Hotspot,
    Organisation,
    Orientation,
    OutreachSession,
    PartnerService,
    PlatformCategory,
    RouteStop,
    SlotRequest,
    TallyMark,
    Team,
    Territory,
    User,
)
from outreach.models.counts import SLOT_REQUEST_CATEGORIES
from outreach.rules.contacts import ContactRefs, validate_contact
from outreach.timebands import PARIS, hour_band, service_date

DEMO_PASSWORD = "maraude-demo-2026"  # noqa: S105 — printed to the person running the demo
DEMO_ACCOUNTS = {
    Role.WORKER: "demo-worker",
    Role.COORDINATOR: "demo-coordinator",
    Role.FUNDER: "demo-funder",
    Role.ADMIN: "demo-admin",
}
# The demo's shared authenticator key (hex). Known to anyone: demo data only, like the password.
DEMO_TOTP_KEY = "4d6172617564652064656d6f20324641206b6579"
CHUNK = 5000

# Street nights and digital slots each week: (weekday, start hour, duration in hours).
STREET_SLOTS = [(1, 21, 5), (3, 21, 5), (4, 22, 5)]
DIGITAL_SLOTS = [(0, 17, 4), (2, 17, 4), (5, 14, 4)]


@dataclass
class DemoSummary:
    organisations: int = 0
    teams: int = 0
    sessions: int = 0
    contacts: int = 0
    accounts: dict[str, str] = field(default_factory=dict)
    password: str = DEMO_PASSWORD


def _weighted(rng: random.Random, pairs: list[tuple[str, int]]) -> str:
    return rng.choices([p[0] for p in pairs], weights=[p[1] for p in pairs])[0]


def _uuid(rng: random.Random) -> uuid.UUID:
    return uuid.UUID(int=rng.getrandbits(128), version=4)


def _user(username: str, *, role: str, password_hash: str, organisation=None, team=None, **extra) -> User:
    return User.objects.create(
        username=username, role=role, organisation=organisation, team=team, password=password_hash, **extra
    )


def _world(rng: random.Random, summary: DemoSummary) -> list[Team]:
    """Organisations, teams, sectors, hotspots, partners, funders, agreements and accounts."""
    france = Territory.objects.get(level=TerritoryLevel.NATIONAL)
    # Hashing is deliberately slow: hash the shared demo password once for every account.
    pw = make_password(DEMO_PASSWORD)
    deps = {t.code: t for t in Territory.objects.departements()}
    teams: list[Team] = []
    for spec in catalogue.ORGANISATIONS:
        dep = deps[spec["departement"]]
        org = Organisation.objects.create(name=spec["name"], kind=OrganisationKind.OUTREACH)
        summary.organisations += 1
        sectors = []
        for sector_name, places in spec["sectors"].items():
            sector = Territory.objects.create(
                level=TerritoryLevel.SECTOR,
                code=slugify(sector_name)[:32],
                name=sector_name,
                parent=dep,
                organisation=org,
            )
            sectors.append(sector)
            Hotspot.objects.bulk_create(
                Hotspot(organisation=org, name=name, kind=kind, territory=sector, latitude=lat, longitude=lon)
                for name, kind, lat, lon in places
            )
        for team_name, _kind in spec["teams"]:
            base = {}
            if _kind == SessionKind.STREET:
                name, latitude, longitude = spec["base"]
                base = {"base_name": name, "base_latitude": latitude, "base_longitude": longitude}
            team = Team.objects.create(organisation=org, name=team_name, **base)
            team.territories.set([dep, *sectors])
            team.demo_kind = _kind
            teams.append(team)
            for n in (1, 2, 3):
                _user(
                    f"{slugify(team_name)}-{n}",
                    role=Role.WORKER,
                    organisation=org,
                    team=team,
                    password_hash=pw,
                )
        _user(f"coord-{slugify(org.name)}"[:150], role=Role.COORDINATOR, organisation=org, password_hash=pw)
        for name, category, _where, night, minors, phone, hours in catalogue.PARTNERS:
            if _where is None:
                continue
            PartnerService.objects.create(
                organisation=org,
                name=f"{name} — {dep.name}",
                category=category,
                territory=dep,
                open_at_night=night,
                accepts_unaccompanied_minors=minors,
                phone=phone,
                opening_hours=hours,
                eligibility_codes=[dep.code],
                source="demo",
            )
    for name, category, where, night, minors, phone, hours in catalogue.PARTNERS:
        if where is None:
            PartnerService.objects.create(
                name=name,
                category=category,
                territory=france,
                open_at_night=night,
                accepts_unaccompanied_minors=minors,
                phone=phone,
                opening_hours=hours,
                source="demo",
            )
    summary.teams = len(teams)

    orgs = {o.name: o for o in Organisation.objects.filter(kind=OrganisationKind.OUTREACH)}
    territory_by_key = {(t.level, t.code): t for t in Territory.objects.exclude(level=TerritoryLevel.SECTOR)}
    for name, funder_kind, funded, territory_keys in catalogue.FUNDERS:
        funder = Organisation.objects.create(name=name, kind=OrganisationKind.FUNDER, funder_kind=funder_kind)
        year = timezone.localdate().year
        agreement = FundingAgreement.objects.create(
            funder=funder,
            reference=f"Convention {year - 1}–{year + 1}",
            starts_on=dt.date(year - 1, 1, 1),
            ends_on=dt.date(year + 1, 12, 31),
        )
        agreement.funded.set([orgs[o] for o in funded])
        agreement.territories.set([territory_by_key[k] for k in territory_keys])

    # One demo account per role, named so a newcomer can guess them.
    lille = teams[0]
    _user(
        DEMO_ACCOUNTS[Role.WORKER],
        role=Role.WORKER,
        organisation=lille.organisation,
        team=lille,
        password_hash=pw,
    )
    _user(
        DEMO_ACCOUNTS[Role.COORDINATOR],
        role=Role.COORDINATOR,
        organisation=lille.organisation,
        password_hash=pw,
    )
    _user(
        DEMO_ACCOUNTS[Role.FUNDER],
        role=Role.FUNDER,
        password_hash=pw,
        organisation=Organisation.objects.get(name=catalogue.FUNDERS[0][0]),
    )
    _user(DEMO_ACCOUNTS[Role.ADMIN], role=Role.ADMIN, password_hash=pw, is_staff=True, is_superuser=True)
    summary.accounts = {str(role): username for role, username in DEMO_ACCOUNTS.items()}
    _demo_second_factors()
    return teams


def _demo_second_factors() -> None:
    """Demo staff accounts share one known authenticator key (`manage.py demo_code` prints the
    current code), so someone trying Maraude passes the second factor without an app."""
    staff = User.objects.filter(role__in=[Role.COORDINATOR, Role.FUNDER, Role.ADMIN])
    TOTPDevice.objects.bulk_create(
        TOTPDevice(user=user, name="Demo authenticator", key=catalogue.DEMO_TOTP_KEY, confirmed=True)
        for user in staff
    )


def _sessions(rng: random.Random, teams: list[Team], *, until: dt.date, months: int) -> list[OutreachSession]:
    first_day = until - dt.timedelta(days=int(months * 30.5))
    platforms = list(PlatformCategory.objects.filter(code__in=[p for p, _ in catalogue.PLATFORMS]))
    sessions, stops, slots, memberships = [], [], [], []
    for team in teams:
        kind = team.demo_kind
        territory = team.territories.get(level=TerritoryLevel.DEPARTEMENT)
        workers = list(team.members.all())
        hotspots = list(Hotspot.objects.filter(organisation=team.organisation))
        day = first_day
        while day <= until + dt.timedelta(days=7):
            for weekday, hour, hours in STREET_SLOTS if kind == SessionKind.STREET else DIGITAL_SLOTS:
                if day.weekday() != weekday:
                    continue
                start = dt.datetime.combine(day, dt.time(hour), tzinfo=PARIS)
                end = start + dt.timedelta(hours=hours)
                past = day < until
                session = OutreachSession(
                    uuid=_uuid(rng),
                    team=team,
                    kind=kind,
                    territory=territory,
                    planned_start=start,
                    planned_end=end,
                    service_date=service_date(start, team.day_boundary_hour),
                    status=SessionStatus.DONE if past else SessionStatus.PLANNED,
                    title=f"{team.name} {day:%d/%m}",
                )
                if past:
                    session.started_at = start + dt.timedelta(minutes=rng.randint(0, 20))
                    session.ended_at = end + dt.timedelta(minutes=rng.randint(-30, 30))
                    session.young_people_seen = rng.randint(3, 40)
                    session.atmosphere = _weighted(rng, [("calm", 6), ("tense", 3), ("very_tense", 1)])
                    session.recruiters_present = _weighted(rng, [("yes", 2), ("no", 5), ("unknown", 3)])
                    session.clients_present = _weighted(rng, [("yes", 3), ("no", 4), ("unknown", 3)])
                    session.police_present = _weighted(rng, [("yes", 3), ("no", 6), ("unknown", 1)])
                    session.material_handed_out = rng.randint(0, 60)
                sessions.append(session)
            day += dt.timedelta(days=1)
        team_sessions = [s for s in sessions if s.team_id == team.pk]
        for session in team_sessions:
            if kind == SessionKind.STREET and session.status == SessionStatus.PLANNED:
                for position, hotspot in enumerate(rng.sample(hotspots, k=min(3, len(hotspots))), start=1):
                    stops.append((session, hotspot, position))
            if kind == SessionKind.DIGITAL:
                for platform in rng.sample(platforms, k=2):
                    spotted = rng.randint(5, 60) if session.status == SessionStatus.DONE else 0
                    messages = rng.randint(0, spotted)
                    slots.append((session, platform, spotted, messages, rng.randint(0, messages)))
            for worker in rng.sample(workers, k=min(2, len(workers))):
                memberships.append((session, worker))
    OutreachSession.objects.bulk_create(sessions, batch_size=CHUNK)
    RouteStop.objects.bulk_create(
        RouteStop(session=s, hotspot=h, position=p, minutes_planned=20) for s, h, p in stops
    )
    DigitalSlot.objects.bulk_create(
        DigitalSlot(
            session=s,
            platform=p,
            starts_at=s.planned_start,
            ends_at=s.planned_end,
            profiles_spotted=a,
            messages_sent=b,
            conversations=c,
        )
        for s, p, a, b, c in slots
    )
    Through = OutreachSession.members.through
    Through.objects.bulk_create(Through(outreachsession_id=s.pk, user_id=u.pk) for s, u in memberships)
    return sessions


def _contacts(
    rng: random.Random, sessions: list[OutreachSession], total: int
) -> Iterator[tuple[Contact, list[int], list[int], list[int]]]:
    """Yield contacts with their concern, action and orientation ids, spread over done sessions."""
    done = [s for s in sessions if s.status == SessionStatus.DONE]
    if not done or total <= 0:
        return
    concerns = {c.code: c for c in Concern.objects.all()}
    actions = {a.code: a for a in Action.objects.all()}
    platforms = {p.code: p.pk for p in PlatformCategory.objects.all()}
    platform_codes = {pk: code for code, pk in platforms.items()}
    hotspots_by_org: dict[int, list[Hotspot]] = {}
    for hotspot in Hotspot.objects.all():
        hotspots_by_org.setdefault(hotspot.organisation_id, []).append(hotspot)
    partners_by_dep: dict[int, list[int]] = {}
    for partner in PartnerService.objects.filter(organisation__isnull=False):
        partners_by_dep.setdefault(partner.territory_id, []).append(partner.pk)
    refs = ContactRefs(
        concerns=concerns,
        actions=actions,
        platforms={code: code for code in platforms},
        hotspots={h.pk: h for hs in hotspots_by_org.values() for h in hs},
        partners={pk: pk for pks in partners_by_dep.values() for pk in pks},
    )
    orgs = {t.pk: t.organisation_id for t in Team.objects.all()}
    boundaries = {t.pk: t.day_boundary_hour for t in Team.objects.all()}
    # A pool of pseudonymous codes per team: about a third of young people are met again.
    code_pools: dict[int, list[str]] = {}
    weights = [rng.uniform(0.3, 1.7) for _ in done]
    for session in rng.choices(done, weights=weights, k=total):
        span = (session.ended_at - session.started_at).total_seconds()
        occurred = session.started_at + dt.timedelta(seconds=rng.uniform(0, span))
        occurred = occurred.replace(microsecond=0)
        level = "seen" if rng.random() < 0.2 else "exchange"
        pool = code_pools.setdefault(session.team_id, [])
        person_code, first = "", True
        if level == "exchange" and rng.random() < 0.6:
            if pool and rng.random() < 0.35:
                person_code, first = rng.choice(pool), False
            else:
                person_code = (
                    f"{chr(65 + rng.randrange(26))}{chr(65 + rng.randrange(26))}{rng.randrange(100, 999)}"
                )
                pool.append(person_code)
        street = session.kind == SessionKind.STREET
        hotspot = rng.choice(hotspots_by_org[orgs[session.team_id]]) if street else None
        contact = Contact(
            uuid=_uuid(rng),
            session_id=session.pk,
            team_id=session.team_id,
            kind=session.kind,
            occurred_at=occurred,
            service_date=service_date(occurred, boundaries[session.team_id]),
            hour_band=hour_band(occurred),
            territory_id=hotspot.territory_id if hotspot else session.territory_id,
            hotspot=hotspot,
            platform_id=None if street else platforms[_weighted(rng, catalogue.PLATFORMS)],
            conversation_established=None if street else rng.random() < 0.6,
            request_category="" if street else _weighted(rng, catalogue.REQUESTS),
            level=level,
            person_code=person_code,
            age_band=_weighted(rng, catalogue.AGE_BANDS),
            gender=_weighted(rng, catalogue.GENDERS),
            is_first_contact=first,
            known_to_child_welfare=_weighted(rng, catalogue.KNOWN_TO_ASE),
            note=rng.choice(catalogue.NOTES) if rng.random() < 0.1 else "",
            client_created_at=occurred,
            client_updated_at=occurred,
        )
        concern_codes, action_codes, partner_ids = [], [], []
        if level == "exchange":
            concern_codes = [c for c, p in catalogue.CONCERN_SHARES.items() if rng.random() < p]
            action_codes = [a for a, p in catalogue.ACTION_SHARES.items() if rng.random() < p]
            if "orientation" in action_codes:
                partner_ids = [rng.choice(partners_by_dep[session.territory_id])]
        else:
            action_codes = ["prevention_material"] if rng.random() < 0.5 else []
        # The demo obeys the contact rules like every other writer (outreach/rules/contacts.py).
        validate_contact(
            {
                "occurred_at": contact.occurred_at,
                "hotspot": hotspot.pk if hotspot else None,
                "platform": contact.platform_id and platform_codes[contact.platform_id],
                "conversation_established": contact.conversation_established,
                "request_category": contact.request_category,
                "level": level,
                "person_code": person_code,
                "age_band": contact.age_band,
                "gender": contact.gender,
                "is_first_contact": first,
                "known_to_child_welfare": contact.known_to_child_welfare,
                "note": contact.note,
                "concerns": concern_codes,
                "actions": action_codes,
                "orientations": partner_ids,
            },
            partial=False,
            session=session,
            refs=refs,
            latest=session.ended_at,
        )
        concern_ids = [concerns[c].pk for c in concern_codes]
        action_ids = [actions[a].pk for a in action_codes]
        yield contact, concern_ids, action_ids, partner_ids


def _insert_contacts(rows: list[tuple[Contact, list[int], list[int], list[int]]]) -> None:
    with transaction.atomic():
        created = bulk_insert(Contact, [r[0] for r in rows])
        pairs = list(zip(created, rows, strict=True))
        ConcernLink, ActionLink = Contact.concerns.through, Contact.actions.through
        bulk_insert(
            ConcernLink, [ConcernLink(contact_id=c.pk, concern_id=i) for c, row in pairs for i in row[1]]
        )
        bulk_insert(
            ActionLink, [ActionLink(contact_id=c.pk, action_id=i) for c, row in pairs for i in row[2]]
        )
        bulk_insert(
            Orientation, [Orientation(contact_id=c.pk, partner_id=i) for c, row in pairs for i in row[3]]
        )


def _field_counts(rng: random.Random, sessions: list[OutreachSession]) -> None:
    """Head count taps on past street nights; requests and orientations in past digital slots."""
    done = [s for s in sessions if s.status == SessionStatus.DONE]
    marks = []
    for session in done:
        if session.kind != SessionKind.STREET:
            continue
        span = int((session.ended_at - session.started_at).total_seconds())
        for _ in range(rng.randint(0, 12)):
            marks.append(
                TallyMark(
                    uuid=_uuid(rng),
                    session_id=session.pk,
                    age_band=_weighted(rng, [("13_14", 2), ("15_17", 5), ("18_21", 2), ("unknown", 1)]),
                    gender=_weighted(rng, [("girl", 6), ("boy", 3), ("unknown", 1)]),
                    tapped_at=session.started_at + dt.timedelta(seconds=rng.randrange(max(span, 1))),
                )
            )
    bulk_insert(TallyMark, marks)
    slots = list(DigitalSlot.objects.filter(session__in=[s.pk for s in done]).order_by("pk"))
    requests = []
    for slot in slots:
        left = slot.conversations
        for category in rng.sample(SLOT_REQUEST_CATEGORIES, k=2):
            n = rng.randint(0, left)
            left -= n
            if n:
                requests.append(SlotRequest(slot=slot, category=category, count=n))
        slot.orientations = rng.randint(0, slot.conversations // 2)
    DigitalSlot.objects.bulk_update(slots, ["orientations"], batch_size=CHUNK)
    bulk_insert(SlotRequest, requests)


def build_demo(
    *,
    contacts: int = 3000,
    months: int = 6,
    seed: int = 2021,
    until: dt.date | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> DemoSummary:
    """Create the demo world in an empty database. `until` (default today) anchors the calendar."""
    rng = random.Random(seed)
    until = until or timezone.localdate()
    summary = DemoSummary()
    with transaction.atomic():
        teams = _world(rng, summary)
        sessions = _sessions(rng, teams, until=until, months=months)
        # Its own generator: the contacts below stay the same whatever the counts draw.
        _field_counts(random.Random(seed + 1), sessions)
    summary.sessions = len(sessions)
    batch: list = []
    for row in _contacts(rng, sessions, contacts):
        batch.append(row)
        if len(batch) == CHUNK:
            _insert_contacts(batch)
            summary.contacts += len(batch)
            batch = []
            if progress:
                progress(summary.contacts, contacts)
    if batch:
        _insert_contacts(batch)
        summary.contacts += len(batch)
    return summary
