// The outbox: operations waiting for the server's acknowledgement, in the order they were made.
// An operation leaves only when the server answered created/duplicate/updated for the exact
// revision that was sent; rejected and conflicting ones stay, with the server's words, until fixed.
// Every change to the outbox runs alone (`exclusive`), so a save made while a sync's answers are
// being applied can never be lost between a read and a write.

import { bus, count, getMany, list, putMany } from "./db.js";
import * as ledger from "./ledger.js";

const PREFIX = "outbox:";
const ACKED = new Set(["created", "duplicate", "updated"]);
let seq = 0;
let chain = Promise.resolve();

function newId() {
  seq = (seq + 1) % 1000;
  return `${String(Date.now()).padStart(15, "0")}-${String(seq).padStart(3, "0")}-${crypto.randomUUID().slice(0, 8)}`;
}

/** Runs `fn` with the outbox to itself (across tabs where the browser has Web Locks). */
export function exclusive(fn) {
  const locks = globalThis.navigator?.locks;
  if (locks?.request) return locks.request("maraude-outbox", () => fn());
  const run = chain.then(() => fn());
  chain = run.catch(() => {});
  return run;
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

/** How many operations the outbox holds (pending and problems), without decrypting any. */
export function size() {
  return count(PREFIX);
}

async function noteSize() {
  ledger.write({ outbox: await size() });
}

/** A queued operation with a later edit of the same record folded in (one create, latest data). */
export function merged(op, spec, now) {
  return {
    ...op,
    data: { ...op.data, ...spec.data },
    client_updated_at: now,
    status: "pending",
    errors: null,
    current: null,
    rev: (op.rev || 0) + 1,
  };
}

/** The queued operation an edit folds into: the record's unacknowledged create or same update. */
export function foldTarget(ops, spec) {
  if (spec.op !== "contact.update" && spec.op !== "session.update") return null;
  const kind = spec.op.split(".")[0];
  return ops.find((o) => o.uuid === spec.uuid && (o.op === `${kind}.create` || o.op === spec.op)) || null;
}

function fresh(spec, now) {
  return {
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

/**
 * Queues an operation and, in the same transaction, the local records it changes.
 * Edits of a record whose create or update has not been acknowledged yet are folded into that
 * queued operation, so the server sees one create with the latest data. Only edits read the
 * outbox: a new record is queued without decrypting what already waits.
 * `thenOps`: further new operations recorded in the same step, sent right after this one
 * (a head count tap turned into the contact just saved).
 */
export function enqueue(spec, alsoWrite = [], thenOps = []) {
  return exclusive(async () => {
    const now = new Date().toISOString();
    const target = spec.op.endsWith(".update") ? foldTarget(await all(), spec) : null;
    const op = target ? merged(target, spec, now) : fresh(spec, now);
    const more = thenOps.map((extra) => fresh(extra, now));
    await putMany([...alsoWrite, [PREFIX + op.id, op], ...more.map((o) => [PREFIX + o.id, o])]);
    await noteSize();
    bus.dispatchEvent(new Event("queued"));
    return op;
  });
}

export function save(op) {
  return exclusive(() => putMany([[PREFIX + op.id, op]]));
}

export function remove(op) {
  return exclusive(async () => {
    await putMany([], [PREFIX + op.id]);
    await noteSize();
  });
}

/** The local record an operation is about: "contact:<uuid>" or "session:<uuid>". */
function recordKey(op) {
  return `${op.op.split(".")[0]}:${op.uuid}`;
}

/**
 * What the server's answers change locally — pure, for `settle` and the tests.
 * `matched`: [sent operation, its result]; `current`: each operation as stored now (undefined
 * if it left meanwhile); `records`: the local record for each key in `recordKeys`.
 * Returns {writes, deletions} for one transaction.
 */
export function settlement(matched, current, records) {
  const ops = new Map(); // outbox key -> operation as it will be stored (null: removed)
  const touched = new Map(); // record key -> record with its new version
  matched.forEach(([sent, result], i) => {
    const now = current[i];
    if (!now) return;
    const name = PREFIX + now.id;
    if (ACKED.has(result.status)) {
      const key = recordKey(sent);
      const record = touched.get(key) || records.get(key);
      if (record && result.version != null) touched.set(key, { ...record, version: result.version, synced: true });
      if (now.rev === sent.rev) {
        ops.set(name, null);
      } else {
        // Edited while the request was in flight: the edit goes on as an update of that version.
        const kind = now.op.split(".")[0];
        ops.set(name, {
          ...now,
          op: now.op.endsWith(".create") ? `${kind}.update` : now.op,
          base_version: result.version ?? now.base_version,
        });
      }
    } else if ((result.status === "conflict" || result.status === "rejected") && now.rev === sent.rev) {
      ops.set(name, {
        ...now,
        status: result.status,
        reason: result.reason || null,
        errors: result.errors || null,
        current: result.current || null,
        server_version: result.version ?? null,
      });
    }
  });
  const writes = [...touched.entries()];
  const deletions = [];
  for (const [name, op] of ops) {
    if (op) writes.push([name, op]);
    else deletions.push(name);
  }
  return { writes, deletions };
}

/**
 * Applies the server's results (one per operation sent, in order, docs/sync-protocol.md §2.3)
 * in one transaction, reading only the operations sent and their records: the cost grows with
 * the batch, not with the outbox. Returns how many results matched an operation sent.
 */
export function settle(sent, results) {
  return exclusive(async () => {
    const matched = [];
    results.forEach((result, i) => {
      const op = sent[i];
      if (op && result && op.uuid === result.uuid && op.op === result.op) matched.push([op, result]);
    });
    if (!matched.length) return 0;
    const current = await getMany(matched.map(([op]) => PREFIX + op.id));
    const keys = [...new Set(matched.filter(([, r]) => ACKED.has(r.status)).map(([op]) => recordKey(op)))];
    const found = await getMany(keys);
    const records = new Map(keys.map((key, i) => [key, found[i]]));
    const { writes, deletions } = settlement(matched, current, records);
    await putMany(writes, deletions);
    await noteSize();
    return matched.length;
  });
}

/** Flags an operation the server can never take as sent (over its size limit on its own, or an
 * identifier found before sealing its text: the server can no longer read it, ADR 010). */
export function refuse(op, reason, errors = null) {
  return exclusive(async () => {
    const [now] = await getMany([PREFIX + op.id]);
    if (now && now.rev === op.rev) await putMany([[PREFIX + op.id, { ...now, status: "rejected", reason, errors }]]);
  });
}

/** Keeps the sealed form of an operation's data with it, for that revision only (a replay sends
 * the same envelopes; an edit meanwhile is sealed anew). */
export function attachSealed(op, sealed) {
  return exclusive(async () => {
    const [now] = await getMany([PREFIX + op.id]);
    if (now && now.rev === op.rev) await putMany([[PREFIX + op.id, { ...now, sealed }]]);
  });
}

/** Adds operations from a backup file, skipping those already queued (same id). */
export function importOps(ops) {
  return exclusive(async () => {
    const known = new Set((await all()).map((o) => o.id));
    const fresh = ops.filter((o) => o && o.id && o.uuid && o.op && !known.has(o.id));
    // Sealed anew on this device: its team keys may differ from the exporting one's (ADR 010).
    if (fresh.length) await putMany(fresh.map((o) => [PREFIX + o.id, { ...o, status: "pending", sealed: null }]));
    await noteSize();
    return fresh.length;
  });
}
