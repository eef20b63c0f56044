"""The phone's side of faults, in Chromium, each counted in records lost and duplicated:
503 with Retry-After, a 413 from the proxy, a phone clock two days off, a full storage quota
and storage the browser erased (evicted). (A new service worker with a full outbox:
test_field_app_sync_problems.py.)"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import re
import time

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from outreach.models import Contact, Device
from tests.frontend.fieldapp import (
    go_online,
    log_contact,
    open_tab,
    pending_count,
    sign_in,
    start_planned_session,
    wait_synced,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]
PUSH = re.compile(r".*/api/v1/sync/push$")


def local_uuids(page) -> set[str]:
    """The contacts the phone holds (Recent screen)."""
    open_tab(page, "Récents")
    return set(page.locator(".contact-item").evaluate_all("els => els.map(e => e.dataset.uuid)"))


def offline_with_contacts(page, context, live_server, world, count: int) -> set[str]:
    """Signed in, the planned session started, `count` contacts logged offline: their uuids."""
    sign_in(page, live_server.url, world.worker.username)
    context.set_offline(True)  # before the session starts: its start is queued too, always
    start_planned_session(page, "Maraude gare")
    for _ in range(count):
        log_contact(page)
    return local_uuids(page)


def lost_and_duplicated(expected: set[str]) -> tuple[int, int]:
    stored = [str(u) for u in Contact.objects.values_list("uuid", flat=True)]
    return len(expected - set(stored)), len(stored) - len(set(stored)) + len(set(stored) - expected)


def test_a_503_with_retry_after_is_waited_out_then_the_phone_resumes_by_itself(
    page, context, live_server, world
):
    expected = offline_with_contacts(page, context, live_server, world, 3)
    attempts: list[float] = []

    def unavailable(route):
        attempts.append(time.monotonic())
        if len(attempts) <= 2:  # the database is restarting: twice 503, then through
            route.fulfill(
                status=503,
                headers={"Retry-After": "3", "Content-Type": "application/json"},
                body=json.dumps({"code": "unavailable", "detail": "…", "retry_after": 3}),
            )
        else:
            route.fallback()

    context.route(PUSH, unavailable)
    go_online(page, context)
    open_tab(page, "Synchro")
    expect(page.locator("#sync-state")).to_contain_text("serveur indisponible")
    assert pending_count(page) == "4"

    # No tap: the retries come by themselves, each after at least Retry-After.
    expect(page.locator("#pending-count")).to_have_text("0", timeout=60_000)
    assert len(attempts) == 3
    assert all(b - a >= 2.9 for a, b in itertools.pairwise(attempts)), attempts
    assert lost_and_duplicated(expected) == (0, 0)


def test_a_413_from_the_proxy_halves_the_batch_until_it_passes(page, context, live_server, world):
    expected = offline_with_contacts(page, context, live_server, world, 5)
    sizes: list[int] = []

    def proxy_limit(route):
        size = len(json.loads(route.request.post_data)["operations"])
        sizes.append(size)
        if size > 2:  # nginx's client_max_body_size answers with its own HTML page
            route.fulfill(status=413, content_type="text/html", body="<h1>413 Request Entity Too Large</h1>")
        else:
            route.fallback()

    context.route(PUSH, proxy_limit)
    go_online(page, context)
    wait_synced(page)

    assert sizes[:3] == [6, 3, 1], sizes
    assert all(size <= 2 for size in sizes[2:]), sizes
    assert lost_and_duplicated(expected) == (0, 0)


SHIFTED_CLOCK = """
(() => {
  const offset = %d;
  const RealDate = Date;
  class PhoneDate extends RealDate {
    constructor(...args) { if (args.length) super(...args); else super(RealDate.now() + offset); }
    static now() { return RealDate.now() + offset; }
  }
  globalThis.Date = PhoneDate;
})();
"""


@pytest.mark.parametrize("days", [2, -2])
def test_a_phone_clock_two_days_off_loses_nothing_and_times_are_corrected(
    page, context, live_server, world, days
):
    context.add_init_script(SHIFTED_CLOCK % (days * 86_400_000))
    sign_in(page, live_server.url, world.worker.username)
    assert abs(page.evaluate("Date.now()") / 1000 - time.time() - days * 86_400) < 60
    start_planned_session(page, "Maraude gare")
    log_contact(page, concern="Fugue")
    log_contact(page, age="13–14 ans", gender="Garçon")
    expected = local_uuids(page)

    wait_synced(page)

    assert lost_and_duplicated(expected) == (0, 0)
    for contact in Contact.objects.all():
        assert contact.clock_flagged
        assert abs(contact.occurred_at - timezone.now()) < dt.timedelta(minutes=10)
    # Judged on the server's clock, both are still within the edit window on the phone.
    open_tab(page, "Récents")
    expect(page.locator(".contact-item")).to_have_count(2)
    expect(page.locator(".badge.synced")).to_have_count(2)


# What Chromium does when an origin's quota is used up: the write's transaction aborts with a
# QuotaExceededError. (CDP's Storage.overrideQuotaForOrigin is not enforced for IndexedDB in
# these headless contexts, so the test makes IndexedDB fail the same way, on a switch.)
FULL_QUOTA = """
(() => {
  const put = IDBObjectStore.prototype.put;
  IDBObjectStore.prototype.put = function (...args) {
    const request = put.apply(this, args);
    const tx = this.transaction;
    if (globalThis.__storageFull && !tx.__full) {
      tx.__full = true;
      // At commit time, as the browser does: after every put of the transaction was accepted.
      queueMicrotask(() => {
        Object.defineProperty(tx, "error", {
          value: new DOMException("The quota has been exceeded.", "QuotaExceededError"),
        });
        tx.abort();
      });
    }
    return request;
  };
})();
"""


def test_a_full_storage_quota_refuses_the_save_in_words_and_keeps_the_form(page, context, live_server, world):
    context.add_init_script(FULL_QUOTA)
    sign_in(page, live_server.url, world.worker.username)
    start_planned_session(page, "Maraude gare")
    context.set_offline(True)
    log_contact(page)
    expect(page.locator("[data-screen=session-active]")).to_contain_text("1 contacts")  # saved
    page.evaluate("globalThis.__storageFull = true")

    page.get_by_role("button", name="Nouveau contact").first.click()
    page.locator("[data-group=age_band]").get_by_role("button", name="13–14 ans").click()
    page.locator("[data-group=gender]").get_by_role("button", name="Garçon").click()
    page.get_by_role("button", name="Enregistrer", exact=True).click()

    expect(page.locator("[data-problem=storage-full]")).to_contain_text("mémoire de ce téléphone est pleine")
    expect(page.locator("[data-screen=contact]")).to_be_visible()  # not a session screen as if saved
    expect(page.locator("[data-group=gender] [aria-pressed=true]")).to_have_text("Garçon")

    page.evaluate("globalThis.__storageFull = false")  # space freed
    page.get_by_role("button", name="Enregistrer", exact=True).click()
    expect(page.locator("[data-screen=session-active]")).to_contain_text("2 contacts")
    expected = local_uuids(page)
    go_online(page, context)
    wait_synced(page)
    assert len(expected) == 2
    assert lost_and_duplicated(expected) == (0, 0)


def test_storage_erased_by_the_browser_is_said_with_what_was_lost_never_an_empty_app(
    page, context, live_server, world
):
    sign_in(page, live_server.url, world.worker.username)
    start_planned_session(page, "Maraude gare")
    log_contact(page)
    wait_synced(page)  # this one reached the server
    context.set_offline(True)
    start = len(local_uuids(page))
    log_contact_from_tab(page)
    log_contact_from_tab(page)
    assert pending_count(page) == "2"
    cdp = context.new_cdp_session(page)

    # The browser reclaims the space while the app is open.
    cdp.send("Storage.clearDataForOrigin", {"origin": live_server.url, "storageTypes": "indexeddb"})

    lost = page.locator("[data-screen=storage-lost]")
    expect(lost).to_contain_text("2 fiches n'étaient pas arrivées au serveur")
    expect(page.locator("#tabs")).to_be_hidden()
    expect(page.locator(".contact-item")).to_have_count(0)
    page.reload()  # and again at the next opening, until the worker has read it
    expect(lost).to_contain_text("2 fiches n'étaient pas arrivées au serveur")
    assert Contact.objects.count() == start == 1  # what had been synced is safe, once

    go_online(page, context)
    lost.get_by_role("button", name="Se reconnecter").click()
    expect(page.locator("[data-screen=enrol]")).to_be_visible()
    sign_in(page, live_server.url, world.worker.username)
    # Same phone, same install: the earlier device is replaced, not left active beside the new one.
    assert Device.objects.filter(owner=world.worker, revoked_at=None).count() == 1
    assert Device.objects.filter(owner=world.worker, replaced_by__isnull=False).count() == 1


def log_contact_from_tab(page) -> None:
    open_tab(page, "Session")
    log_contact(page)
    expect(page.locator("[data-screen=session-active]")).to_be_visible()
