// The sync engine: push the outbox, then pull reference data and the team's records with the
// cursor. Runs on unlock, on reconnect, every minute and on demand; retries with exponential
// backoff and jitter, never sooner than the server's Retry-After. Nothing leaves the outbox
// without the server's acknowledgement.

import * as api from "./api.js";
import { bus, get, isStorageFull, isUnlocked, list, putMany } from "./db.js";
import * as keySync from "./key-sync.js";
import * as ledger from "./ledger.js";
import * as outbox from "./outbox.js";

const MAX_BATCH = 500;
const PERIOD_MS = 60_000;
const BACKOFF_BASE_MS = 2_000;
const BACKOFF_MAX_MS = 5 * 60_000;
const REF_TYPES = new Set(["concern", "action", "platform", "hotspot", "partner", "field"]);

export const state = {
  running: false,
  failures: 0,
  lastSuccess: null,
  lastError: null,
  nextAttemptAt: null,
  needsSignIn: false,
  waitingForKey: 0, // operations held until a teammate's device shares the team key (ADR 010)
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

/** The next try: the backoff, but never before the server's Retry-After (503, 429). */
export function retryDelay(failures, retryAfterSeconds = null, random = Math.random) {
  return Math.max(backoffDelay(failures, random), (retryAfterSeconds || 0) * 1000);
}

function wire(o) {
  const op = { op: o.op, uuid: o.uuid, client_updated_at: o.client_updated_at, data: o.wire_data ?? o.data };
  if (o.base_version != null) op.base_version = o.base_version;
  if (o.op.endsWith(".create")) op.client_created_at = o.client_created_at;
  return op;
}

/** The server's clock minus ours, so edit windows are judged on the server's time. */
async function noteServerTime(answer) {
  const at = answer && Date.parse(answer.server_time);
  if (at) await putMany([["state:server_time_offset", at - Date.now()]]);
}

async function pushAll(token) {
  let limit = MAX_BATCH;
  for (;;) {
    const { ready, waiting } = await keySync.prepare(await outbox.pending());
    state.waitingForKey = waiting;
    if (!ready.length) return;
    const batch = ready.slice(0, limit);
    let answer;
    try {
      // What the phone still holds, for the coordinator who may have to revoke it.
      const device = { outbox: await outbox.size(), last_sync_at: state.lastSuccess };
      answer = await api.push(token, batch.map(wire), device);
    } catch (err) {
      if (err.kind === "too_large") {
        if (batch.length > 1) {
          limit = Math.max(1, Math.floor(batch.length / 2)); // 413: halve the batch and resend
        } else {
          await outbox.refuse(batch[0], "too_large"); // alone and still too large: flag it
        }
        continue;
      }
      throw err;
    }
    await noteServerTime(answer);
    const progressed = await outbox.settle(batch, answer.results || []);
    if (!progressed) return; // nothing acknowledged or flagged: avoid a tight loop
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
      const name = itemKey(item);
      if (!name) continue;
      if (page.snapshot) (received ||= new Set()).add(name);
      if (item.op === "delete") {
        deletions.push(name);
      } else if (item.type === "session") {
        const local = await get(name);
        const data = await keySync.openPulled("session", item.data, local);
        writes.push([name, { ...(local || {}), ...data, local: local?.local || null }]);
      } else if (item.type === "contact") {
        const uuid = item.data.uuid || item.id;
        if (!pendingUuids.has(uuid)) {
          const data = await keySync.openPulled("contact", item.data, await get(name));
          writes.push([name, { uuid, data, version: item.data.version, synced: true }]);
        }
      } else {
        writes.push([name, { id: item.id, ...item.data }]); // hotspot/partner ids: integers, as in routes
      }
    }
    if (page.snapshot && page.snapshot_complete && received) {
      const entries = [];
      for (const prefix of ["ref:", "session:", "contact:"]) entries.push(...(await list(prefix)));
      deletions.push(...staleKeys(entries, received, pendingUuids, await get("state:active_session")));
    }
    cursor = page.cursor ?? cursor;
    writes.push(["state:cursor", cursor]);
    const at = Date.parse(page.server_time);
    if (at) writes.push(["state:server_time_offset", at - Date.now()]);
    await putMany(writes, deletions);
    if (!page.more) return;
  }
}

