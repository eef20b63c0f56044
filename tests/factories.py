"""Test builders (factory_boy), and the one way tests sign people in (`sign_in`, at the end).

Each test builds what it needs; nothing is shared by fixtures.
"""

from __future__ import annotations

import datetime as dt
import time
import uuid

import factory
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import hotp
from django_otp.plugins.otp_totp.models import TOTPDevice

from outreach.choices import OrganisationKind, Role, SessionKind, TerritoryLevel
from outreach.models import (
    Contact,
    FundingAgreement,
    Hotspot,
    Organisation,
    OutreachSession,
    PartnerService,
    Team,
    Territory,
    User,
)
from outreach.services import signin
from outreach.timebands import hour_band, service_date


def departement(code: str = "59") -> Territory:
    return Territory.objects.get(level=TerritoryLevel.DEPARTEMENT, code=code)


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Association {n}")
    kind = OrganisationKind.OUTREACH


class FunderFactory(OrganisationFactory):
    name = factory.Sequence(lambda n: f"Département financeur {n}")
    kind = OrganisationKind.FUNDER
    funder_kind = "departement"


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team
        skip_postgeneration_save = True

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Équipe {n}")

    @factory.post_generation
    def territories(self, create, extracted, **kwargs):
        if create:
            self.territories.set(extracted if extracted is not None else [departement("59")])


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.PostGenerationMethodCall("set_password", "correct horse battery")
    role = Role.WORKER
    team = factory.SubFactory(TeamFactory)
    organisation = factory.LazyAttribute(lambda o: o.team.organisation if o.team else None)

    @classmethod
    def _after_postgeneration(cls, instance, create, results=None):
        if create:
            instance.save()


class CoordinatorFactory(UserFactory):
    role = Role.COORDINATOR
    team = None
    organisation = factory.SubFactory(OrganisationFactory)


class FunderUserFactory(UserFactory):
    role = Role.FUNDER
    team = None
    organisation = factory.SubFactory(FunderFactory)


class AdminFactory(UserFactory):
    role = Role.ADMIN
    team = None
    organisation = None
    is_staff = True
    is_superuser = True


class HotspotFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Hotspot

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Lieu {n}")
    kind = "station"
    territory = factory.LazyFunction(lambda: departement("59"))
    latitude = "50.637"
    longitude = "3.075"


class PartnerServiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PartnerService

    name = factory.Sequence(lambda n: f"Service {n}")
    category = "child_welfare"
    territory = factory.LazyFunction(lambda: departement("59"))


def started_tonight(day_boundary_hour: int) -> dt.datetime:
    """Two hours ago, or the start of the current service day if that came later: a session made
    by the factory and its contacts then share one service date whatever the time of day the suite
    runs (before, a run between 12:00 and 13:30 in Paris put them on two days)."""
    now = timezone.now().replace(microsecond=0)
    start = now - dt.timedelta(hours=2)
    if service_date(start, day_boundary_hour) == service_date(now, day_boundary_hour):
        return start
    return timezone.localtime(now).replace(hour=day_boundary_hour, minute=0, second=0)


def met_during(session) -> dt.datetime:
    """Half an hour ago, but never before the session's start when it started in the last
    half-hour."""
    moment = timezone.now().replace(microsecond=0) - dt.timedelta(minutes=30)
    if session.planned_start <= timezone.now():
        return max(moment, session.planned_start)
    return moment


class SessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OutreachSession

    team = factory.SubFactory(TeamFactory)
    kind = SessionKind.STREET
    territory = factory.LazyFunction(lambda: departement("59"))
    planned_start = factory.LazyAttribute(lambda o: started_tonight(o.team.day_boundary_hour))
    planned_end = factory.LazyAttribute(lambda o: o.planned_start + dt.timedelta(hours=5))
    service_date = factory.LazyAttribute(lambda o: service_date(o.planned_start, o.team.day_boundary_hour))


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    uuid = factory.LazyFunction(uuid.uuid4)
    session = factory.SubFactory(SessionFactory)
    team = factory.LazyAttribute(lambda o: o.session.team)
    kind = factory.LazyAttribute(lambda o: o.session.kind)
    territory = factory.LazyAttribute(lambda o: o.session.territory)
    occurred_at = factory.LazyAttribute(lambda o: met_during(o.session))
    service_date = factory.LazyAttribute(
        lambda o: service_date(o.occurred_at, o.session.team.day_boundary_hour)
    )
    hour_band = factory.LazyAttribute(lambda o: hour_band(o.occurred_at))
    age_band = "15_17"
    gender = "girl"
    client_created_at = factory.LazyAttribute(lambda o: o.occurred_at)
    client_updated_at = factory.LazyAttribute(lambda o: o.occurred_at)


class FundingAgreementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FundingAgreement

    funder = factory.SubFactory(FunderFactory)
    reference = factory.Sequence(lambda n: f"CONV-{n:04d}")
    starts_on = dt.date(2026, 1, 1)
    ends_on = dt.date(2026, 12, 31)


# --- Signing in ----------------------------------------------------------------------------------
# THE way a test signs someone in. Administrators, coordinators and funders need a second factor
# (outreach/services/signin.py) and the test settings do not relax that: these helpers give the
# account a real authenticator device and a session that has passed it, exactly what the
# second-factor step leaves behind. Other branches: use `sign_in(client, user)` (Django test
# client) or `sign_in_browser(context, base_url, user)` (Playwright), never a bare force_login.


def authenticator(user) -> TOTPDevice:
    """The account's confirmed authenticator app (made if it has none), as after enrolment."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or TOTPDevice.objects.create(user=user, name="Test authenticator", confirmed=True)


def totp_code(device: TOTPDevice) -> str:
    """A code the device accepts now: the current one, or the next (django-otp's tolerance) when
    the current step was already used (codes are single-use)."""
    device.refresh_from_db()
    now_step = int((time.time() - device.t0) // device.step)
    step = max(now_step, device.last_t + 1)
    if step > now_step + device.tolerance:
        raise AssertionError("this authenticator was used for every code it accepts right now")
    code = hotp(device.bin_key, step, digits=device.digits)
    return str(code).zfill(device.digits)


def sign_in(client, user):
    """Sign `user` in on a Django test client, with a verified second factor when the role needs one."""
    client.force_login(user)
    if signin.requires_second_factor(user):
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = authenticator(user).persistent_id
        session.save()
    return client


def sign_in_browser(context, base_url: str, user) -> None:
    """The same, for a Playwright browser context: it receives the signed-in session's cookie."""
    from django.conf import settings
    from django.test import Client

    client = sign_in(Client(), user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": base_url}])


def planned_street_session(coordinator, team, *, day: dt.date, **extra) -> OutreachSession:
    """A street session planned by `coordinator` through the planning service, 21:00–02:00."""
    from outreach.services import planning
    from outreach.timebands import PARIS

    start = dt.datetime.combine(day, dt.time(21), tzinfo=PARIS)
    return planning.create_session(
        actor=coordinator,
        team=team,
        kind="street",
        territory=departement("59"),
        planned_start=start,
        planned_end=start + dt.timedelta(hours=5),
        **extra,
    )
