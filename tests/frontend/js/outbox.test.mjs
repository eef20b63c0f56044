// The outbox as code: edits folding into queued operations, the server's results applied, and
// the cost of both with thousands of operations waiting.

import assert from "node:assert/strict";
import { beforeEach, test } from "node:test";

import { counters, db, freshPhone, ledger, newContact, outbox, queueContacts, store } from "./harness.mjs";

beforeEach(freshPhone);

test("an edit of a contact whose create is still queued folds into that create", async () => {
  const [record] = await queueContacts(1);

  await store.saveContact({ uuid: record.uuid, data: { gender: "boy", note: "revue" } });

  const ops = await outbox.all();
  assert.equal(ops.length, 1);
  assert.equal(ops[0].op, "contact.create");
  assert.equal(ops[0].rev, 1);
  assert.equal(ops[0].data.gender, "boy");
  assert.equal(ops[0].data.age_band, "15_17");
  assert.equal(ops[0].data.note, "revue");
});

test("edits of an acknowledged record queue one update, and later edits fold into it", async () => {
  const uuid = crypto.randomUUID();
  await db.putMany([[`contact:${uuid}`, { uuid, data: newContact(), version: 3, synced: true }]]);

  await store.saveContact({ uuid, data: { gender: "boy" } });
  await store.saveContact({ uuid, data: { note: "orientée" } });

  const ops = await outbox.all();
  assert.equal(ops.length, 1);
  assert.equal(ops[0].op, "contact.update");
  assert.equal(ops[0].base_version, 3);
  assert.equal(ops[0].rev, 1);
  assert.deepEqual([ops[0].data.gender, ops[0].data.note], ["boy", "orientée"]);
});

test("a session change never folds into the session's start", async () => {
  const uuid = crypto.randomUUID();
  await outbox.enqueue({ op: "session.start", uuid, data: { started_at: new Date().toISOString() } });

  await outbox.enqueue({ op: "session.update", uuid, base_version: 1, data: { young_people_seen: 4 } });

  assert.deepEqual((await outbox.all()).map((o) => o.op), ["session.start", "session.update"]);
});

test("queueing a new record decrypts nothing already waiting", async () => {
  await queueContacts(200);
  counters.decrypt = 0;

  await queueContacts(1);

  assert.equal(counters.decrypt, 0);
  assert.equal(await outbox.size(), 201);
  assert.equal(ledger.read().outbox, 201, "the plaintext ledger counts what waits");
});

function results(ops, status, extra = {}) {
  return ops.map((o) => ({ uuid: o.uuid, op: o.op, status, version: 1, ...extra }));
}

test("acknowledged operations leave and their records learn the server's version", async () => {
  await queueContacts(3);
  const sent = await outbox.pending();
  const answers = [
    { uuid: sent[0].uuid, op: sent[0].op, status: "created", version: 1 },
    { uuid: sent[1].uuid, op: sent[1].op, status: "duplicate", version: 1 },
    { uuid: sent[2].uuid, op: sent[2].op, status: "updated", version: 2 },
  ];

  assert.equal(await outbox.settle(sent, answers), 3);

  assert.deepEqual(await outbox.all(), []);
  const versions = await Promise.all(sent.map((o) => store.getContact(o.uuid)));
  assert.deepEqual(versions.map((r) => [r.version, r.synced]), [[1, true], [1, true], [2, true]]);
  assert.equal(ledger.read().outbox, 0);
});

test("a record edited while its create was in flight goes on as an update of the new version", async () => {
  const [record] = await queueContacts(1);
  const sent = await outbox.pending();
  await store.saveContact({ uuid: record.uuid, data: { gender: "other" } }); // during the request

  await outbox.settle(sent, results(sent, "created"));

  const [left] = await outbox.all();
  assert.equal(left.op, "contact.update");
  assert.equal(left.base_version, 1);
  assert.equal(left.data.gender, "other");
  assert.equal(left.status, "pending");
});

test("refused and conflicting operations stay with the server's words", async () => {
  await queueContacts(2);
  const sent = await outbox.pending();
  const current = { uuid: sent[1].uuid, version: 4, gender: "boy" };

  await outbox.settle(sent, [
    { uuid: sent[0].uuid, op: sent[0].op, status: "rejected", reason: "invalid", errors: { age_band: ["Non."] } },
    { uuid: sent[1].uuid, op: sent[1].op, status: "conflict", version: 4, current },
  ]);

  const [refused, conflicting] = await outbox.all();
  assert.deepEqual([refused.status, refused.reason, refused.errors], ["rejected", "invalid", { age_band: ["Non."] }]);
  assert.deepEqual([conflicting.status, conflicting.server_version, conflicting.current], ["conflict", 4, current]);
});

test("a refusal of a revision the worker already corrected leaves the correction pending", async () => {
  const [record] = await queueContacts(1);
  const sent = await outbox.pending();
  await store.saveContact({ uuid: record.uuid, data: { age_band: "13_14" } });

  await outbox.settle(sent, results(sent, "rejected", { reason: "invalid" }));

  const [left] = await outbox.all();
  assert.equal(left.status, "pending");
  assert.equal(left.data.age_band, "13_14");
});

test("results that do not match what was sent, in order, change nothing", async () => {
  await queueContacts(2);
  const sent = await outbox.pending();
  const swapped = [sent[1], sent[0]].map((o) => ({ uuid: o.uuid, op: o.op, status: "created", version: 1 }));

  assert.equal(await outbox.settle(sent, swapped), 0);
  assert.equal((await outbox.all()).length, 2);
});

test("a save made while results are being applied is never lost", async () => {
  const [record] = await queueContacts(1);
  const sent = await outbox.pending();

  // Not awaited: the worker saves a correction while the answer is being applied.
  const settling = outbox.settle(sent, results(sent, "created"));
  const saving = store.saveContact({ uuid: record.uuid, data: { note: "corrigée" } });
  await Promise.all([settling, saving]);

  const ops = await outbox.all();
  assert.equal(ops.length, 1);
  assert.equal(ops[0].op, "contact.update");
  assert.equal(ops[0].data.note, "corrigée");
});

test("applying a batch of 500 results reads the batch, not the 2,000 operations waiting", async () => {
  await queueContacts(2000);
  const sent = (await outbox.pending()).slice(0, 500);
  counters.decrypt = 0;

  await outbox.settle(sent, results(sent, "created"));

  // 500 operations and their 500 records: linear in the batch (it was 500 × 2,000 before).
  assert.ok(counters.decrypt <= 1000, `${counters.decrypt} decryptions`);
  assert.equal(await outbox.size(), 1500);
});

test("a single operation too large for the server is flagged, not retried forever", async () => {
  const [record] = await queueContacts(1);
  const [op] = await outbox.pending();

  await outbox.refuse(op, "too_large");

  const [flagged] = await outbox.all();
  assert.equal(flagged.uuid, record.uuid);
  assert.deepEqual([flagged.status, flagged.reason], ["rejected", "too_large"]);
});

test("one form saved twice, even at the same moment, is one record and one operation", async () => {
  const id = store.newContactId();
  const data = newContact(0);
  const [a, b] = await Promise.all([
    store.saveContact({ uuid: id, isNew: true, data }),
    store.saveContact({ uuid: id, isNew: true, data }),
  ]);
  const again = await store.saveContact({ uuid: id, isNew: true, data });
  assert.equal(a.uuid, id);
  assert.equal(b.uuid, id);
  assert.equal(again.uuid, id);
  const ops = await outbox.all();
  assert.equal(ops.length, 1);
  assert.equal(ops[0].op, "contact.create");
  assert.equal(ops[0].uuid, id);
});
