// The sync engine: push the outbox, then pull reference data and the team's records with the
// cursor. Runs on unlock, on reconnect, every minute and on demand; retries with exponential
// backoff and jitter. Nothing leaves the outbox without the server's acknowledgement.

import * as api from "./api.js";
import { bus, get, isUnlocked, list, putMany } from "./db.js";
import * as outbox from "./outbox.js";

const MAX_BATCH = 500;
const PERIOD_MS = 60_000;
const BACKOFF_BASE_MS = 2_000;
const BACKOFF_MAX_MS = 5 * 60_000;
const ACKED = new Set(["created", "duplicate", "updated"]);
const REF_TYPES = new Set(["concern", "action", "platform", "hotspot", "partner"]);

export const state = {
  running: false,
  failures: 0,
  lastSuccess: null,
  lastError: null,
  nextAttemptAt: null,
};

let retryTimer = null;
let periodTimer = null;
let soonTimer = null;
const AFTER_SAVE_MS = 1_500;
let onRevoked = () => {};

function emit() {
  bus.dispatchEvent(new CustomEvent("sync", { detail: { ...state } }));
}

/** Delay before the next try after `failures` failures: 2 s doubling to 5 min, 50–100 % jitter. */
export function backoffDelay(failures, random = Math.random) {
  const ceiling = Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** Math.max(0, failures - 1));
  return Math.round(ceiling * (0.5 + random() / 2));
}

async function pushAll(token) {
  let batchSize = MAX_BATCH;
  for (;;) {
    const queued = await outbox.pending();
    if (!queued.length) return;
    const batch = queued.slice(0, batchSize);
    let answer;
    try {
      answer = await api.push(
        token,
        batch.map((o) => {
          const wire = { op: o.op, uuid: o.uuid, client_updated_at: o.client_updated_at, data: o.data };
          if (o.base_version != null) wire.base_version = o.base_version;
          if (o.op.endsWith(".create")) wire.client_created_at = o.client_created_at;
          return wire;
        }),
      );
    } catch (err) {
      if (err.kind === "too_large" && batchSize > 1) {
        batchSize = Math.max(1, Math.floor(batchSize / 2));
        continue;
      }
      throw err;
    }
    const progressed = await applyResults(batch, answer.results || []);
    if (!progressed) return; // nothing acknowledged or flagged: avoid a tight loop
  }
}

async function applyResults(sent, results) {
  let progressed = 0;
  // One result per operation, in the order sent (docs/sync-protocol.md §2.2).
  for (const [i, r] of results.entries()) {
    const sentOp = sent[i];
    if (!sentOp || sentOp.uuid !== r.uuid || sentOp.op !== r.op) continue;
    progressed += 1;
    // Re-read: the worker may have edited the record while the request was in flight.
    const now = (await outbox.all()).find((o) => o.id === sentOp.id);
    if (!now) continue;
    if (ACKED.has(r.status)) {
      await rememberVersion(sentOp, r.version);
      if (now.rev === sentOp.rev) {
        await outbox.remove(now);
      } else {
        const kind = now.op.split(".")[0];
        await outbox.save({
          ...now,
          op: now.op.endsWith(".create") ? `${kind}.update` : now.op,
          base_version: r.version ?? now.base_version,
        });
      }
    } else if (r.status === "conflict" || r.status === "rejected") {
      if (now.rev === sentOp.rev) {
        await outbox.save({
          ...now,
          status: r.status,
          reason: r.reason || null,
          errors: r.errors || null,
          current: r.current || null,
          server_version: r.version ?? null,
        });
      }
    }
  }
  return progressed;
}

async function rememberVersion(op, version) {
  const kind = op.op.split(".")[0];
  const name = `${kind}:${op.uuid}`;
  const record = await get(name);
  if (record && version != null) {
    await putMany([[name, { ...record, version, synced: true }]]);
  }
}

