// The sync engine as code, against a scripted server: batches and what the phone reports, the
// answers that change its course (413, 503 + Retry-After, 401, 410), snapshot pruning, and a
// week offline — 2,000 operations — delivered exactly once at a cost linear in the outbox.

import assert from "node:assert/strict";
import { beforeEach, test } from "node:test";

import {
  counters,
  createdAll,
  db,
  freshPhone,
  json,
  outbox,
  pullPage,
  pushes,
  queueContacts,
  server,
  sync,
} from "./harness.mjs";

beforeEach(freshPhone);

const sentUuids = () => pushes().flatMap((r) => r.body.operations.map((o) => o.uuid));

test("the backoff doubles from 2 s to 5 min with jitter, and never undercuts Retry-After", () => {
  assert.deepEqual(
    [1, 2, 3, 12].map((n) => [sync.backoffDelay(n, () => 0), sync.backoffDelay(n, () => 1)]),
    [[1000, 2000], [2000, 4000], [4000, 8000], [150000, 300000]],
  );
  assert.equal(sync.retryDelay(1, 30, () => 1), 30_000);
  assert.equal(sync.retryDelay(12, 30, () => 1), 300_000);
  assert.equal(sync.retryDelay(1, null, () => 1), 2_000);
});

test("each push says what the phone holds and when it last synced", async () => {
  await queueContacts(3);
  sync.state.lastSuccess = "2026-11-29T21:00:00.000Z";

  assert.equal(await sync.syncNow("test"), true);

  const [push] = pushes();
  assert.deepEqual(push.body.device, { outbox: 3, last_sync_at: "2026-11-29T21:00:00.000Z" });
  assert.equal(push.headers.Authorization, "Device token-1");
  assert.equal(await outbox.size(), 0);
});

test("a 413 halves the batch until the server takes it, and every operation arrives once", async () => {
  await queueContacts(7);
  const stored = new Set();
  server.handler = (request) => {
    if (request.path.startsWith("/api/v1/sync/pull")) return pullPage();
    if (request.body.operations.length > 2) return json(413, { code: "batch_too_large" });
    request.body.operations.forEach((o) => stored.add(o.uuid));
    return createdAll(request);
  };

  assert.equal(await sync.syncNow("test"), true);

  assert.deepEqual(pushes().map((r) => r.body.operations.length), [7, 3, 1, 1, 1, 1, 1, 1, 1]);
  // Once the server took a size, later batches never exceeded it.
  assert.equal(stored.size, 7);
  assert.equal(new Set(sentUuids()).size, 7);
  assert.equal(await outbox.size(), 0);
});

test("an operation still too large alone is flagged and the others go on", async () => {
  const [big] = await queueContacts(3);
  server.handler = (request) => {
    if (request.path.startsWith("/api/v1/sync/pull")) return pullPage();
    if (request.body.operations.some((o) => o.uuid === big.uuid)) return json(413, { code: "batch_too_large" });
    return createdAll(request);
  };

  assert.equal(await sync.syncNow("test"), true);

  const left = await outbox.all();
  assert.deepEqual(left.map((o) => [o.uuid, o.status, o.reason]), [[big.uuid, "rejected", "too_large"]]);
});

test("a 503 with Retry-After keeps everything, waits at least that long, then resumes", async () => {
  await queueContacts(4);
  server.handler = () => json(503, { code: "unavailable" }, { "Retry-After": "30" });
  const before = Date.now();

  assert.equal(await sync.syncNow("test"), false);

  assert.equal(sync.state.lastError, "server");
  assert.ok(Date.parse(sync.state.nextAttemptAt) >= before + 30_000, sync.state.nextAttemptAt);
  assert.equal(await outbox.size(), 4);
  sync.stop(); // the scheduled retry: run it now instead of in 30 s

  const stored = [];
  server.handler = (request) => {
    if (request.path.startsWith("/api/v1/sync/pull")) return pullPage();
    stored.push(...request.body.operations.map((o) => o.uuid));
    return createdAll(request);
  };
  assert.equal(await sync.syncNow("retry"), true);
  assert.equal(stored.length, 4);
  assert.equal(await outbox.size(), 0);
});

test("a 401 keeps the records and asks for a sign-in, also after the app restarts", async () => {
  await queueContacts(2);
  server.handler = () => json(401, { code: "device_replaced" });

  assert.equal(await sync.syncNow("test"), false);

  assert.equal(sync.state.needsSignIn, true);
  assert.equal(sync.state.nextAttemptAt, null, "no retry loop with a token the server refuses");
  assert.equal(await outbox.size(), 2);
  sync.state.needsSignIn = false; // a reload forgets memory…
  await sync.loadLastSuccess();
  assert.equal(sync.state.needsSignIn, true); // …not the vault
});

test("a 410 wipes the phone, unless the token changed while the request ran", async () => {
  await queueContacts(2);
  let wiped = 0;
  sync.start({ revoked: async () => (wiped += 1) });
  sync.stop();
  server.handler = async () => {
    await db.putMany([["state:token", "token-2"]]); // signed in again meanwhile
    return json(410, { code: "device_revoked", wipe: true });
  };

  assert.equal(await sync.syncNow("test"), false);
  assert.equal(wiped, 0);
  assert.equal(await outbox.size(), 2);

  server.handler = () => json(410, { code: "device_revoked", wipe: true });
  await sync.syncNow("test");
  assert.equal(wiped, 1);
});

/** Every operation refused: they stay in the outbox, and the pull runs after the push. */
function refusingWith(page) {
  return (request) =>
    request.path.startsWith("/api/v1/sync/pull")
      ? pullPage(page)
      : json(200, {
          results: request.body.operations.map((o) => ({ uuid: o.uuid, op: o.op, status: "rejected", reason: "invalid" })),
          server_time: new Date().toISOString(),
        });
}

