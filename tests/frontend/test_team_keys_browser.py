"""Team notes and person codes the server cannot read (ADR 010), end to end in Chromium: a
second phone receives the team key from the first and reads its notes, the coordinator reads
them on the desk, a revoked phone's key is not used for new notes, distinct persons are counted
as plain codes counted them, and no table of the database holds a typed note or code."""

from __future__ import annotations

import time

import pytest
from django.db import connection
from playwright.sync_api import expect

from outreach.models import Contact, Device, OutreachSession, Team, TeamKey, WrappedTeamKey
from outreach.services.devices import revoke_device
from tests.factories import ContactFactory, CoordinatorFactory, UserFactory, sign_in_browser
from tests.frontend.conftest import PHONE, PIN
from tests.frontend.fieldapp import log_contact, open_tab, sign_in, start_planned_session

pytestmark = [pytest.mark.browser, pytest.mark.slow]

NOTES = ["Vue près de la gare, fatiguée, revient demain", "Cherche un hébergement pour la nuit"]
CODES = ["LUNE-7", "SOLEIL-3"]
OLD_TEXTS = ["Ancienne note du carnet de maraude", "Ancien compte rendu, nuit calme"]


def phone(browser):
    return browser.new_context(
        viewport=PHONE, is_mobile=True, has_touch=True, locale="fr-FR", service_workers="allow"
    )


def database_text() -> str:
    """Every column of every row of every table, as text: what a dump or a backup holds."""
    chunks = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608 (table names from introspection)
            chunks.extend(str(row) for row in cursor.fetchall())
    return "\n".join(chunks)


def sync_until(page, check, timeout: float = 40) -> None:
    """Sync the phone again until `check()` holds (the Sync button returns before the sync ends)."""
    deadline = time.monotonic() + timeout
    open_tab(page, "Synchro")
    while not check():
        assert time.monotonic() < deadline, "the server never saw the expected state"
        button = page.get_by_role("button", name="Synchroniser")
        if button.is_enabled():
            button.click()
        time.sleep(0.5)


def key_state(page) -> str:
    open_tab(page, "Synchro")
    return page.locator("#team-key").get_attribute("data-key-state")


def test_second_phone_gets_the_key_and_nothing_readable_reaches_the_database(
    page, browser, live_server, world
):
    # Typed before the team had a key (an earlier version of the app): converted by the first
    # phone that holds the key, at its sync.
    ContactFactory(session=world.session, note=OLD_TEXTS[0], person_code="ANCIEN-1")
    OutreachSession.objects.filter(pk=world.session.pk).update(debrief_notes=OLD_TEXTS[1])
    sign_in(page, live_server.url, world.worker.username)
    assert key_state(page) == "held"  # the team's first phone made its first key
    start_planned_session(page, "Maraude gare")
    log_contact(page, person_code=CODES[0], note=NOTES[0])
    log_contact(page, person_code=CODES[0])  # the same young person, seen again
    log_contact(page, person_code=CODES[1], note=NOTES[1])
    sync_until(page, lambda: Contact.objects.filter(team=world.team).count() == 4)

    assert Team.objects.get(pk=world.team.pk).sealed_since is not None
    contacts = Contact.objects.filter(team=world.team)
    assert all(c.person_code.startswith("pc1.") for c in contacts)
    assert sorted(c.note[:5] for c in contacts if c.note) == ["enc1."] * 3
    assert OutreachSession.objects.get(pk=world.session.pk).debrief_notes.startswith("enc1.")
    # Distinct persons: what the plain codes gave (3 people, one seen twice).
    assert contacts.values("person_code").distinct().count() == len({*CODES, "ANCIEN-1"})

    # A second phone of the team (the worker's spare phone: the pull brings each worker their own
    # contacts): it receives them still sealed and waits for the key, which the first phone
    # shares at its next sync; then it opens them.
    second = phone(browser)
    other = second.new_page()
    sign_in(other, live_server.url, world.worker.username)
    assert key_state(other) == "waiting"
    second_device = Device.objects.filter(owner=world.worker).latest("created_at")
    sync_until(page, lambda: WrappedTeamKey.objects.filter(device=second_device).exists())  # shared
    sync_until(other, lambda: key_state(other) == "held")
    open_tab(other, "Récents")
    items = other.locator("[data-screen=recent] li[data-uuid]")
    expect(items).to_have_count(3)
    texts = []
    for index in range(3):
        items.nth(index).get_by_role("button").click()
        texts.append(other.get_by_label("Note d'équipe (facultative)").input_value())
        open_tab(other, "Récents")
    assert sorted(t for t in texts if t) == sorted(NOTES)

    dump = database_text()
    for typed in [*NOTES, *CODES, *OLD_TEXTS, "ANCIEN-1"]:
        assert typed not in dump, typed
    second.close()


def test_a_revoked_phone_gets_no_new_key(page, browser, live_server, world):
    sign_in(page, live_server.url, world.worker.username)
    mate = UserFactory(username="sam", team=world.team)
    second = phone(browser)
    lost = second.new_page()
    sign_in(lost, live_server.url, mate.username)
    lost_device = Device.objects.get(owner=mate, revoked_at=None)
    sync_until(page, lambda: WrappedTeamKey.objects.filter(device=lost_device, team_key__kid=1).exists())
    second.close()

    revoke_device(actor=CoordinatorFactory(organisation=world.team.organisation), device=lost_device)
    start_planned_session(page, "Maraude gare")
    log_contact(page, note=NOTES[0])
    sync_until(page, lambda: Contact.objects.filter(team=world.team).exists())
    assert TeamKey.objects.get(team=world.team, kid=1).retired_at is not None
    note = Contact.objects.get(team=world.team).note
    assert note.startswith("enc1.2.")  # sealed with the key made after the revocation
    assert not WrappedTeamKey.objects.filter(device=lost_device, team_key__kid=2).exists()
    assert WrappedTeamKey.objects.filter(team_key__team=world.team, team_key__kid=2).count() == 1


def test_the_coordinator_reads_team_notes_on_the_desk(page, browser, live_server, world):
    sign_in(page, live_server.url, world.worker.username)
    start_planned_session(page, "Maraude gare")
    log_contact(page, person_code=CODES[0], note=NOTES[0])
    sync_until(page, lambda: Contact.objects.filter(team=world.team).exists())

    coordinator = CoordinatorFactory(username="chef", organisation=world.team.organisation)
    office = phone(browser)
    desk = office.new_page()
    sign_in(desk, live_server.url, coordinator.username)  # the field app, in the office browser
    office_device = Device.objects.get(owner=coordinator)
    # The worker's phone wraps the key for the coordinator's browser, which receives it.
    sync_until(page, lambda: WrappedTeamKey.objects.filter(device=office_device).exists())
    sync_until(desk, lambda: key_state(desk) == "held")
    sign_in_browser(office, live_server.url, coordinator)
    desk.goto(f"{live_server.url}/planning/activity/")
    cell = desk.locator("td[data-sealed]")
    expect(cell).to_have_text("Chiffrée")
    assert NOTES[0] not in desk.content()
    desk.get_by_label("Code PIN de l'application de terrain de ce navigateur").fill(PIN)
    desk.get_by_role("button", name="Lire les notes").click()
    expect(desk.locator("td[data-opened]")).to_have_text(NOTES[0])
    expect(desk.locator("#desk-keys-status")).to_contain_text("1 notes lues")
    assert CODES[0] not in desk.content()  # a code is shown by a mark of its pseudonym
    assert OutreachSession.objects.filter(team=world.team).exists()
    office.close()
