"""One door for access (outreach/access.py): every role, and another organisation's ids."""

from __future__ import annotations

import pytest
from django.http import Http404

from outreach import access
from outreach.choices import Role
from outreach.models import Contact, Device, Hotspot, OutreachSession, PartnerService, Team
from outreach.services.devices import enrol_device
from tests.factories import (
    AdminFactory,
    ContactFactory,
    CoordinatorFactory,
    FunderUserFactory,
    HotspotFactory,
    PartnerServiceFactory,
    SessionFactory,
    TeamFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    """Two organisations, each with a team, a worker, a coordinator, a session, a contact, a
    hotspot, a partner service and a phone; plus a funder and an administrator."""
    orgs = {}
    for name in ("ours", "theirs"):
        team = TeamFactory()
        worker = UserFactory(team=team)
        session = SessionFactory(team=team)
        orgs[name] = {
            "team": team,
            "worker": worker,
            "coordinator": CoordinatorFactory(organisation=team.organisation),
            "session": session,
            "contact": ContactFactory(session=session),
            "hotspot": HotspotFactory(organisation=team.organisation),
            "partner": PartnerServiceFactory(organisation=team.organisation),
            "device": enrol_device(user=worker, label="Téléphone")[0],
        }
    orgs["funder"] = FunderUserFactory()
    orgs["admin"] = AdminFactory()
    return orgs


def ids(queryset) -> set[int]:
    return set(queryset.values_list("pk", flat=True))


def test_roles_are_resolved_in_one_place(world):
    ours = world["ours"]
    assert access.role_of(ours["worker"]) == Role.WORKER
    assert access.role_of(ours["coordinator"]) == Role.COORDINATOR
    assert access.role_of(world["funder"]) == Role.FUNDER
    assert access.role_of(world["admin"]) == Role.ADMIN
    inactive = UserFactory(is_active=False)
    teamless = UserFactory.build(team=None, organisation=None)  # the database refuses it too
    stray = UserFactory.build(role=Role.COORDINATOR, team=None, organisation=None)  # not savable
    assert [access.role_of(u) for u in (inactive, teamless, stray)] == [None, None, None]


def test_a_worker_reaches_their_team_and_organisation_only(world):
    ours, theirs, worker = world["ours"], world["theirs"], world["ours"]["worker"]
    assert ids(access.teams_of(worker)) == ids(access.teams_readable_by(worker)) == {ours["team"].pk}
    assert ids(access.sessions_visible_to(worker)) == {ours["session"].pk}
    assert ids(access.contacts_visible_to(worker)) == {ours["contact"].pk}
    assert ids(access.hotspots_visible_to(worker)) == {ours["hotspot"].pk}
    assert not access.sessions_manageable_by(worker).exists()
    assert not access.devices_manageable_by(worker).exists()
    assert access.access_session(worker, ours["session"].pk) == ours["session"]
    for call in (
        lambda: access.access_session(worker, theirs["session"].pk),
        lambda: access.access_session(worker, ours["session"].pk, manage=True),
        lambda: access.access_contact(worker, theirs["contact"].uuid),
        lambda: access.access_hotspot(worker, theirs["hotspot"].pk),
        lambda: access.access_hotspot(worker, ours["hotspot"].pk, manage=True),
        lambda: access.access_partner(worker, theirs["partner"].pk),
        lambda: access.access_device(worker, ours["device"].pk),
        lambda: access.access_team(worker, ours["team"].pk),
    ):
        with pytest.raises(Http404):
            call()


def test_a_coordinator_manages_their_organisation_and_nothing_of_another(world):
    ours, theirs, coordinator = world["ours"], world["theirs"], world["ours"]["coordinator"]
    assert ids(access.teams_of(coordinator)) == ids(access.teams_managed_by(coordinator)) == {ours["team"].pk}
    assert ids(access.contacts_visible_to(coordinator)) == {ours["contact"].pk}
    assert ids(access.devices_manageable_by(coordinator)) == {ours["device"].pk}
    assert access.may_manage_devices(coordinator)
    assert access.access_session(coordinator, ours["session"].pk, manage=True) == ours["session"]
    assert access.access_hotspot(coordinator, ours["hotspot"].pk, manage=True) == ours["hotspot"]
    assert access.access_partner(coordinator, ours["partner"].pk, manage=True) == ours["partner"]
    assert access.access_device(coordinator, ours["device"].pk) == ours["device"]
    assert access.access_team(coordinator, ours["team"].pk) == ours["team"]
    for call in (
        lambda: access.access_session(coordinator, theirs["session"].pk),
        lambda: access.access_contact(coordinator, theirs["contact"].uuid),
        lambda: access.access_hotspot(coordinator, theirs["hotspot"].pk),
        lambda: access.access_partner(coordinator, theirs["partner"].pk, manage=True),
        lambda: access.access_device(coordinator, theirs["device"].pk),
        lambda: access.access_team(coordinator, theirs["team"].pk),
        lambda: access.access_member(coordinator, theirs["worker"].pk),
    ):
        with pytest.raises(Http404):
            call()
    assert access.may_import_directory(coordinator, ours["team"].organisation_id)
    assert not access.may_import_directory(coordinator, theirs["team"].organisation_id)


def test_a_funder_gets_no_rows_at_all(world):
    funder = world["funder"]
    for queryset in (
        access.teams_of(funder),
        access.teams_readable_by(funder),
        access.sessions_visible_to(funder),
        access.contacts_visible_to(funder),
        access.hotspots_visible_to(funder),
        access.hotspots_usable_by(funder),
        access.partners_visible_to(funder),
        access.devices_manageable_by(funder),
    ):
        assert not queryset.exists()
    assert not access.may_manage_devices(funder)
    with pytest.raises(Http404):
        access.access_contact(funder, world["ours"]["contact"].uuid)


def test_an_administrator_manages_devices_and_accounts_but_acts_for_no_team(world):
    admin = world["admin"]
    # teams_of and teams_readable_by agree: no field team, no contact rows outside the back office.
    assert not access.teams_of(admin).exists() and not access.teams_readable_by(admin).exists()
    assert not access.contacts_visible_to(admin).exists()
    assert not access.sessions_writable_by(admin).exists()
    assert access.may_manage_devices(admin)
    assert ids(access.devices_manageable_by(admin)) == ids(Device.objects.all())
    assert access.access_device(admin, world["theirs"]["device"].pk)
    assert access.access_member(admin, world["theirs"]["worker"].pk)
    assert access.may_import_directory(admin, world["theirs"]["team"].organisation_id)


def test_the_device_pages_and_api_use_the_same_door(client, world):
    from tests.factories import sign_in

    theirs = world["theirs"]
    sign_in(client, world["ours"]["coordinator"])
    assert client.post(f"/devices/{theirs['device'].pk}/revoke/").status_code == 404
    sign_in(client, world["funder"])
    assert client.get("/devices/").status_code == 403
    assert client.get("/api/v1/devices/").status_code == 403
    theirs["device"].refresh_from_db()
    assert theirs["device"].revoked_at is None
    assert Team.objects.count() == 2 and Hotspot.objects.count() == 2
    assert OutreachSession.objects.count() == 2 and Contact.objects.count() == 2
    assert PartnerService.objects.count() == 2