test("after a complete snapshot, server copies it did not send are dropped, never queued ones", async () => {
  const [queued] = await queueContacts(1);
  const active = crypto.randomUUID();
  await db.putMany([
    ["ref:hotspot:1", { id: 1, name: "Gare" }],
    ["ref:hotspot:2", { id: 2, name: "Retiré" }],
    ["contact:old", { uuid: "old", data: {}, version: 1, synced: true }],
    [`session:${active}`, { uuid: active, title: "En cours" }],
    ["state:active_session", active],
  ]);
  server.handler = refusingWith({
    snapshot: true,
    complete: true,
    items: [{ type: "hotspot", op: "upsert", id: 1, data: { id: 1, name: "Gare" } }],
  });

  assert.equal(await sync.syncNow("test"), true);

  assert.equal(await db.get("ref:hotspot:2"), undefined);
  assert.equal(await db.get("contact:old"), undefined);
  assert.ok(await db.get("ref:hotspot:1"));
  assert.ok(await db.get(`session:${active}`), "the session under way stays");
  assert.ok(await db.get(`contact:${queued.uuid}`), "the refused contact stays, to be fixed");
});

test("hotspot and partner items carry integer ids, as routes and contacts refer to them", async () => {
  await db.putMany([["ref:partner:9", { id: 9, name: "Fermé" }]]);
  server.handler = refusingWith({
    items: [
      { type: "hotspot", op: "upsert", id: 7, data: { id: 7, name: "Gare" } },
      { type: "partner", op: "delete", id: 9, data: null },
    ],
  });

  assert.equal(await sync.syncNow("test"), true);

  const hotspot = await db.get("ref:hotspot:7");
  assert.equal(hotspot.id, 7);
  assert.equal(typeof hotspot.id, "number");
  assert.equal(await db.get("ref:partner:9"), undefined);
});

test("the pruning rule keeps what is received, queued or under way", () => {
  const entries = ["ref:hotspot:1", "ref:hotspot:2", "contact:a", "contact:b", "session:s"].map((key) => ({
    key,
    value: { uuid: key.split(":").pop() },
  }));

  const stale = sync.staleKeys(entries, new Set(["ref:hotspot:1"]), new Set(["a"]), "s");

  assert.deepEqual(stale, ["ref:hotspot:2", "contact:b"]);
});

test("a pulled copy never overwrites a contact with a queued change", async () => {
  const [record] = await queueContacts(1);
  server.handler = refusingWith({
    items: [{ type: "contact", op: "upsert", id: record.uuid, data: { uuid: record.uuid, gender: "boy" } }],
  });

  assert.equal(await sync.syncNow("test"), true);

  assert.equal((await db.get(`contact:${record.uuid}`)).data.gender, "girl");
});

test("a week offline — 2,000 operations — arrives exactly once, decrypting linearly", async () => {
  await queueContacts(2000);
  const stored = new Map();
  server.handler = (request) => {
    if (request.path.startsWith("/api/v1/sync/pull")) return pullPage();
    for (const o of request.body.operations) stored.set(o.uuid, (stored.get(o.uuid) || 0) + 1);
    return createdAll(request);
  };
  counters.decrypt = 0;

  assert.equal(await sync.syncNow("test"), true);

  assert.equal(stored.size, 2000);
  assert.ok([...stored.values()].every((n) => n === 1), "each operation sent once");
  assert.deepEqual(pushes().map((r) => r.body.operations.length), [500, 500, 500, 500]);
  assert.equal(await outbox.size(), 0);
  // Each batch reads what waits (2,000 + 1,500 + 1,000 + 500) and its own 500 operations and
  // records: about 9,000. Re-reading the outbox for every result cost some 2,000,000.
  assert.ok(counters.decrypt < 12_000, `${counters.decrypt} decryptions`);
});

test("the server's clock is remembered, so edit windows are judged on its time", async () => {
  const ahead = 2 * 86_400_000;
  server.handler = (request) => json(200, {
    items: [], cursor: "c", more: false, snapshot: false, snapshot_complete: false,
    server_time: new Date(Date.now() - ahead).toISOString(),
  });

  await sync.syncNow("test");

  const offset = await db.get("state:server_time_offset");
  assert.ok(Math.abs(offset + ahead) < 5_000, offset);
});

test("the network coming back does not undercut the server's Retry-After", async () => {
  await queueContacts(1);
  server.handler = () => json(503, { code: "unavailable" }, { "Retry-After": "120" });
  await sync.syncNow("test");
  const before = server.requests.length;

  sync.start({ revoked: async () => {} }); // listens for "online" (and syncs once on opening)
  await until(() => server.requests.length > before && !sync.state.running);
  const afterStart = server.requests.length;
  globalThis.window.dispatchEvent(new Event("online"));
  await new Promise((resolve) => setTimeout(resolve, 20));
  sync.stop();

  assert.equal(server.requests.length, afterStart, "no request on 'online' while told to wait");
  assert.ok(Date.parse(sync.state.nextAttemptAt) - Date.now() > 100_000);
});

async function until(condition) {
  for (let i = 0; i < 500 && !condition(); i += 1) await new Promise((resolve) => setTimeout(resolve, 5));
  assert.ok(condition());
}

test("two triggers at the same moment make one sync, not two racing ones", async () => {
  await queueContacts(3);

  const [first, second] = await Promise.all([sync.syncNow("online"), sync.syncNow("saved")]);

  assert.deepEqual([first, second], [true, false]);
  assert.equal(pushes().length, 1);
});
