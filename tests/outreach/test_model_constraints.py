"""The database itself refuses invalid rows, whatever code path writes them."""

import datetime as dt
import uuid

import pytest
from django.db import IntegrityError, transaction

from outreach.choices import TerritoryLevel
from outreach.models import Contact, FundingAgreement, OutreachSession, Territory
from tests.factories import (
    ContactFactory,
    FunderFactory,
    HotspotFactory,
    OrganisationFactory,
    SessionFactory,
    TeamFactory,
    UserFactory,
    departement,
)

pytestmark = pytest.mark.django_db


def refused(fn):
    with pytest.raises(IntegrityError), transaction.atomic():
        fn()
    return True


def test_a_contact_uuid_is_unique():
    contact = ContactFactory()
    assert refused(lambda: ContactFactory(uuid=contact.uuid, session=contact.session))


@pytest.mark.parametrize(
    ("field", "value"),
    [("age_band", "twelve"), ("gender", "x"), ("kind", "phone"), ("level", "met"), ("hour_band", "25_26")],
)
def test_contact_enums_are_checked_by_the_database(field, value):
    contact = ContactFactory()
    assert refused(lambda: Contact.objects.filter(pk=contact.pk).update(**{field: value}))


def test_a_street_contact_has_no_platform_and_a_digital_one_no_hotspot():
    street = ContactFactory()
    digital = ContactFactory(session=SessionFactory(kind="digital"))
    from outreach.models import PlatformCategory

    platform = PlatformCategory.objects.first()
    assert refused(lambda: Contact.objects.filter(pk=street.pk).update(platform=platform))
    hotspot = HotspotFactory(organisation=digital.team.organisation)
    assert refused(lambda: Contact.objects.filter(pk=digital.pk).update(hotspot=hotspot))


def test_a_young_person_only_seen_carries_no_person_code():
    contact = ContactFactory(level="seen")
    assert refused(lambda: Contact.objects.filter(pk=contact.pk).update(person_code="AB123"))


def test_a_session_cannot_end_before_it_starts():
    session = SessionFactory()
    assert refused(
        lambda: OutreachSession.objects.filter(pk=session.pk).update(planned_end=session.planned_start)
    )
    start = session.planned_start
    assert refused(
        lambda: OutreachSession.objects.filter(pk=session.pk).update(
            started_at=start, ended_at=start - dt.timedelta(minutes=1)
        )
    )


def test_a_done_session_has_its_actual_times():
    session = SessionFactory()
    assert refused(lambda: OutreachSession.objects.filter(pk=session.pk).update(status="done"))


def test_a_worker_must_belong_to_a_team():
    assert refused(lambda: UserFactory(team=None, organisation=OrganisationFactory()))


def test_official_territory_codes_are_unique_per_level_but_sectors_per_organisation():
    dep = departement("59")
    assert refused(
        lambda: Territory.objects.create(
            level=TerritoryLevel.DEPARTEMENT, code="59", name="x", parent=dep.parent
        )
    )
    org = OrganisationFactory()
    Territory.objects.create(
        level=TerritoryLevel.SECTOR, code="gare", name="Gare", parent=dep, organisation=org
    )
    Territory.objects.create(
        level=TerritoryLevel.SECTOR, code="gare", name="Gare", parent=dep, organisation=OrganisationFactory()
    )
    assert refused(
        lambda: Territory.objects.create(
            level=TerritoryLevel.SECTOR, code="gare", name="Gare 2", parent=dep, organisation=org
        )
    )


def test_a_sector_is_drawn_by_an_organisation_and_only_the_root_has_no_parent():
    dep = departement("75")
    assert refused(
        lambda: Territory.objects.create(level=TerritoryLevel.SECTOR, code="s", name="s", parent=dep)
    )
    assert refused(lambda: Territory.objects.create(level=TerritoryLevel.COMMUNE, code="75056", name="Paris"))


def test_a_funding_period_cannot_end_before_it_starts():
    funder = FunderFactory()
    assert refused(
        lambda: FundingAgreement.objects.create(
            funder=funder, reference="X", starts_on=dt.date(2026, 5, 1), ends_on=dt.date(2026, 4, 30)
        )
    )


def test_only_funders_have_a_funder_kind():
    assert refused(lambda: OrganisationFactory(funder_kind="state"))


def test_hotspot_coordinates_must_be_on_earth():
    assert refused(lambda: HotspotFactory(latitude="91.000"))


def test_team_names_are_unique_within_an_organisation():
    team = TeamFactory()
    assert refused(lambda: TeamFactory(organisation=team.organisation, name=team.name))


def test_unknown_uuid_generation_is_not_the_servers_job():
    # Contacts carry the phone's UUID; the model offers no default so none can be invented silently.
    assert Contact._meta.get_field("uuid").has_default() is False
    assert uuid.UUID(str(ContactFactory().uuid)).version == 4
