"""Corrections, orientations, digital sessions and the encrypted outbox backup, end to end."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect

from outreach.models import Contact, OutreachSession
from tests.frontend.conftest import PIN
from tests.frontend.fieldapp import (
    go_online,
    log_contact,
    open_tab,
    sign_in,
    start_planned_session,
    wait_synced,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
]


def test_a_synced_contact_is_corrected_and_oriented_from_the_directory(page, live_server, world):
    sign_in(page, live_server.url, world.worker.username)
    start_planned_session(page, "Maraude gare")
    log_contact(page, concern="Fugue")
    wait_synced(page)
    assert Contact.objects.get().version == 1

    open_tab(page, "Récents")
    page.locator(".contact-item").get_by_role("button", name="Corriger").click()
    expect(page.locator("[data-screen=contact]")).to_contain_text("Corriger un contact")
    page.locator("[data-group=age_band]").get_by_role("button", name="13–14 ans").click()
    page.get_by_role("button", name="Enregistrer", exact=True).click()
    expect(page.locator("[data-screen=recent]")).to_be_visible()

    open_tab(page, "Annuaire")
    page.get_by_label("Catégorie").select_option("shelter")
    expect(page.locator("[data-partner]")).to_have_count(1)
    partner = page.locator(f"[data-partner='{world.partners[0].pk}']")
    partner.get_by_role("button", name="Associer à un contact").click()
    partner.locator(".attach button").first.click()
    expect(partner).to_contain_text("Orientation associée.")

    wait_synced(page)
    contact = Contact.objects.get()
    assert contact.age_band == "13_14"
    assert list(contact.orientations.values_list("pk", flat=True)) == [world.partners[0].pk]
    assert list(contact.concerns.values_list("code", flat=True)) == ["running_away"]
    # The correction and the orientation were both waiting: they travelled as one update.
    assert contact.version == 2


def test_an_unplanned_digital_session_and_its_contact_reach_the_server(page, live_server, world):
    sign_in(page, live_server.url, world.worker.username)
    open_tab(page, "Session")
    page.get_by_role("button", name="Démarrer une maraude numérique").click()
    expect(page.locator("[data-screen=session-active]")).to_be_visible()
    log_contact(page, concern="Exposition / sollicitation en ligne")
    wait_synced(page)

    session = OutreachSession.objects.get(kind="digital")
    assert session.status == "under_way"
    contact = Contact.objects.get()
    assert contact.session == session
    assert contact.platform is not None
    assert contact.conversation_established is True


def test_the_outbox_exported_to_an_encrypted_file_comes_back_after_a_reset(
    page, context, live_server, world, tmp_path
):
    sign_in(page, live_server.url, world.worker.username)
    start_planned_session(page, "Maraude gare")
    context.set_offline(True)
    log_contact(page, person_code="NR-40")
    log_contact(page)

    open_tab(page, "Synchro")
    page.get_by_label("Code protégeant le fichier").fill(PIN)
    with page.expect_download() as download:
        page.get_by_role("button", name="Exporter les fiches en attente").click()
    backup = tmp_path / "backup.json"
    download.value.save_as(backup)
    body = json.loads(backup.read_text())
    assert body["format"] == "maraude-outbox-backup"
    assert "NR-40" not in backup.read_text()
    expect(page.locator("#backup-status")).to_contain_text("3 fiches")

    # The phone is reset: its local data is gone, the worker signs in again.
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Oublier cet appareil").click()
    page.get_by_role("button", name="Se reconnecter").click()
    go_online(page, context)
    sign_in(page, live_server.url, world.worker.username)
    assert Contact.objects.count() == 0

    open_tab(page, "Synchro")
    page.get_by_label("Code protégeant le fichier").fill(PIN)
    page.get_by_label("Fichier de sauvegarde à importer").set_input_files(backup)
    page.get_by_role("button", name="Importer une sauvegarde").click()
    expect(page.locator("#backup-status")).to_contain_text("3 fiches importées")
    wait_synced(page)
    assert Contact.objects.count() == 2
    assert Contact.objects.filter(person_code__startswith="pc1.").count() == 1  # a pseudonym (ADR 010)


def test_a_double_tap_on_save_on_a_slow_phone_records_one_contact(page, live_server, world):
    """Primero users' failure: two taps on Save, two records. One form is one UUID, and the
    button is busy while saving."""
    sign_in(page, live_server.url, world.worker.username)
    start_planned_session(page, "Maraude gare")
    cdp = page.context.new_cdp_session(page)
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": 4})
    page.get_by_role("button", name="Nouveau contact").first.click()
    page.locator("[data-group=age_band]").get_by_role("button", name="15–17 ans").click()
    page.locator("[data-group=gender]").get_by_role("button", name="Fille").click()
    save = page.get_by_role("button", name="Enregistrer", exact=True)
    # The second tap lands before the slowed phone has finished handling the first (a double
    # tap from Playwright's mouse waits for each event to be handled, which hides the race).
    save.evaluate("(button) => { button.click(); button.click(); }")
    expect(page.locator("[data-screen=session-active]")).to_contain_text("1 contacts")
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": 1})

    wait_synced(page)
    assert Contact.objects.count() == 1
