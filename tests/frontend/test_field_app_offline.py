"""The field app in a real Chromium: offline after the first sign-in, encrypted at rest, and
every contact reaching the database exactly once."""

from __future__ import annotations

import time

import pytest
from playwright.sync_api import expect

from outreach.models import Contact
from tests.frontend.fieldapp import (
    log_contact,
    open_tab,
    pending_count,
    sign_in,
    start_planned_session,
    unlock,
    vault_dump,
    wait_synced,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
]


def test_contacts_logged_offline_survive_reloads_and_reach_the_server_once(page, context, live_server, world):
    sign_in(page, live_server.url, world.worker.username)

    context.set_offline(True)
    page.reload()
    # The shell comes from the service worker; the data is locked until the PIN is given.
    expect(page.locator("[data-screen=lock]")).to_be_visible()
    expect(page.locator("#net")).to_have_text("Hors ligne")
    unlock(page)
    start_planned_session(page, "Maraude gare")

    started = time.monotonic()
    taps = log_contact(page, concern="Fugue")
    elapsed = time.monotonic() - started
    assert taps <= 5
    assert elapsed < 15
    log_contact(page, age="13–14 ans", gender="Garçon", action="Conseil direct")
    log_contact(page, person_code="NR-12", note="Revue près de la gare, orientée vers l'accueil de jour")
    expect(page.locator("[data-screen=session-active]")).to_contain_text("3 contacts")

    page.reload()
    unlock(page)
    open_tab(page, "Récents")
    expect(page.locator(".contact-item")).to_have_count(3)
    expect(page.locator(".badge.pending")).to_have_count(3)
    local_uuids = set(page.locator(".contact-item").evaluate_all("els => els.map(e => e.dataset.uuid)"))

    dump = vault_dump(page)
    assert all(dump["ivs"]), "every vault entry is an AES-GCM box"
    for secret in ("NR-12", "accueil de jour", "15_17", "Maraude gare", "running_away", "lea"):
        assert secret not in dump["vault"]
        assert secret not in dump["meta"]
    # Keys name records by random UUIDs or reference codes, never by what they hold.
    assert not any(s in key for key in dump["keys"] for s in ("NR-12", "15_17", "girl", "lea"))
    assert Contact.objects.count() == 0

    context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    wait_synced(page)
    assert {str(u) for u in Contact.objects.values_list("uuid", flat=True)} == local_uuids
    # Syncing again (a replay) changes nothing.
    page.get_by_role("button", name="Synchroniser").click()
    expect(page.locator("#pending-count")).to_have_text("0")
    assert Contact.objects.count() == 3
    coded = Contact.objects.get(person_code__startswith="pc1.")  # the code as a pseudonym (ADR 010)
    assert coded.session_id == world.session.pk
    assert coded.hotspot_id == world.hotspots[0].pk
    open_tab(page, "Récents")
    expect(page.locator(".badge.synced")).to_have_count(3)
    assert pending_count(page) == "0"
