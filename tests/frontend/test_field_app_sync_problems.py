"""What the worker sees when the server refuses a record, revokes the phone, or ships a new
version of the app while records are queued."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import expect

from outreach.models import Contact, Hotspot
from tests.factories import CoordinatorFactory
from tests.frontend.fieldapp import (
    go_online,
    local_record_count,
    log_contact,
    open_tab,
    pending_count,
    sign_in,
    start_planned_session,
    unlock,
    wait_synced,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
]


def test_record_refused_by_the_server_is_shown_in_words_and_can_be_fixed(page, context, live_server, world):
    sign_in(page, live_server.url, world.worker.username)
    start_planned_session(page, "Maraude gare")
    context.set_offline(True)
    log_contact(page, concern="Fugue")
    # Meanwhile the coordinator retires the place the contact was logged at.
    Hotspot.objects.filter(pk=world.hotspots[0].pk).update(is_active=False)

    go_online(page, context)
    open_tab(page, "Synchro")
    page.get_by_role("button", name="Synchroniser").click()
    problem = page.locator("#problems [data-status=rejected]")
    expect(problem).to_be_visible()
    expect(problem).to_contain_text("Lieu")
    expect(problem).to_contain_text("Certains champs ne sont pas acceptés")
    assert Contact.objects.count() == 0

    problem.get_by_role("button", name="Corriger").click()
    expect(page.locator("[data-problem=rejected]")).to_be_visible()
    page.get_by_label("Lieu").select_option(label="Parc Jean-Baptiste Lebas")
    page.get_by_role("button", name="Enregistrer", exact=True).click()
    expect(page.locator("[data-screen=recent]")).to_be_visible()

    wait_synced(page)
    contact = Contact.objects.get()
    assert contact.hotspot_id == world.hotspots[1].pk
    assert list(contact.concerns.values_list("code", flat=True)) == ["running_away"]


QUEUE_CONTACTS = """
async ({ n, session, hotspot }) => {
  const store = await import('/static/frontend_pwa/js/store.js');
  for (let i = 0; i < n; i += 1) {
    await store.saveContact({ data: { session, hotspot, occurred_at: new Date().toISOString(),
      age_band: '15_17', gender: 'girl', level: 'exchange', concerns: [], actions: [],
      orientations: [], person_code: '', note: '' } });
  }
}
"""


def test_new_service_worker_with_a_full_outbox_loses_and_duplicates_none(
    page, context, live_server, world, tmp_path, monkeypatch
):
    sign_in(page, live_server.url, world.worker.username)
    start_planned_session(page, "Maraude gare")
    # The sync API is unreachable: the records stay queued.
    context.route(re.compile(r".*/api/v1/sync/.*"), lambda route: route.abort())
    for _ in range(3):
        log_contact(page)
    # A long night offline: a full outbox, saved as the contact screen saves.
    page.evaluate(
        QUEUE_CONTACTS, {"n": 197, "session": str(world.session.uuid), "hotspot": world.hotspots[0].pk}
    )
    assert pending_count(page) == "201"  # the session start and 200 contacts
    open_tab(page, "Récents")
    queued = set(page.locator(".contact-item").evaluate_all("els => els.map(e => e.dataset.uuid)"))
    assert len(queued) == 200

    # A new release: same worker logic, new version and precache.
    source = Path(settings.PWA_SERVICE_WORKER_PATH).read_text(encoding="utf-8")
    new_worker = tmp_path / "serviceworker.js"
    new_worker.write_text(
        re.sub(r'const VERSION = "[^"]+";', 'const VERSION = "test-update";', source),
        encoding="utf-8",
    )
    monkeypatch.setattr("pwa.app_settings.PWA_SERVICE_WORKER_PATH", str(new_worker))

    page.reload()
    banner = page.locator("#update-banner")
    expect(banner).to_be_visible()
    banner.get_by_role("button", name="Mettre à jour").click()
    expect(page.locator("[data-screen=lock]")).to_be_visible()
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")
    unlock(page)
    open_tab(page, "Synchro")
    expect(page.locator("[data-screen=sync]")).to_contain_text("test-update")
    assert pending_count(page) == "201"
    assert Contact.objects.count() == 0

    context.unroute(re.compile(r".*/api/v1/sync/.*"))
    wait_synced(page)
    stored = [str(u) for u in Contact.objects.values_list("uuid", flat=True)]
    assert len(queued - set(stored)) == 0  # lost
    assert len(stored) - len(queued) == 0  # duplicated


def test_revoked_device_wipes_its_local_data(page, live_server, world):
    from outreach.models.devices import Device
    from outreach.services.devices import revoke_device

    sign_in(page, live_server.url, world.worker.username)
    start_planned_session(page, "Maraude gare")
    log_contact(page, person_code="NR-31")
    assert local_record_count(page) > 0

    coordinator = CoordinatorFactory(organisation=world.team.organisation)
    revoke_device(actor=coordinator, device=Device.objects.get())
    open_tab(page, "Synchro")
    page.get_by_role("button", name="Synchroniser").click()

    expect(page.locator("[data-screen=wiped]")).to_contain_text("déconnecté")
    assert local_record_count(page) == 0
    assert "NR-31" not in page.content()
    page.get_by_role("button", name="Se reconnecter").click()
    expect(page.locator("[data-screen=enrol]")).to_be_visible()