async function pullAll(token) {
  let cursor = (await get("state:cursor")) || null;
  let received = null; // names seen during a full snapshot
  for (;;) {
    let page;
    try {
      page = await api.pull(token, cursor);
    } catch (err) {
      if (err.kind === "client" && err.body && err.body.code === "invalid_cursor" && cursor) {
        cursor = null; // the server forgot this cursor: start again from a snapshot
        continue;
      }
      throw err;
    }
    const pendingUuids = new Set((await outbox.all()).map((o) => o.uuid));
    const writes = [];
    const deletions = [];
    for (const item of page.items || []) {
      const name = await itemKey(item);
      if (!name) continue;
      if (page.snapshot) (received ||= new Set()).add(name);
      if (item.op === "delete") {
        deletions.push(name);
      } else if (item.type === "session") {
        const local = await get(name);
        writes.push([name, { ...(local || {}), ...item.data, local: local?.local || null }]);
      } else if (item.type === "contact") {
        const uuid = item.data.uuid || item.id;
        if (!pendingUuids.has(uuid)) {
          writes.push([name, { uuid, data: item.data, version: item.data.version, synced: true }]);
        }
      } else {
        writes.push([name, { id: item.id, ...item.data }]); // data.id (an int) wins over the key
      }
    }
    if (page.snapshot && page.snapshot_complete && received) {
      deletions.push(...(await notReceived(received, pendingUuids)));
    }
    cursor = page.cursor ?? cursor;
    writes.push(["state:cursor", cursor]);
    await putMany(writes, deletions);
    if (!page.more) return;
  }
}

/**
 * After a complete snapshot, the server-owned copies it did not send are out of scope (retired,
 * cancelled, past the window): drop them. Records with queued operations and the session under
 * way stay whatever the snapshot says.
 */
async function notReceived(received, pendingUuids) {
  const active = await get("state:active_session");
  const stale = [];
  for (const prefix of ["ref:", "session:", "contact:"]) {
    for (const { key, value } of await list(prefix)) {
      const uuid = value && value.uuid;
      if (received.has(key) || (uuid && (pendingUuids.has(uuid) || uuid === active))) continue;
      stale.push(key);
    }
  }
  return stale;
}

async function itemKey(item) {
  if (REF_TYPES.has(item.type)) return `ref:${item.type}:${item.id}`;
  if (item.type === "session" || item.type === "contact") {
    return `${item.type}:${(item.data && item.data.uuid) || item.id}`;
  }
  return null;
}

/** One full sync now. Resolves with true on success; failures schedule a retry. */
export async function syncNow(reason = "manual") {
  if (state.running || !isUnlocked()) return false;
  const token = await get("state:token");
  if (!token) return false;
  state.running = true;
  state.reason = reason;
  emit();
  clearTimeout(retryTimer);
  try {
    await pushAll(token);
    await pullAll(token);
    state.failures = 0;
    state.needsSignIn = false;
    state.lastError = null;
    state.nextAttemptAt = null;
    state.lastSuccess = new Date().toISOString();
    await putMany([["state:last_sync", state.lastSuccess]]);
    return true;
  } catch (err) {
    if (err.kind === "revoked") {
      state.running = false;
      await onRevoked();
      return false;
    }
    if (err.kind === "unauthorised") {
      // The token is no longer valid (not revoked): keep everything, ask to sign in again.
      state.needsSignIn = true;
    }
    state.failures += 1;
    state.lastError = err.kind || "client";
    if (!(err instanceof api.ApiError) || err.transient) {
      const delay = backoffDelay(state.failures);
      state.nextAttemptAt = new Date(Date.now() + delay).toISOString();
      retryTimer = setTimeout(() => syncNow("retry"), delay);
    }
    return false;
  } finally {
    state.running = false;
    emit();
  }
}

export async function loadLastSuccess() {
  state.lastSuccess = (await get("state:last_sync")) || null;
  emit();
}

export function start({ revoked }) {
  onRevoked = revoked;
  stop();
  periodTimer = setInterval(() => navigator.onLine && syncNow("periodic"), PERIOD_MS);
  window.addEventListener("online", onOnline);
  bus.addEventListener("queued", onQueued);
  loadLastSuccess().then(() => syncNow("open"));
}

/** Something was just saved: send it shortly (several quick saves travel together). */
function onQueued() {
  clearTimeout(soonTimer);
  if (navigator.onLine && state.failures === 0) soonTimer = setTimeout(() => syncNow("saved"), AFTER_SAVE_MS);
}

export function stop() {
  clearInterval(periodTimer);
  clearTimeout(retryTimer);
  clearTimeout(soonTimer);
  window.removeEventListener("online", onOnline);
  bus.removeEventListener("queued", onQueued);
}

function onOnline() {
  state.failures = 0;
  syncNow("online");
}

export async function references(type) {
  return (await list(`ref:${type}:`)).map((e) => e.value);
}
