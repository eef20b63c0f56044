// Encryption at rest: AES-GCM with a key derived from the worker's PIN (PBKDF2-SHA256).
// The derived key is non-extractable and lives only in memory while the app is unlocked.

export const KDF_ITERATIONS = 600000;
const VERIFIER_TEXT = "maraude-pin-ok";
const enc = new TextEncoder();
const dec = new TextDecoder();

export function randomBytes(n) {
  return crypto.getRandomValues(new Uint8Array(n));
}

export function toBase64(bytes) {
  let s = "";
  const view = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  for (let i = 0; i < view.length; i += 1) s += String.fromCharCode(view[i]);
  return btoa(s);
}

export function fromBase64(text) {
  const s = atob(text);
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i += 1) out[i] = s.charCodeAt(i);
  return out;
}

/** Derives the AES-GCM key from a PIN and a per-device salt (takes ~0.1–0.5 s on purpose). */
export async function deriveKey(pin, salt, iterations = KDF_ITERATIONS) {
  const material = await crypto.subtle.importKey("raw", enc.encode(pin), "PBKDF2", false, [
    "deriveKey",
  ]);
  return crypto.subtle.deriveKey(
    { name: "PBKDF2", hash: "SHA-256", salt, iterations },
    material,
    { name: "AES-GCM", length: 256 },
    false,
    ["encrypt", "decrypt"],
  );
}

/** Encrypts any JSON value; a fresh 96-bit IV each time. */
export async function seal(key, value) {
  const iv = randomBytes(12);
  const data = enc.encode(JSON.stringify(value));
  const ct = await crypto.subtle.encrypt({ name: "AES-GCM", iv }, key, data);
  return { iv, ct: new Uint8Array(ct) };
}

/** Decrypts what seal() produced; throws if the key is wrong or the data was altered. */
export async function open(key, box) {
  const plain = await crypto.subtle.decrypt({ name: "AES-GCM", iv: box.iv }, key, box.ct);
  return JSON.parse(dec.decode(plain));
}

export function makeVerifier(key) {
  return seal(key, VERIFIER_TEXT);
}

/** True when the key opens the verifier stored at PIN set-up, i.e. the PIN was right. */
export async function checkVerifier(key, box) {
  try {
    return (await open(key, box)) === VERIFIER_TEXT;
  } catch {
    return false;
  }
}

/** A self-contained encrypted file body: salt and IV travel with it, the PIN does not. */
export async function sealForFile(pin, value) {
  const salt = randomBytes(16);
  const key = await deriveKey(pin, salt);
  const box = await seal(key, value);
  return {
    format: "maraude-outbox-backup",
    version: 1,
    kdf: { name: "PBKDF2-SHA256", iterations: KDF_ITERATIONS, salt: toBase64(salt) },
    iv: toBase64(box.iv),
    ciphertext: toBase64(box.ct),
  };
}

export async function openFile(pin, body) {
  if (!body || body.format !== "maraude-outbox-backup") throw new Error("not-a-backup");
  const key = await deriveKey(pin, fromBase64(body.kdf.salt), body.kdf.iterations);
  return open(key, { iv: fromBase64(body.iv), ct: fromBase64(body.ciphertext) });
}
