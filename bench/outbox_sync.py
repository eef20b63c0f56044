"""A phone back from a week offline: 2,000 queued operations, then one sync, in Chromium.

Signs in on a production-like server (bench/pwa_load.py's: DEBUG off, collected static files,
a throwaway SQLite database), goes offline and queues a week of nights — 7 ad hoc sessions, each
started and ended, and contacts in between, 2,000 operations in all — through the app's own
outbox module (AES-GCM + IndexedDB, as a worker's saves do), then comes back online and times
one `syncNow()`: the pushes, the handling of every result and the pull. Prints the figures and
checks that the server holds every contact exactly once and the outbox is empty.

    .venv/bin/python bench/outbox_sync.py [--operations 2000] [--cpu-throttle 4]
"""

from __future__ import annotations

import argparse
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.pwa_load import CHROMIUM_ARGS, Server, throttle  # noqa: E402
from tests.frontend.fieldapp import sign_in  # noqa: E402

# Queues `total` operations for a week of nights, offline. Returns timings (ms).
QUEUE_WEEK = """
async ({ total }) => {
  const outbox = await import('/static/frontend_pwa/js/outbox.js');
  const db = await import('/static/frontend_pwa/js/db.js');
  const hotspots = (await db.list('ref:hotspot:')).map((e) => e.value);
  const territory = hotspots[0].territory.id ?? hotspots[0].territory;
  const nights = 7;
  const contactsPerNight = Math.floor((total - 2 * nights) / nights);
  let extra = total - 2 * nights - contactsPerNight * nights;
  const times = [];
  const timed = async (fn) => {
    const t0 = performance.now();
    await fn();
    times.push(performance.now() - t0);
  };
  const now = Date.now();
  for (let night = 0; night < nights; night += 1) {
    const start = now - (nights - night) * 86400e3 - 3 * 3600e3;
    const iso = (ms) => new Date(ms).toISOString();
    const session = crypto.randomUUID();
    await timed(() => outbox.enqueue(
      { op: 'session.start', uuid: session, client_created_at: iso(start),
        data: { started_at: iso(start), kind: 'street', territory, title: `Nuit ${night + 1}` } },
      [[`session:${session}`, { uuid: session, kind: 'street', title: `Nuit ${night + 1}`, ad_hoc: true,
        route: [], digital_slots: [], local: { status: 'done', started_at: iso(start), ended_at: null } }]],
    ));
    const count = contactsPerNight + (extra > 0 ? 1 : 0);
    extra -= 1;
    for (let i = 0; i < count; i += 1) {
      const uuid = crypto.randomUUID();
      const when = iso(start + (i % 240) * 60e3);
      const data = { session, occurred_at: when, hotspot: hotspots[i % hotspots.length].id,
        age_band: ['13_14', '15_17', '18_21'][i % 3], gender: ['girl', 'boy', 'unknown'][i % 3],
        level: 'exchange', is_first_contact: i % 4 === 0, known_to_child_welfare: 'unknown',
        concerns: ['running_away'], actions: ['direct_advice'], orientations: [], person_code: '', note: '' };
      await timed(() => outbox.enqueue(
        { op: 'contact.create', uuid, data, client_created_at: when },
        [[`contact:${uuid}`,
          { uuid, data, version: null, created_at: when, updated_at: when, synced: false }]],
      ));
    }
    await timed(() => outbox.enqueue(
      { op: 'session.end', uuid: session,
        data: { ended_at: iso(start + 5 * 3600e3), young_people_seen: count } },
    ));
  }
  return times;
}
"""

