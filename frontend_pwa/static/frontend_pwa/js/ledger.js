// What must outlive the encrypted database: the phone's install identity, whether it is signed
// in, and how many operations wait in the outbox — counts and times, never a record's content.
// Browsers may erase IndexedDB on their own (storage pressure, eviction, "clear site data"):
// this plaintext note, kept apart in localStorage, is how the app can still tell the worker
// what was lost instead of showing an empty app as if nothing had happened.

const KEY = "maraude:ledger";

function storage() {
  try {
    return globalThis.localStorage || null;
  } catch {
    return null; // storage disabled (private mode, policy)
  }
}

export function read() {
  try {
    return JSON.parse(storage()?.getItem(KEY) || "{}") || {};
  } catch {
    return {};
  }
}

export function write(patch) {
  try {
    storage()?.setItem(KEY, JSON.stringify({ ...read(), ...patch, updated_at: new Date().toISOString() }));
  } catch {
    /* full or unavailable: the encrypted store stays the source of truth */
  }
}

/** Forgets everything but the install identity (the phone is still the same phone). */
export function reset() {
  const { install_id: installId } = read();
  try {
    storage()?.removeItem(KEY);
  } catch {
    /* nothing to remove */
  }
  if (installId) write({ install_id: installId });
}

/** The random identity of this install, sent at sign-in so that signing in again replaces the
 * phone's previous device on the server instead of adding one. Kept in the plaintext meta store
 * and in the ledger, so it survives a wipe of either. */
export async function installId(metaGet, metaSet) {
  let id = (await metaGet("install_id")) || read().install_id;
  if (!id) id = crypto.randomUUID();
  if ((await metaGet("install_id")) !== id) await metaSet("install_id", id);
  if (read().install_id !== id) write({ install_id: id });
  return id;
}
