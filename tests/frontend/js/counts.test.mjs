// Head counts, a digital slot's funnel and the field app's language, as code: what is queued,
// in which order, and what the phone refuses before the server would.

import assert from "node:assert/strict";
import { beforeEach, test } from "node:test";

import { db, freshPhone, newContact, outbox, pushes, store, sync } from "./harness.mjs";

globalThis.document ??= { documentElement: { lang: "fr" } };
const JS = new URL("../../../frontend_pwa/static/frontend_pwa/js/", import.meta.url);
const counts = await import(new URL("counts.js", JS));
const i18n = await import(new URL("i18n.js", JS));

const SESSION = "5f0e0c1e-0000-4000-8000-000000000001";

beforeEach(freshPhone);

test("taps count by cell, undo takes the last one back and is told to the server", async () => {
  await counts.tap(SESSION, "15_17", "girl");
  await counts.tap(SESSION, "15_17", "girl");
  const boy = await counts.tap(SESSION, "13_14", "boy");
  let marks = await counts.taps(SESSION);
  assert.deepEqual(counts.cells(marks), { counts: { "15_17|girl": 2, "13_14|boy": 1 }, total: 3 });
  assert.equal(counts.lastTap(marks).uuid, boy.uuid);

  await counts.undo(counts.lastTap(marks));
  marks = await counts.taps(SESSION);
  assert.deepEqual(counts.cells(marks), { counts: { "15_17|girl": 2 }, total: 2 });
  assert.equal(counts.lastTap(marks).gender, "girl");
  const ops = await outbox.all();
  assert.deepEqual(
    ops.map((o) => o.op),
    ["tally.add", "tally.add", "tally.add", "tally.remove"],
  );
  assert.deepEqual(ops[3].data, { reason: "undo" });
  assert.equal(ops[3].uuid, boy.uuid);
});

test("a tap turned into a contact is queued right after the contact, in the same step", async () => {
  const mark = await counts.tap(SESSION, "15_17", "girl");
  const contact = await store.saveContact({ data: newContact(), fromTally: mark.uuid });
  const ops = await outbox.all();
  assert.deepEqual(
    ops.map((o) => [o.op, o.uuid]),
    [
      ["tally.add", mark.uuid],
      ["contact.create", contact.uuid],
      ["tally.remove", mark.uuid],
    ],
  );
  assert.deepEqual(ops[2].data, { reason: "promoted", contact: contact.uuid });
  assert.equal(counts.cells(await counts.taps(SESSION)).total, 0);

  await sync.syncNow("test");
  assert.deepEqual(
    pushes()[0].body.operations.map((o) => o.op),
    ["tally.add", "contact.create", "tally.remove"],
  );
  assert.equal((await outbox.all()).length, 0);
  assert.equal((await db.get(`tally:${mark.uuid}`)).synced, true);
});

test("a slot's funnel that does not add up is caught on the phone, as on the server", () => {
  const slot = { conversations: 2, requests: { housing: 2, health: 1 }, orientations: 3 };
  assert.deepEqual(counts.funnelProblems(slot), [
    ["requests", { requests: 3, conversations: 2 }],
    ["orientations", { orientations: 3, conversations: 2 }],
  ]);
  assert.deepEqual(counts.funnelProblems({ conversations: 3, requests: { housing: 2 }, orientations: 1 }), []);
});

test("a slot's counts are queued as they stand, without empty request categories", async () => {
  const slot = counts.newSlot(SESSION, "messaging");
  await counts.saveSlot({ ...slot, profiles_spotted: 4, conversations: 1, requests: { housing: 1, legal: 0 } });
  const [op] = await outbox.all();
  assert.equal(op.op, "slot.save");
  assert.equal(op.uuid, slot.uuid);
  assert.deepEqual(op.data.requests, { housing: 1 });
  assert.equal(op.data.profiles_spotted, 4);
  const shown = await counts.slots({ uuid: SESSION, digital_slots: [] });
  assert.equal(shown.length, 1);
});

test("the language follows the phone's choice, else the account, else the phone's languages", () => {
  assert.equal(i18n.preferred(null, null, ["en-GB", "fr-FR"]), "en");
  assert.equal(i18n.preferred(null, null, ["de-DE", "fr-CA"]), "fr");
  assert.equal(i18n.preferred(null, null, ["de-DE"]), "fr");
  assert.equal(i18n.preferred(null, "en", ["fr-FR"]), "en");
  assert.equal(i18n.preferred("fr", "en", ["en-US"]), "fr");
  assert.equal(i18n.preferred(null, "", ["en-US"]), "en");
});

test("undo takes back the last tap even when taps share one millisecond", async () => {
  const RealDate = globalThis.Date;
  const frozen = RealDate.now();
  globalThis.Date = class extends RealDate {
    constructor(...args) {
      super(...(args.length ? args : [frozen]));
    }
    static now() {
      return frozen;
    }
  };
  try {
    const made = [];
    for (const gender of ["girl", "boy", "girl", "boy", "other", "girl", "boy", "girl"]) {
      made.push(await counts.tap(SESSION, "15_17", gender));
    }
    const marks = await counts.taps(SESSION);
    assert.equal(new Set(marks.map((m) => m.tapped_at)).size, 1); // one millisecond for all
    assert.deepEqual(marks.map((m) => m.uuid), made.map((m) => m.uuid));
    assert.equal(counts.lastTap(marks).uuid, made.at(-1).uuid);
  } finally {
    globalThis.Date = RealDate;
  }
});
