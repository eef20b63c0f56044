// The outbox: operations waiting for the server's acknowledgement, in the order they were made.
// An operation leaves only when the server answered created/duplicate/updated for the exact
// revision that was sent; rejected and conflicting ones stay, with the server's words, until fixed.

import { bus, del, list, putMany } from "./db.js";

const PREFIX = "outbox:";
let seq = 0;

function newId() {
  seq = (seq + 1) % 1000;
  return `${String(Date.now()).padStart(15, "0")}-${String(seq).padStart(3, "0")}-${crypto.randomUUID().slice(0, 8)}`;
}

export async function all() {
  return (await list(PREFIX)).map((e) => e.value);
}

export async function pending() {
  return (await all()).filter((op) => op.status === "pending");
}

export async function problems() {
  return (await all()).filter((op) => op.status !== "pending");
}

/**
 * Queues an operation and, in the same transaction, the local records it changes.
 * Edits of a record whose create or update has not been acknowledged yet are folded into that
 * queued operation, so the server sees one create with the latest data.
 */
export async function enqueue(spec, alsoWrite = []) {
  const now = new Date().toISOString();
  const ops = await all();
  let op = null;
  if (spec.op === "contact.update" || spec.op === "session.update") {
    const kind = spec.op.split(".")[0];
    op = ops.find(
      (o) => o.uuid === spec.uuid && (o.op === `${kind}.create` || o.op === spec.op),
    );
  }
  if (op) {
    op = {
      ...op,
      data: { ...op.data, ...spec.data },
      client_updated_at: now,
      status: "pending",
      errors: null,
      current: null,
      rev: (op.rev || 0) + 1,
    };
  } else {
    op = {
      id: newId(),
      op: spec.op,
      uuid: spec.uuid,
      base_version: spec.base_version ?? null,
      client_created_at: spec.client_created_at || now,
      client_updated_at: now,
      data: spec.data,
      status: "pending",
      errors: null,
      current: null,
      rev: 0,
    };
  }
  await putMany([...alsoWrite, [PREFIX + op.id, op]]);
  bus.dispatchEvent(new Event("queued"));
  return op;
}

export async function save(op) {
  await putMany([[PREFIX + op.id, op]]);
}

export async function remove(op) {
  await del(PREFIX + op.id);
}

/** Adds operations from a backup file, skipping those already queued (same id). */
export async function importOps(ops) {
  const known = new Set((await all()).map((o) => o.id));
  const fresh = ops.filter((o) => o && o.id && o.uuid && o.op && !known.has(o.id));
  if (fresh.length) await putMany(fresh.map((o) => [PREFIX + o.id, { ...o, status: "pending" }]));
  return fresh.length;
}
