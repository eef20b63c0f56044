"""The printed recovery key (ADR 010) in Chromium: a coordinator makes the team's sheet on the
desk, every device holding the keys is lost (revoked), and the coordinator, in a new browser,
types the sheet to get the keys back and reads an old note on Team activity. A mistyped key and
another sheet's key are refused with a clear message."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from outreach.models import Contact, Device, RecoveryCopy, WrappedTeamKey
from outreach.services.devices import revoke_device
from tests.factories import CoordinatorFactory, sign_in_browser
from tests.frontend.conftest import PIN
from tests.frontend.fieldapp import log_contact, sign_in, start_planned_session
from tests.frontend.test_team_keys_browser import NOTES, database_text, key_state, phone, sync_until

pytestmark = [pytest.mark.browser, pytest.mark.slow]

NEW_CODE = (
    "async () => { const rc = await import('/static/frontend_pwa/js/recovery-code.js');"
    " return rc.encode(rc.newSecret()); }"
)


def coordinator_desk(browser, live_server, coordinator):
    """A new office browser: the field app signed in (a new device), then the desk."""
    office = phone(browser)
    desk = office.new_page()
    sign_in(desk, live_server.url, coordinator.username)
    sign_in_browser(office, live_server.url, coordinator)
    return office, desk


def test_the_recovery_sheet_brings_the_team_keys_back_after_every_device_is_lost(
    page, browser, live_server, world
):
    sign_in(page, live_server.url, world.worker.username)
    start_planned_session(page, "Maraude gare")
    log_contact(page, note=NOTES[0])
    sync_until(page, lambda: Contact.objects.filter(team=world.team).exists())

    coordinator = CoordinatorFactory(username="chef", organisation=world.team.organisation)
    office, desk = coordinator_desk(browser, live_server, coordinator)
    office_device = Device.objects.get(owner=coordinator, revoked_at=None)
    sync_until(page, lambda: WrappedTeamKey.objects.filter(device=office_device).exists())
    sync_until(desk, lambda: key_state(desk) == "held")

    desk.goto(f"{live_server.url}/planning/recovery/")
    make = desk.locator("#make-sheet")
    make.get_by_label("Équipe").select_option(str(world.team.pk))
    make.get_by_label("Code PIN de l'application de terrain de ce navigateur").fill(PIN)
    make.get_by_role("button", name="Faire la fiche de secours").click()
    expect(desk.locator("#recovery-status")).to_contain_text("Fiche de secours faite")
    code = desk.locator("[data-sheet-code]").inner_text()
    assert len(code.replace("-", "")) == 56
    desk.emulate_media(media="print")  # on paper: the sheet alone, without the forms or the menu
    expect(desk.locator("#recovery-sheet")).to_be_visible()
    expect(desk.locator("#make-sheet")).to_be_hidden()
    expect(desk.locator("#print-sheet")).to_be_hidden()
    desk.emulate_media(media="screen")
    assert RecoveryCopy.objects.filter(team_key__team=world.team, team_key__kid=1).exists()
    assert code not in database_text() and code.replace("-", "") not in database_text()
    office.close()

    # Every device holding the keys is lost.
    for device in Device.objects.filter(revoked_at=None):
        revoke_device(actor=coordinator, device=device)
    assert not WrappedTeamKey.objects.filter(device__revoked_at=None).exists()

    office, desk = coordinator_desk(browser, live_server, coordinator)
    new_device = Device.objects.get(owner=coordinator, revoked_at=None)
    desk.goto(f"{live_server.url}/planning/recovery/")
    expect(desk.locator(f"tr[data-team='{world.team.pk}'] [data-sheet-state]")).to_have_attribute(
        "data-sheet-state", "outdated"
    )  # the new browser made key 2, which is not on the sheet
    use = desk.locator("#use-sheet")
    use.get_by_label("Équipe").select_option(str(world.team.pk))

    def recover(typed: str) -> None:
        use.get_by_label("Clé de secours").fill(typed)
        use.get_by_label("Code PIN de l'application de terrain de ce navigateur").fill(PIN)
        use.get_by_role("button", name="Récupérer les clés").click()

    first = code[0]
    recover(("1" if first != "1" else "2") + code[1:])  # one character mistyped
    expect(desk.locator("#recovery-status")).to_contain_text("mal tapée")
    recover(desk.evaluate(NEW_CODE))  # a well-formed key of another sheet
    expect(desk.locator("#recovery-status")).to_contain_text("n'ouvre pas")
    assert not WrappedTeamKey.objects.filter(device=new_device, team_key__kid=1).exists()

    recover(code.lower().replace("-", " "))
    expect(desk.locator("#recovery-status")).to_contain_text("1 clés d'équipe récupérées")
    assert WrappedTeamKey.objects.filter(device=new_device, team_key__kid=1).exists()

    desk.goto(f"{live_server.url}/planning/activity/")
    desk.get_by_label("Code PIN de l'application de terrain de ce navigateur").fill(PIN)
    desk.get_by_role("button", name="Lire les notes").click()
    expect(desk.locator("td[data-opened]")).to_have_text(NOTES[0])
    office.close()
