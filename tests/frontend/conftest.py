"""Browser fixtures: Debian's Chromium driven by Python Playwright, at phone size, against the
live server, plus a team with a planned session, places and a directory to work with."""

from __future__ import annotations

import datetime as dt
import json
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.frontend.chromium import CHROMIUM, CHROMIUM_ARGS

PHONE = {"width": 390, "height": 844}
AXE = Path(__file__).parent / "node_modules" / "axe-core" / "axe.min.js"
PIN = "482915"
PASSWORD = "correct horse battery"


@pytest.fixture(scope="session", autouse=True)
def _patient_expectations():
    """Several test runs may share two cores: give assertions on the page time (they return as soon as
    the condition holds, so a fast machine pays nothing)."""
    from playwright.sync_api import expect

    expect.set_options(timeout=40_000)


@pytest.fixture(scope="module")
def browser(_database_snapshot, django_db_blocker):
    """One Chromium per test module.

    Playwright's sync API keeps an event loop running in the test thread, under which Django
    refuses ORM calls; the tests' ORM calls are plain synchronous code (the live server has its
    own threads), so they are allowed while, and only while, Playwright runs: the variable is
    set here and removed with the browser, so it never leaks into other tests or subprocesses.
    """
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed (make chromium)")
    from django.db import connections
    from playwright.sync_api import sync_playwright

    env = pytest.MonkeyPatch()
    env.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
            yield browser
            browser.close()
            # ORM calls made under Playwright's loop used their own connection: close it.
            connections.close_all()
    finally:
        env.undo()
    reset_database(_database_snapshot, django_db_blocker)


def reset_database(snapshot: str, django_db_blocker) -> None:
    """Leaves the database exactly as migrations made it, for the tests that follow.

    The flushes after these tests ran under Playwright's loop, on a connection without Django's
    snapshot, so post_migrate rebuilt content types and permissions with new ids; other
    transactional tests restore the snapshot by id and would collide with them.
    """
    from django.core.management import call_command
    from django.db import connection

    with django_db_blocker.unblock():
        # Sequences keep going (as in Django's own flushes): ids restored from the snapshot
        # must not be handed out again to new rows.
        call_command(
            "flush",
            verbosity=0,
            interactive=False,
            inhibit_post_migrate=True,
            reset_sequences=False,
        )
        connection.creation.deserialize_db_from_string(snapshot)


@pytest.fixture(scope="session")
def _database_snapshot(django_db_setup, django_db_blocker) -> str:
    """The test database as migrations left it (Django's serialized-rollback snapshot).

    pytest-django took it when it created the test database (other tests may have flushed the
    tables since); it is taken now only if it did not.
    """
    from django.db import connection

    taken = getattr(connection, "_test_serialized_contents", None)
    if taken is None:
        with django_db_blocker.unblock():
            taken = connection.creation.serialize_db_to_string()
    return taken


@pytest.fixture(scope="session")
def _migrated_data(_database_snapshot) -> str:
    """What the outreach data migrations created (territories, reference lists), as JSON."""
    return json.dumps([o for o in json.loads(_database_snapshot) if o["model"].startswith("outreach.")])


def restore_migrated_data(data: str) -> None:
    """Puts back what a flush removed from the data migrations (not what post_migrate rebuilds)."""
    from django.core import serializers
    from django.db import connection, transaction

    with transaction.atomic(), connection.constraint_checks_disabled():
        for obj in serializers.deserialize("json", data):
            obj.save()


@pytest.fixture(autouse=True)
def _test_database_before_live_server(django_db_setup, _migrated_data):
    """Set up the test database before the (session-wide) live server starts: started earlier,
    it would see the settings' in-memory SQLite and share one connection between its threads."""


@pytest.fixture
def context(browser, transactional_db, live_server):
    # Depends on the live server and the database so that it closes first: a page still
    # syncing while the test database is flushed would race the server's threads.
    context = browser.new_context(
        viewport=PHONE,
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        locale="fr-FR",
        service_workers="allow",
        accept_downloads=True,
    )
    context.set_default_timeout(45_000)
    yield context
    context.close()
    wait_for_live_server_requests()


def wait_for_live_server_requests(timeout: float = 15) -> None:
    """Waits (polling a condition) until the live server has finished the requests the closed
    browser left in flight, so the test database is never flushed under a running sync."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and any(
        "process_request_thread" in thread.name and thread.is_alive() for thread in threading.enumerate()
    ):
        time.sleep(0.02)


@pytest.fixture
def page(context):
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    yield page
    assert not errors, f"JavaScript errors in the page: {errors}"


@dataclass
class World:
    worker: object
    team: object
    session: object
    hotspots: list
    partners: list


@pytest.fixture
def world(transactional_db, _migrated_data):
    from django.utils import timezone

    from outreach.models import Territory

    # Transactional tests end with a flush, which also empties what data migrations created
    # (territories, reference lists): bring it back.
    if not Territory.objects.exists():
        restore_migrated_data(_migrated_data)

    from outreach.models import RouteStop
    from tests.factories import (
        HotspotFactory,
        PartnerServiceFactory,
        SessionFactory,
        TeamFactory,
        UserFactory,
    )

    team = TeamFactory(name="Équipe Nord")
    worker = UserFactory(username="lea", team=team)
    org = team.organisation
    hotspots = [
        HotspotFactory(organisation=org, name="Gare Lille-Flandres"),
        HotspotFactory(organisation=org, name="Parc Jean-Baptiste Lebas"),
    ]
    partners = [
        PartnerServiceFactory(
            organisation=org, name="Accueil de jour Nord", category="shelter", open_at_night=True
        ),
        PartnerServiceFactory(organisation=org, name="ASE du Nord", category="child_welfare"),
    ]
    start = timezone.now().replace(microsecond=0) - dt.timedelta(hours=1)
    session = SessionFactory(
        team=team, title="Maraude gare", planned_start=start, planned_end=start + dt.timedelta(hours=6)
    )
    for position, hotspot in enumerate(hotspots, start=1):
        RouteStop.objects.create(session=session, hotspot=hotspot, position=position)
    return World(worker=worker, team=team, session=session, hotspots=hotspots, partners=partners)


@pytest.fixture
def axe_source():
    if not AXE.exists():
        pytest.skip("axe-core is not installed: run `npm install` in tests/frontend")
    return AXE.read_text(encoding="utf-8")
