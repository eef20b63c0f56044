// Team keys (ADR 010): the server stores team notes and person codes it cannot read.
// This device has an ECDH P-256 key pair (its private key in the vault, under the PIN key);
// each team key (AES-GCM 256, numbered `kid`) reaches it wrapped for its public key by a
// teammate's device. Notes leave sealed with the team key (`enc1.<kid>.<iv>.<ct>`), person codes
// as keyed pseudonyms (`pc1.<HMAC-SHA-256>`), and records pulled are opened here.

import { bus, get, list, putMany } from "./db.js";

const enc = new TextEncoder();
const dec = new TextDecoder();
const WRAP_INFO = enc.encode("maraude team key wrap v1");
const PSEUDONYM_INFO = enc.encode("maraude person pseudonym v1");
const ECDH = { name: "ECDH", namedCurve: "P-256" };
export const SEALED_TEXT = { contact: ["note"], session: ["debrief_notes"] };
const cache = new Map(); // "team:kid" -> CryptoKey, "pseudo:team" -> CryptoKey; emptied on lock

bus.addEventListener("lock", () => cache.clear());

export function b64u(bytes) {
  let s = "";
  const view = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  for (let i = 0; i < view.length; i += 1) s += String.fromCharCode(view[i]);
  return btoa(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

export function unb64u(text) {
  const s = atob(text.replace(/-/g, "+").replace(/_/g, "/") + "===".slice((text.length + 3) % 4));
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i += 1) out[i] = s.charCodeAt(i);
  return out;
}

export const isEnvelope = (v) => typeof v === "string" && v.startsWith("enc1.");
export const isPseudonym = (v) => typeof v === "string" && v.startsWith("pc1.");

// --- this device's key pair -------------------------------------------------------------------
/** The device's key pair, made once (the private key is stored in the vault, never sent). */
export async function deviceKey() {
  const stored = await get("key:device");
  if (stored) return stored;
  const pair = await crypto.subtle.generateKey(ECDH, true, ["deriveBits"]);
  const record = {
    public: b64u(await crypto.subtle.exportKey("raw", pair.publicKey)),
    private: b64u(await crypto.subtle.exportKey("pkcs8", pair.privateKey)),
  };
  await putMany([["key:device", record]]);
  return record;
}

async function wrappingKey(privateKey, publicRaw, epkRaw) {
  const peer = await crypto.subtle.importKey("raw", publicRaw, ECDH, false, []);
  const bits = await crypto.subtle.deriveBits({ name: "ECDH", public: peer }, privateKey, 256);
  const material = await crypto.subtle.importKey("raw", bits, "HKDF", false, ["deriveKey"]);
  return crypto.subtle.deriveKey(
    { name: "HKDF", hash: "SHA-256", salt: epkRaw, info: WRAP_INFO },
    material,
    { name: "AES-GCM", length: 256 },
    false,
    ["encrypt", "decrypt"],
  );
}

/** A team key (raw bytes) wrapped for a device's public key: `wk1.<epk>.<iv>.<ct>`. */
export async function wrapFor(publicKey, rawKey) {
  const eph = await crypto.subtle.generateKey(ECDH, true, ["deriveBits"]);
  const epk = new Uint8Array(await crypto.subtle.exportKey("raw", eph.publicKey));
  const key = await wrappingKey(eph.privateKey, unb64u(publicKey), epk);
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const ct = await crypto.subtle.encrypt({ name: "AES-GCM", iv }, key, rawKey);
  return `wk1.${b64u(epk)}.${b64u(iv)}.${b64u(ct)}`;
}

/** The raw team key from a copy wrapped for this device. */
export async function unwrap(wrapped, device) {
  const [, epk, iv, ct] = wrapped.split(".");
  const privateKey = await crypto.subtle.importKey("pkcs8", unb64u(device.private), ECDH, false, ["deriveBits"]);
  const epkRaw = unb64u(epk);
  const key = await wrappingKey(privateKey, epkRaw, epkRaw);
  return new Uint8Array(await crypto.subtle.decrypt({ name: "AES-GCM", iv: unb64u(iv) }, key, unb64u(ct)));
}

// --- team keys held -----------------------------------------------------------------------------
export async function heldKeys() {
  return (await list("key:team:")).map((e) => e.value); // [{team, kid, raw}]
}

async function teamKey(team, kid) {
  const name = `${team}:${kid}`;
  if (!cache.has(name)) {
    const held = await get(`key:team:${team}:${kid}`);
    if (!held) return null;
    cache.set(name, await crypto.subtle.importKey("raw", unb64u(held.raw), "AES-GCM", false, ["encrypt", "decrypt"]));
  }
  return cache.get(name);
}

/** The key new notes of `team` use: the team's current one, if this device holds it. */
export async function currentKid(team) {
  const state = (await get("state:keys")) || {};
  const kid = state[team]?.current_kid;
  return kid && (await get(`key:team:${team}:${kid}`)) ? kid : null;
}

async function pseudonymKey(team) {
  // Pseudonyms come from one key of the team, its first unless all its holders were lost.
  const kid = ((await get("state:keys")) || {})[team]?.pseudonym_kid;
  const name = `pseudo:${team}:${kid}`;
  if (!cache.has(name)) {
    const first = kid && (await get(`key:team:${team}:${kid}`));
    if (!first) return null;
    const material = await crypto.subtle.importKey("raw", unb64u(first.raw), "HKDF", false, ["deriveKey"]);
    cache.set(
      name,
      await crypto.subtle.deriveKey(
        { name: "HKDF", hash: "SHA-256", salt: new Uint8Array(0), info: PSEUDONYM_INFO },
        material,
        { name: "HMAC", hash: "SHA-256", length: 256 },
        false,
        ["sign"],
      ),
    );
  }
  return cache.get(name);
}

/** The person code's keyed pseudonym for `team`, or null without the team's first key. */
export async function pseudonym(team, code) {
  const key = await pseudonymKey(team);
  if (!key) return null;
  const mac = await crypto.subtle.sign("HMAC", key, enc.encode(code.trim().toUpperCase()));
  return `pc1.${b64u(mac)}`;
}

export async function seal(team, kid, text) {
  const key = await teamKey(team, kid);
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const ct = await crypto.subtle.encrypt({ name: "AES-GCM", iv }, key, enc.encode(text));
  return `enc1.${kid}.${b64u(iv)}.${b64u(ct)}`;
}

/** The text of an envelope, or null when this device lacks its key (or it was altered). */
export async function open(team, envelope) {
  const [, kid, iv, ct] = envelope.split(".");
  const key = await teamKey(team, Number(kid));
  if (!key) return null;
  try {
    return dec.decode(await crypto.subtle.decrypt({ name: "AES-GCM", iv: unb64u(iv) }, key, unb64u(ct)));
  } catch {
    return null;
  }
}

/** A record's data with its envelopes opened where a key is held (`sealed` lists the others). */
export async function openData(team, data, fields) {
  const out = { ...data };
  const still = [];
  for (const name of fields) {
    if (!isEnvelope(data[name])) continue;
    const text = await open(team, data[name]);
    if (text === null) still.push(name);
    else out[name] = text;
  }
  if (still.length) out.sealed = still;
  else delete out.sealed;
  return out;
}

export async function storeKey(team, kid, raw) {
  await putMany([[`key:team:${team}:${kid}`, { team, kid, raw: b64u(raw) }]]);
}
