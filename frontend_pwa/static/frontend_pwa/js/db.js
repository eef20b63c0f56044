// IndexedDB: a plaintext "meta" store (salt, PIN verifier, preferences: nothing about people)
// and an encrypted "vault" store (device token, reference data, sessions, contacts, outbox).
// Schema upgrades only ever add stores: a new app version never drops queued data.

import { open as openBox, seal } from "./crypto.js";
import * as ledger from "./ledger.js";

const DB_NAME = "maraude";
const DB_VERSION = 1;
let dbPromise = null;
let key = null;
let wiping = false;

export const bus = new EventTarget();

function request(req) {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

function done(tx) {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error || new Error("aborted"));
  });
}

const STORES = ["meta", "vault"];

function openAt(version) {
  return new Promise((resolve, reject) => {
    const req = version ? indexedDB.open(DB_NAME, version) : indexedDB.open(DB_NAME);
    req.onupgradeneeded = () => {
      const db = req.result;
      for (const name of STORES) if (!db.objectStoreNames.contains(name)) db.createObjectStore(name);
    };
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

export function openDb() {
  if (!dbPromise) {
    dbPromise = (async () => {
      let db = await openAt(null);
      if (db.version < DB_VERSION || STORES.some((n) => !db.objectStoreNames.contains(n))) {
        // Older, newer-but-incomplete or foreign database: upgrade it, adding what is missing.
        const next = Math.max(DB_VERSION, db.version + 1);
        db.close();
        db = await openAt(next);
      }
      db.onversionchange = (event) => {
        db.close();
        dbPromise = null;
        // Another tab upgrading the schema: let it, and reopen on next use. Deleted by someone
        // else (newVersion null, and not our own wipe): the data is gone.
        if (event.newVersion === null && !wiping) storageLost();
      };
      // The browser closed the connection itself: its storage was cleared or evicted.
      db.onclose = () => {
        dbPromise = null;
        if (!wiping) storageLost();
      };
      return db;
    })();
  }
  return dbPromise;
}

/** The database vanished under the app: forget the key and let the app say what was lost. */
function storageLost() {
  const wasOpen = key !== null;
  key = null;
  bus.dispatchEvent(new CustomEvent("storage-lost", { detail: { wasOpen } }));
}

/** True when a write failed because the browser's storage quota for the app is used up. */
export function isStorageFull(err) {
  return Boolean(err) && (err.name === "QuotaExceededError" || /quota/i.test(String(err.message || "")));
}

// --- plaintext meta -------------------------------------------------------------------------
export async function metaGet(name) {
  const db = await openDb();
  return request(db.transaction("meta").objectStore("meta").get(name));
}

export async function metaSet(name, value) {
  const db = await openDb();
  const tx = db.transaction("meta", "readwrite");
  tx.objectStore("meta").put(value, name);
  return done(tx);
}

// --- the key ----------------------------------------------------------------------------------
export function setKey(k) {
  key = k;
}
export function clearKey() {
  key = null;
}
export function isUnlocked() {
  return key !== null;
}
function requireKey() {
  if (!key) throw new Error("locked");
  return key;
}

// --- encrypted vault --------------------------------------------------------------------------
export async function put(name, value) {
  await putMany([[name, value]]);
}

/** Writes several entries in one transaction: all of them are stored, or none. */
export async function putMany(entries, deletions = []) {
  const k = requireKey();
  const boxes = await Promise.all(entries.map(([, value]) => seal(k, value)));
  const db = await openDb();
  const tx = db.transaction("vault", "readwrite");
  const store = tx.objectStore("vault");
  entries.forEach(([name], i) => store.put(boxes[i], name));
  deletions.forEach((name) => store.delete(name));
  await done(tx);
  bus.dispatchEvent(new CustomEvent("change", { detail: entries.map(([n]) => n) }));
}

export async function get(name) {
  const k = requireKey();
  const db = await openDb();
  const box = await request(db.transaction("vault").objectStore("vault").get(name));
  return box ? openBox(k, box) : undefined;
}

/** Several entries read in one transaction (undefined where missing), decrypted in parallel. */
export async function getMany(names) {
  const k = requireKey();
  if (!names.length) return [];
  const db = await openDb();
  const store = db.transaction("vault").objectStore("vault");
  const boxes = await Promise.all(names.map((name) => request(store.get(name))));
  return Promise.all(boxes.map((box) => (box ? openBox(k, box) : undefined)));
}

export async function del(name) {
  const db = await openDb();
  const tx = db.transaction("vault", "readwrite");
  tx.objectStore("vault").delete(name);
  await done(tx);
  bus.dispatchEvent(new CustomEvent("change", { detail: [name] }));
}

/** Every decrypted value whose key starts with prefix (e.g. "outbox:"), in key order. */
export async function list(prefix) {
  const k = requireKey();
  const db = await openDb();
  const range = IDBKeyRange.bound(prefix, `${prefix}\uffff`);
  const store = db.transaction("vault").objectStore("vault");
  const [keys, boxes] = await Promise.all([
    request(store.getAllKeys(range)),
    request(store.getAll(range)),
  ]);
  return Promise.all(boxes.map(async (box, i) => ({ key: keys[i], value: await openBox(k, box) })));
}

export async function count(prefix) {
  const db = await openDb();
  const range = IDBKeyRange.bound(prefix, `${prefix}\uffff`);
  return request(db.transaction("vault").objectStore("vault").count(range));
}

/** Deletes every local record (revoked device, forgotten PIN). Cached app files stay, and so
 * does the install identity: this is still the same phone when someone signs in again. */
export async function wipe() {
  key = null;
  wiping = true;
  try {
    if (dbPromise) {
      (await dbPromise).close();
      dbPromise = null;
    }
    await request(indexedDB.deleteDatabase(DB_NAME));
  } finally {
    wiping = false;
  }
  const { install_id: installId } = ledger.read();
  try {
    localStorage.clear();
    sessionStorage.clear();
  } catch {
    /* storage may be unavailable; nothing else to clear */
  }
  ledger.reset();
  if (installId) ledger.write({ install_id: installId });
}
