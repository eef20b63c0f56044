"""Scope: a coordinator sees and changes only their organisation's teams; workers read their
team's plan; funders see none of it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from outreach import access
from outreach.choices import SessionStatus
from outreach.models import JournalEntry, OutreachSession
from outreach.services import planning
from tests.factories import (
    ContactFactory,
    CoordinatorFactory,
    FunderUserFactory,
    HotspotFactory,
    PartnerServiceFactory,
    SessionFactory,
    TeamFactory,
    UserFactory,
    sign_in,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_organisations():
    mine, theirs = TeamFactory(), TeamFactory()
    coordinator = CoordinatorFactory(organisation=mine.organisation)
    worker = UserFactory(team=mine)
    return {
        "coordinator": coordinator,
        "worker": worker,
        "my_team": mine,
        "their_team": theirs,
        "my_session": SessionFactory(team=mine),
        "their_session": SessionFactory(team=theirs),
        "my_hotspot": HotspotFactory(organisation=mine.organisation),
        "their_hotspot": HotspotFactory(organisation=theirs.organisation),
    }


def test_coordinator_querysets_hold_only_their_organisation(two_organisations):
    o = two_organisations
    user = o["coordinator"]
    assert list(access.teams_managed_by(user)) == [o["my_team"]]
    assert list(access.sessions_visible_to(user)) == [o["my_session"]]
    assert list(access.sessions_manageable_by(user)) == [o["my_session"]]
    assert list(access.hotspots_visible_to(user)) == [o["my_hotspot"]]
    shared = PartnerServiceFactory(organisation=None)
    own = PartnerServiceFactory(organisation=user.organisation)
    PartnerServiceFactory(organisation=o["their_team"].organisation)
    assert set(access.partners_visible_to(user)) == {shared, own}
    assert list(access.partners_manageable_by(user)) == [own]


def test_worker_reads_own_team_plan_but_manages_nothing(two_organisations):
    o = two_organisations
    SessionFactory(team=TeamFactory(organisation=o["my_team"].organisation))  # sister team
    worker = o["worker"]
    assert list(access.sessions_visible_to(worker)) == [o["my_session"]]
    assert not access.sessions_manageable_by(worker).exists()
    assert not access.teams_managed_by(worker).exists()
    assert not access.activity_contacts_for(worker).exists()


def test_funder_sees_nothing(two_organisations):
    funder = FunderUserFactory()
    for queryset in (
        access.teams_readable_by(funder),
        access.sessions_visible_to(funder),
        access.hotspots_visible_to(funder),
        access.partners_visible_to(funder),
        access.activity_contacts_for(funder),
        access.territories_plannable_by(funder),
    ):
        assert not queryset.exists()


def test_services_refuse_another_organisations_session(two_organisations):
    o = two_organisations
    with pytest.raises(PermissionDenied):
        planning.cancel_session(actor=o["coordinator"], session=o["their_session"])
    with pytest.raises(PermissionDenied):
        planning.copy_session(actor=o["coordinator"], source=o["their_session"], day=dt.date(2026, 12, 4))
    o["their_session"].refresh_from_db()
    assert o["their_session"].status == SessionStatus.PLANNED


@pytest.mark.parametrize("name", ["session", "session_edit", "session_copy", "route"])
def test_pages_of_another_organisations_session_are_not_found(client, two_organisations, name):
    o = two_organisations
    sign_in(client, o["coordinator"])
    assert client.get(reverse(f"planning:{name}", args=[o["their_session"].pk])).status_code == 404
    assert client.get(reverse(f"planning:{name}", args=[o["my_session"].pk])).status_code == 200


def test_cancelling_another_organisations_session_is_not_found(client, two_organisations):
    o = two_organisations
    sign_in(client, o["coordinator"])
    url = reverse("planning:session_cancel", args=[o["their_session"].pk])
    assert client.post(url).status_code == 404
    assert OutreachSession.objects.get(pk=o["their_session"].pk).status == "planned"


def test_other_organisations_hotspot_cannot_be_edited_or_routed(client, two_organisations):
    o = two_organisations
    sign_in(client, o["coordinator"])
    url = reverse("planning:hotspot_edit", args=[o["their_hotspot"].pk])
    assert client.get(url).status_code == 404
    route = reverse("planning:route", args=[o["my_session"].pk])
    page = client.get(route).content.decode()
    assert o["my_hotspot"].name in page and o["their_hotspot"].name not in page


def test_worker_reads_the_board_but_cannot_plan(client, two_organisations):
    o = two_organisations
    sign_in(client, o["worker"])
    board = client.get(reverse("planning:board"), {"week": o["my_session"].service_date})
    assert board.status_code == 200
    assert reverse("planning:session", args=[o["my_session"].pk]) in board.content.decode()
    assert reverse("planning:session", args=[o["their_session"].pk]) not in board.content.decode()
    assert client.get(reverse("planning:session", args=[o["my_session"].pk])).status_code == 200
    for name in ("session_create", "coverage", "activity", "directory_import"):
        assert client.get(reverse(f"planning:{name}")).status_code == 403, name
    assert client.get(reverse("planning:route", args=[o["my_session"].pk])).status_code == 403


@pytest.mark.parametrize("name", ["board", "hotspots", "directory", "coverage", "activity", "session_create"])
def test_funder_gets_no_planning_page(client, name):
    sign_in(client, FunderUserFactory())
    assert client.get(reverse(f"planning:{name}")).status_code == 403


def test_anonymous_is_sent_to_sign_in(client):
    response = client.get(reverse("planning:board"))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_activity_shows_own_notes_only_and_is_journaled(client, two_organisations):
    o = two_organisations
    ContactFactory(session=o["my_session"], note="met near the kiosk, follow up")
    ContactFactory(session=o["their_session"], note="other organisation note")
    sign_in(client, o["coordinator"])
    today = timezone.localdate()
    page = client.get(
        reverse("planning:activity"),
        {"start": (today - dt.timedelta(days=3)).isoformat(), "end": today.isoformat()},
    ).content.decode()
    assert "met near the kiosk" in page and "other organisation note" not in page
    assert JournalEntry.objects.filter(event="report_view", target="team activity").exists()


def test_assigning_workers_is_journaled(two_organisations):
    o = two_organisations
    session = o["my_session"]
    planning.update_session(
        actor=o["coordinator"],
        session=session,
        territory=session.territory,
        planned_start=session.planned_start,
        planned_end=session.planned_end,
        members=[o["worker"]],
    )
    entry = JournalEntry.objects.get(event="permission_change")
    assert entry.detail["added"] == [o["worker"].pk] and entry.target == f"session {session.uuid}"


def test_worker_of_another_team_cannot_be_assigned(two_organisations):
    from django.core.exceptions import ValidationError

    o = two_organisations
    stranger = UserFactory(team=o["their_team"])
    with pytest.raises(ValidationError):
        planning.create_session(
            actor=o["coordinator"],
            team=o["my_team"],
            kind="street",
            territory=o["my_session"].territory,
            planned_start=o["my_session"].planned_start,
            planned_end=o["my_session"].planned_end,
            members=[stranger],
        )
