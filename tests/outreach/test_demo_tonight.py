"""A newcomer's first night: demo-worker always has a session planned for the evening the demo runs."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import timezone

from outreach.demo.generate import build_demo
from outreach.demo.tonight import ensure_tonight
from outreach.models import OutreachSession, User
from outreach.timebands import PARIS
from tests.api.sync_helpers import PULL, device_client

pytestmark = pytest.mark.django_db
MONDAY = dt.date(2026, 11, 23)  # no street night in the demo calendar on Mondays
TUESDAY = dt.date(2026, 11, 24)  # one on Tuesdays


def tonight_sessions(day: dt.date):
    worker = User.objects.get(username="demo-worker")
    return OutreachSession.objects.filter(team=worker.team, service_date=day, kind="street")


def test_a_new_demo_plans_tonight_for_the_demo_worker_from_the_teams_base():
    build_demo(contacts=0, months=1, seed=5, until=MONDAY)
    assert not tonight_sessions(MONDAY).exists()

    session = ensure_tonight(today=MONDAY)

    assert session.status == "planned" and session.service_date == MONDAY
    assert session.planned_start.astimezone(PARIS).time() == dt.time(21)
    assert list(session.members.values_list("username", flat=True)) == ["demo-worker"]
    assert session.route_stops.count() == 4
    assert session.start_kind == "base" and session.team.base_name.startswith("Local Prévention Nord")
    # Planned through the services, as a coordinator would: journalled, ordered, versioned.
    assert session.created_by.username == "demo-coordinator" and session.version > 1
    # Running it again changes nothing.
    assert ensure_tonight(today=MONDAY) == session and tonight_sessions(MONDAY).count() == 1


def test_on_a_demo_night_the_planned_session_is_used_and_the_demo_worker_is_in_it():
    build_demo(contacts=0, months=1, seed=5, until=TUESDAY)
    planned = tonight_sessions(TUESDAY).get()
    session = ensure_tonight(today=TUESDAY)
    assert session == planned and tonight_sessions(TUESDAY).count() == 1
    assert session.members.filter(username="demo-worker").exists()


def test_a_demo_database_from_an_earlier_day_still_gets_tonights_session(capsys):
    today = timezone.localdate()
    build_demo(contacts=0, months=1, seed=5, until=today - dt.timedelta(days=12))
    assert not tonight_sessions(today).filter(members__username="demo-worker").exists()

    call_command("seed_demo", "--if-empty")

    out = capsys.readouterr().out
    assert "nothing to do" in out and "Tonight:" in out and "demo-worker" in out
    session = tonight_sessions(today).get(members__username="demo-worker")
    # The phone receives it on its first pull.
    client, _device = device_client(User.objects.get(username="demo-worker"))
    seen = ""
    cursor = None
    while True:
        body = client.get(PULL + (f"?cursor={cursor}" if cursor else "")).json()
        seen += str(body)
        cursor = body["cursor"]
        if not body["more"]:
            break
    assert str(session.uuid) in seen


def test_without_demo_accounts_nothing_is_planned():
    assert ensure_tonight(today=MONDAY) is None
    assert not OutreachSession.objects.exists()