/**
 * After a complete snapshot, the server-owned copies it did not send are out of scope (retired,
 * cancelled, past the window): their keys, to drop. Records with queued operations and the
 * session under way stay whatever the snapshot says. `entries`: [{key, value}] of the local
 * reference lists, sessions and contacts.
 */
export function staleKeys(entries, received, pendingUuids, activeSession) {
  const stale = [];
  for (const { key, value } of entries) {
    const uuid = value && value.uuid;
    if (received.has(key) || (uuid && (pendingUuids.has(uuid) || uuid === activeSession))) continue;
    stale.push(key);
  }
  return stale;
}

export function itemKey(item) {
  if (REF_TYPES.has(item.type)) return `ref:${item.type}:${item.id}`;
  if (item.type === "session" || item.type === "contact") {
    return `${item.type}:${(item.data && item.data.uuid) || item.id}`;
  }
  return null;
}

/** One full sync now. Resolves with true on success; failures schedule a retry. */
export async function syncNow(reason = "manual") {
  if (state.running || !isUnlocked()) return false;
  state.running = true; // before any await: two triggers at once (reconnect, a save) make one sync
  const token = await get("state:token").catch(() => null);
  if (!token) {
    state.running = false;
    return false;
  }
  state.reason = reason;
  emit();
  clearTimeout(retryTimer);
  try {
    await keySync.exchange(token);
    await pushAll(token);
    await pullAll(token);
    state.failures = 0;
    state.needsSignIn = false;
    state.lastError = null;
    state.nextAttemptAt = null;
    state.lastSuccess = new Date().toISOString();
    await putMany([
      ["state:last_sync", state.lastSuccess],
      ["state:needs_sign_in", false],
    ]);
    ledger.write({ last_sync: state.lastSuccess });
    return true;
  } catch (err) {
    // Signed in again while this attempt ran: its answer is about the old token, not this phone.
    if (isUnlocked() && (await get("state:token").catch(() => token)) !== token) return false;
    if (err.kind === "revoked") {
      state.running = false;
      await onRevoked();
      return false;
    }
    if (err.kind === "unauthorised") {
      // The token is no longer valid (not revoked): keep everything, ask to sign in again.
      state.needsSignIn = true;
      await putMany([["state:needs_sign_in", true]]).catch(() => {});
    }
    state.failures += 1;
    state.lastError = isStorageFull(err) ? "storage_full" : err.kind || "client";
    if (!(err instanceof api.ApiError) || err.transient) {
      const delay = retryDelay(state.failures, err.retryAfter);
      state.nextAttemptAt = new Date(Date.now() + delay).toISOString();
      retryTimer = setTimeout(() => syncNow("retry"), delay);
    }
    return false;
  } finally {
    state.running = false;
    emit();
  }
}

/** What the last session left: the last success and whether the server asked for a sign-in. */
export async function loadLastSuccess() {
  state.lastSuccess = (await get("state:last_sync")) || null;
  state.needsSignIn = Boolean(await get("state:needs_sign_in"));
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
  globalThis.window?.removeEventListener("online", onOnline);
  bus.removeEventListener("queued", onQueued);
}

function onOnline() {
  // The network is back: try now — unless the server itself asked to wait (503, 429).
  const waiting = state.nextAttemptAt && Date.parse(state.nextAttemptAt) > Date.now();
  if (waiting && state.lastError !== "network") return;
  state.failures = 0;
  syncNow("online");
}

export async function references(type) {
  return (await list(`ref:${type}:`)).map((e) => e.value);
}