# One sync, timed; then what is left in the outbox.
SYNC_ONCE = """
async () => {
  const sync = await import('/static/frontend_pwa/js/sync.js');
  const outbox = await import('/static/frontend_pwa/js/outbox.js');
  performance.clearResourceTimings();
  const t0 = performance.now();
  const ok = await sync.syncNow('bench');
  const ms = performance.now() - t0;
  // Time spent waiting for the server's answers (request sent to last byte received).
  const api = performance.getEntriesByType('resource').filter((e) => e.name.includes('/api/v1/sync/'));
  const serverMs = api.reduce((sum, e) => sum + (e.responseEnd - e.requestStart), 0);
  const left = (await outbox.all()).length;
  return { ok, ms, serverMs, requests: api.length, left, error: sync.state.lastError };
}
"""

COUNT_PENDING = """
async () => {
  const outbox = await import('/static/frontend_pwa/js/outbox.js');
  const t0 = performance.now();
  const n = (await outbox.pending()).length;
  return { n, ms: performance.now() - t0 };
}
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--operations", type=int, default=2000, help="operations queued (default 2,000)")
    parser.add_argument("--cpu-throttle", type=int, default=4, help="Chromium CPU slow-down (default 4×)")
    args = parser.parse_args()

    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
        server = Server(Path(tmp))
        server.start()
        print("server ready (static files collected)", flush=True)
        try:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
            context = browser.new_context(
                viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True, locale="fr-FR"
            )
            page = context.new_page()
            sign_in(page, server.url, "bench")  # as the browser tests do: signed in, synced
            page.wait_for_function(
                "async () => (await (await import('/static/frontend_pwa/js/db.js'))"
                ".list('ref:hotspot:')).length > 0"
            )
            # The bench types nothing for minutes: keep the app from locking itself meanwhile.
            page.evaluate("async () => (await import('/static/frontend_pwa/js/lock.js')).setIdleMinutes(600)")
            context.set_offline(True)
            throttle(page, args.cpu_throttle)

            began = time.perf_counter()
            times = page.evaluate(QUEUE_WEEK, {"total": args.operations})
            queue_seconds = time.perf_counter() - began
            pending = page.evaluate(COUNT_PENDING)
            assert pending["n"] == args.operations, pending

            # No periodic or 'online' sync racing the one timed here.
            page.evaluate("async () => (await import('/static/frontend_pwa/js/sync.js')).stop()")
            context.set_offline(False)
            outcome = page.evaluate(SYNC_ONCE)
            browser.close()
        finally:
            server.stop()
        with sqlite3.connect(Path(tmp) / "bench.sqlite3") as db:
            counts = "SELECT COUNT(*), COUNT(DISTINCT uuid) FROM outreach_contact"
            contacts, distinct = db.execute(counts).fetchone()
            ended = "SELECT COUNT(*) FROM outreach_outreachsession WHERE status = 'done'"
            sessions = db.execute(ended).fetchone()[0]

    expected_contacts = args.operations - 14
    tenth = max(1, len(times) // 10)
    print(f"Outbox of {args.operations:,} operations, Chromium, CPU throttled {args.cpu_throttle}×")
    print(
        f"  queueing offline: {queue_seconds:.1f} s in all; one save takes "
        f"{sum(times[:tenth]) / tenth:.0f} ms with an empty outbox, "
        f"{sum(times[-tenth:]) / tenth:.0f} ms with {len(times) - tenth:,} queued"
    )
    print(f"  counting what waits (decrypting the outbox): {pending['ms']:.0f} ms")
    print(
        f"  one sync (push in batches, every result, pull): {outcome['ms'] / 1000:.1f} s, of which "
        f"{outcome['serverMs'] / 1000:.1f} s waiting for the server's {outcome['requests']} answers"
    )
    print(
        f"  sync succeeded: {outcome['ok']} · left in the outbox: {outcome['left']}"
        f" · error: {outcome['error']}"
    )
    print(
        f"  server: {contacts:,} contacts ({distinct:,} distinct, {expected_contacts:,} expected), "
        f"{sessions} sessions ended"
    )
    if not outcome["ok"] or outcome["left"] or contacts != expected_contacts or distinct != contacts:
        raise SystemExit("the sync did not deliver every operation exactly once")


if __name__ == "__main__":
    main()
