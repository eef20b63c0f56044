"""A device's life in Chromium: the 401 that every screen announces, signing in again on the
same phone (which replaces its device), and what the coordinator sees before revoking it."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from outreach.models import Contact, Device, Hotspot
from tests.factories import CoordinatorFactory, sign_in_browser
from tests.frontend import axe
from tests.frontend.conftest import PASSWORD
from tests.frontend.fieldapp import (
    go_online,
    log_contact,
    open_tab,
    pending_count,
    sign_in,
    start_planned_session,
    unlock,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]
SCREENS = ["Session", "Nouveau contact", "Récents", "Annuaire", "Synchro"]


def test_a_token_the_server_no_longer_knows_is_announced_on_every_screen_until_signed_in_again(
    page, context, live_server, world
):
    sign_in(page, live_server.url, world.worker.username)
    start_planned_session(page, "Maraude gare")
    # The server forgets this phone's token (a restored database, say): the phone gets 401.
    Device.objects.filter(owner=world.worker).update(token_hash="0" * 64)
    context.set_offline(True)
    log_contact(page, person_code="NR-40")
    go_online(page, context)
    open_tab(page, "Synchro")
    page.get_by_role("button", name="Synchroniser").click()

    banner = page.locator("#signin-banner")
    for screen in SCREENS:
        open_tab(page, screen)
        expect(banner).to_contain_text("ne reconnaît plus ce téléphone")
        expect(page.locator("#net")).to_have_text("Reconnexion nécessaire")  # not "En ligne"
    assert not axe.violations(page)
    page.reload()  # still said after a restart: it is kept in the vault
    unlock(page)
    expect(banner).to_be_visible()
    assert pending_count(page) == "2"
    assert Contact.objects.count() == 0

    banner.get_by_role("button", name="Se reconnecter").click()
    form = page.locator("[data-screen=signin]")
    form.get_by_label("Identifiant").fill(world.worker.username)
    form.get_by_label("Mot de passe").fill(PASSWORD)
    form.get_by_role("button", name="Se reconnecter").click()

    expect(page.locator("[data-screen=sync] #pending-count")).to_have_text("0")
    expect(banner).to_have_count(0)
    expect(page.locator("#net")).to_have_text("En ligne")
    assert Contact.objects.filter(person_code__startswith="pc1.").count() == 1  # a pseudonym (ADR 010)
    # The same phone signed in again: its earlier device is replaced, one stays active.
    assert Device.objects.filter(owner=world.worker, revoked_at=None).count() == 1
    assert Device.objects.filter(owner=world.worker, replaced_by__isnull=False).count() == 1


def test_another_worker_cannot_sign_in_over_records_waiting_on_the_phone(page, context, live_server, world):
    from tests.factories import UserFactory

    colleague = UserFactory(username="sam", team=world.team)
    sign_in(page, live_server.url, world.worker.username)
    Device.objects.filter(owner=world.worker).update(token_hash="0" * 64)
    open_tab(page, "Synchro")
    page.get_by_role("button", name="Synchroniser").click()

    page.locator("#signin-banner").get_by_role("button", name="Se reconnecter").click()
    form = page.locator("[data-screen=signin]")
    form.get_by_label("Identifiant").fill(colleague.username)
    form.get_by_label("Mot de passe").fill(PASSWORD)
    form.get_by_role("button", name="Se reconnecter").click()

    expect(form).to_contain_text("seul·e lea peut se reconnecter ici")
    assert not Device.objects.filter(owner=colleague).exists()


def test_forgetting_the_device_then_signing_in_again_replaces_it(page, live_server, world):
    sign_in(page, live_server.url, world.worker.username)
    first = Device.objects.get(owner=world.worker)
    open_tab(page, "Synchro")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Oublier cet appareil").click()
    page.locator("[data-screen=wiped]").get_by_role("button", name="Se reconnecter").click()

    sign_in(page, live_server.url, world.worker.username)

    first.refresh_from_db()
    assert first.replaced_by is not None and first.replaced_by.revoked_at is None
    assert Device.objects.filter(owner=world.worker, revoked_at=None).count() == 1


def test_the_coordinator_sees_what_a_phone_still_holds_before_revoking_it(
    page, context, browser, live_server, world
):
    sign_in(page, live_server.url, world.worker.username)
    start_planned_session(page, "Maraude gare")
    context.set_offline(True)
    log_contact(page, concern="Fugue")
    log_contact(page)
    # The place of both contacts is retired meanwhile: the server refuses them, they stay on
    # the phone, and the phone says so at its push.
    Hotspot.objects.filter(pk=world.hotspots[0].pk).update(is_active=False)
    go_online(page, context)
    open_tab(page, "Synchro")
    page.get_by_role("button", name="Synchroniser").click()
    expect(page.locator("#problems [data-status=rejected]")).to_have_count(2)

    coordinator = CoordinatorFactory(username="chef", organisation=world.team.organisation)
    office = browser.new_context(locale="fr-FR")
    sign_in_browser(office, live_server.url, coordinator)  # password and second factor
    desk = office.new_page()
    desk.goto(f"{live_server.url}/devices/")

    row = desk.locator("tr", has_text="lea")
    expect(row.locator("[data-field=outbox]")).to_contain_text("2 fiches")
    expect(row).to_contain_text("La révocation efface 2 fiches pas encore arrivées au serveur.")
    expect(row.locator("[data-field=last-sync]")).not_to_have_text("—")
    assert not axe.violations(desk)
    office.close()
