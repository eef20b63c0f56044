// The field app's own ES modules, run in Node (no browser, no bundler): IndexedDB from
// fake-indexeddb, WebCrypto and fetch from Node, a scripted server answering the sync API.
// `make test` runs these with `node --test` (see the Makefile); each file gets its own process.

import "fake-indexeddb/auto";

class MemoryStorage {
  #items = new Map();
  getItem(key) {
    return this.#items.has(key) ? this.#items.get(key) : null;
  }
  setItem(key, value) {
    this.#items.set(key, String(value));
  }
  removeItem(key) {
    this.#items.delete(key);
  }
  clear() {
    this.#items.clear();
  }
}

globalThis.localStorage = new MemoryStorage();
globalThis.sessionStorage = new MemoryStorage();
globalThis.window = new EventTarget(); // sync.start() listens for "online" on it

// --- WebCrypto: count decryptions, the cost that grew with the square of the outbox -------
const subtle = globalThis.crypto.subtle;
const realDecrypt = subtle.decrypt.bind(subtle);
export const counters = { decrypt: 0 };
subtle.decrypt = (...args) => {
  counters.decrypt += 1;
  return realDecrypt(...args);
};

// --- a scripted server --------------------------------------------------------------------
export const server = {
  requests: [],
  /** (request) => Response; replace in a test. Default: every operation created. */
  handler: (request) => (request.path.startsWith("/api/v1/sync/pull") ? pullPage() : createdAll(request)),
};

globalThis.fetch = async (path, init = {}) => {
  const request = {
    path: String(path),
    method: init.method || "GET",
    headers: init.headers || {},
    body: init.body ? JSON.parse(init.body) : null,
  };
  // Team keys (ADR 010): a device of no team, so nothing is sealed; kept out of `requests`.
  if (request.path.startsWith("/api/v1/keys/legacy")) return json(200, { contacts: [], sessions: [], converted: 0 });
  if (request.path.startsWith("/api/v1/keys")) {
    return json(200, { public_key: request.body?.public_key || "", teams: [], waiting: [], ...server.keys });
  }
  server.requests.push(request);
  return server.handler(request);
};

export function json(status, body, headers = {}) {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "Content-Type": "application/json", ...headers },
  });
}

export function createdAll(request, version = 1) {
  return json(200, {
    results: request.body.operations.map((op) => ({ uuid: op.uuid, op: op.op, status: "created", version })),
    server_time: new Date().toISOString(),
    clock_skew_seconds: 0,
  });
}

export function pullPage({ items = [], snapshot = false, complete = false, more = false } = {}) {
  return json(200, {
    items,
    cursor: "c1",
    more,
    snapshot,
    snapshot_complete: complete,
    server_time: new Date().toISOString(),
  });
}

export const pushes = () => server.requests.filter((r) => r.path === "/api/v1/sync/push");

// --- the app's modules ----------------------------------------------------------------------
const JS = new URL("../../../frontend_pwa/static/frontend_pwa/js/", import.meta.url);
export const db = await import(new URL("db.js", JS));
export const crypto_ = await import(new URL("crypto.js", JS));
export const ledger = await import(new URL("ledger.js", JS));
export const outbox = await import(new URL("outbox.js", JS));
export const store = await import(new URL("store.js", JS));
export const sync = await import(new URL("sync.js", JS));

/** A fresh, unlocked, enrolled phone: empty vault, a device token, a clean scripted server. */
export async function freshPhone() {
  await db.wipe();
  // A few PBKDF2 iterations: the tests exercise the storage, not the key derivation.
  db.setKey(await crypto_.deriveKey("482915", crypto_.randomBytes(16), 10));
  await db.putMany([["state:token", "token-1"]]);
  server.requests = [];
  server.keys = {};
  server.handler = (request) =>
    request.path.startsWith("/api/v1/sync/pull") ? pullPage() : createdAll(request);
  Object.assign(sync.state, {
    running: false,
    failures: 0,
    lastSuccess: null,
    lastError: null,
    nextAttemptAt: null,
    needsSignIn: false,
  });
  sync.stop();
  counters.decrypt = 0;
}

export function newContact(i = 0) {
  return {
    session: "5f0e0c1e-0000-4000-8000-000000000001",
    occurred_at: new Date(Date.now() - i * 60_000).toISOString(),
    age_band: "15_17",
    gender: "girl",
  };
}

/** Queues `n` new contacts as a worker's saves do (record and operation in one transaction). */
export async function queueContacts(n) {
  const made = [];
  for (let i = 0; i < n; i += 1) made.push(await store.saveContact({ data: newContact(i) }));
  return made;
}
