// Team keys (ADR 010) as code: a key wrapped for one device opens only with that device's
// private key; envelopes and pseudonyms have the server's shapes; equal codes, equal pseudonyms;
// a waiting device holds its notes back and seals them once the key arrives.

import assert from "node:assert/strict";
import { beforeEach, test } from "node:test";

import { db, freshPhone, newContact, outbox, pushes, server, store, sync } from "./harness.mjs";

const keys = await import("../../../frontend_pwa/static/frontend_pwa/js/keys.js");
const keySync = await import("../../../frontend_pwa/static/frontend_pwa/js/key-sync.js");

beforeEach(freshPhone);

async function holdTeamKey(team = 7) {
  const raw = crypto.getRandomValues(new Uint8Array(32));
  await keys.storeKey(team, 1, raw);
  await db.putMany([["state:keys", { [team]: { current_kid: 1, pseudonym_kid: 1, kids: [1] } }]]);
  return raw;
}

test("a team key wrapped for a device opens with its private key only", async () => {
  const device = await keys.deviceKey();
  const raw = crypto.getRandomValues(new Uint8Array(32));
  const wrapped = await keys.wrapFor(device.public, raw);
  assert.match(wrapped, /^wk1\.[A-Za-z0-9_-]{87}\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]{64}$/);
  assert.deepEqual(await keys.unwrap(wrapped, device), raw);
  const pair = await crypto.subtle.generateKey({ name: "ECDH", namedCurve: "P-256" }, true, ["deriveBits"]);
  const other = { private: keys.b64u(await crypto.subtle.exportKey("pkcs8", pair.privateKey)) };
  await assert.rejects(keys.unwrap(wrapped, other));
});

test("notes seal and open; codes give the same pseudonym every time, in the server's shape", async () => {
  await holdTeamKey();
  const envelope = await keys.seal(7, 1, "Vue près de la gare");
  assert.match(envelope, /^enc1\.1\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]{22,}$/);
  assert.equal(await keys.open(7, envelope), "Vue près de la gare");
  assert.notEqual(await keys.seal(7, 1, "Vue près de la gare"), envelope); // a fresh nonce each time
  const code = await keys.pseudonym(7, "lune-7");
  assert.match(code, /^pc1\.[A-Za-z0-9_-]{43}$/);
  assert.equal(await keys.pseudonym(7, " LUNE-7 "), code);
  assert.notEqual(await keys.pseudonym(7, "LUNE-8"), code);
});

test("a phone waiting for the team key holds its notes back, then sends them sealed", async () => {
  await db.putMany([["state:user", { team: { id: 7 } }]]);
  await store.saveContact({ data: { ...newContact(0), note: "Cherche un hébergement", person_code: "LUNE-7" } });
  await store.saveContact({ data: newContact(1) }); // after it, in order: waits too

  const before = await keySync.prepare(await outbox.pending());
  assert.equal(before.ready.length, 0);
  assert.equal(before.waiting, 2);

  await holdTeamKey();
  server.keys = { teams: [{ team: 7, current_kid: 1, pseudonym_kid: 1, kids: [1], kept: [1], keys: [] }] };
  await sync.syncNow("test");
  const sent = pushes().flatMap((r) => r.body.operations);
  assert.equal(sent.length, 2);
  assert.match(sent[0].data.note, /^enc1\.1\./);
  assert.match(sent[0].data.person_code, /^pc1\./);
  assert.equal(await keys.open(7, sent[0].data.note), "Cherche un hébergement");
  assert.equal(server.requests.filter((r) => r.path === "/api/v1/sync/push").length, 1);
});
