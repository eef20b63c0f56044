// The team's printed recovery key (ADR 010): 256 random bits made in the coordinator's browser,
// written as 56 characters of Crockford base32 (52 for the secret, 4 of checksum: the first 20
// bits of its SHA-256), in groups of four. It never leaves the browser: the server only stores
// the team keys wrapped under a key derived from it (HKDF-SHA-256, then AES-GCM): `rk1.<salt>.<iv>.<ct>`.

import { b64u, unb64u } from "./keys.js";

const ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
const SECRET_BYTES = 32;
const SECRET_CHARS = Math.ceil((SECRET_BYTES * 8) / 5); // 52
const CHECK_CHARS = 4;
export const CODE_CHARS = SECRET_CHARS + CHECK_CHARS;
const INFO = new TextEncoder().encode("maraude recovery sheet v1");

/** Why a typed recovery key is refused before any decryption: "length" or "checksum". */
export class BadRecoveryCode extends Error {
  constructor(reason) {
    super(reason);
    this.reason = reason;
  }
}

function toBase32(bytes, chars) {
  let bits = 0;
  let value = 0;
  let out = "";
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
    value &= (1 << bits) - 1;
  }
  if (bits > 0) out += ALPHABET[(value << (5 - bits)) & 31];
  return out.slice(0, chars);
}

function fromBase32(text, bytes) {
  const out = new Uint8Array(bytes);
  let bits = 0;
  let value = 0;
  let i = 0;
  for (const ch of text) {
    value = (value << 5) | ALPHABET.indexOf(ch);
    bits += 5;
    if (bits >= 8 && i < bytes) {
      out[i] = (value >>> (bits - 8)) & 255;
      i += 1;
      bits -= 8;
    }
    value &= (1 << bits) - 1;
  }
  if (value !== 0) throw new BadRecoveryCode("checksum"); // unused trailing bits must be zero
  return out;
}

async function checksum(secret) {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", secret));
  return toBase32(digest.slice(0, 3), CHECK_CHARS); // 20 of its 24 bits
}

/** The printable form of a secret: "ABCD-EFGH-…" (14 groups of 4). */
export async function encode(secret) {
  const text = toBase32(secret, SECRET_CHARS) + (await checksum(secret));
  return text.match(/.{4}/g).join("-");
}

/** The secret from what a person typed: case, spaces and dashes ignored, O read as 0, I and L as 1. */
export async function decode(typed) {
  const text = String(typed)
    .toUpperCase()
    .replace(/[\s-]/g, "")
    .replace(/O/g, "0")
    .replace(/[IL]/g, "1");
  if (text.length !== CODE_CHARS || [...text].some((ch) => !ALPHABET.includes(ch))) {
    throw new BadRecoveryCode("length");
  }
  const secret = fromBase32(text.slice(0, SECRET_CHARS), SECRET_BYTES);
  if ((await checksum(secret)) !== text.slice(SECRET_CHARS)) throw new BadRecoveryCode("checksum");
  return secret;
}

export function newSecret() {
  return crypto.getRandomValues(new Uint8Array(SECRET_BYTES));
}

async function sheetKey(secret, salt) {
  const material = await crypto.subtle.importKey("raw", secret, "HKDF", false, ["deriveKey"]);
  return crypto.subtle.deriveKey(
    { name: "HKDF", hash: "SHA-256", salt, info: INFO },
    material,
    { name: "AES-GCM", length: 256 },
    false,
    ["encrypt", "decrypt"],
  );
}

/** A raw team key wrapped under the sheet's secret: `rk1.<salt>.<iv>.<ct>`. */
export async function wrapUnder(secret, rawKey) {
  const salt = crypto.getRandomValues(new Uint8Array(16));
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const ct = await crypto.subtle.encrypt({ name: "AES-GCM", iv }, await sheetKey(secret, salt), rawKey);
  return `rk1.${b64u(salt)}.${b64u(iv)}.${b64u(ct)}`;
}

/** The raw team key, or null when this secret does not open the copy (another sheet). */
export async function unwrapUnder(secret, copy) {
  const [, salt, iv, ct] = copy.split(".");
  try {
    const key = await sheetKey(secret, unb64u(salt));
    return new Uint8Array(await crypto.subtle.decrypt({ name: "AES-GCM", iv: unb64u(iv) }, key, unb64u(ct)));
  } catch {
    return null;
  }
}
