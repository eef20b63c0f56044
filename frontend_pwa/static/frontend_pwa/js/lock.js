// The PIN lock: the key exists in memory only between unlock and lock. The app locks after an
// idle time the worker chooses, when hidden in the background for that long, and on demand.

import { checkVerifier, deriveKey, KDF_ITERATIONS, makeVerifier, randomBytes } from "./crypto.js";
import { bus, clearKey, isUnlocked, metaGet, metaSet, setKey } from "./db.js";

export const MIN_PIN_LENGTH = 6;
export const DEFAULT_IDLE_MINUTES = 5;
let idleTimer = null;
let idleMs = DEFAULT_IDLE_MINUTES * 60_000;
let hiddenAt = null;

export async function isSetUp() {
  return Boolean(await metaGet("pin"));
}

export function validPin(pin) {
  return /^\d+$/.test(pin) && pin.length >= MIN_PIN_LENGTH;
}

/** Sets the PIN for a fresh device: new salt, new key, a verifier to recognise the PIN. */
export async function setPin(pin) {
  const salt = randomBytes(16);
  const key = await deriveKey(pin, salt, KDF_ITERATIONS);
  const verifier = await makeVerifier(key);
  await metaSet("pin", { salt, verifier, iterations: KDF_ITERATIONS });
  setKey(key);
  bus.dispatchEvent(new Event("unlock"));
  armIdle();
}

/** Resolves true and unlocks when the PIN opens the verifier; false otherwise. */
export async function unlock(pin) {
  const record = await metaGet("pin");
  if (!record) return false;
  performance.mark("maraude:unlock-start");
  const key = await deriveKey(pin, record.salt, record.iterations);
  performance.measure("maraude:key-derivation", "maraude:unlock-start");
  if (!(await checkVerifier(key, record.verifier))) {
    await metaSet("failed_unlocks", ((await metaGet("failed_unlocks")) || 0) + 1);
    return false;
  }
  await metaSet("failed_unlocks", 0);
  setKey(key);
  bus.dispatchEvent(new Event("unlock"));
  armIdle();
  return true;
}

/** Seconds to wait before the next PIN attempt: none for 3 failures, then doubling. */
export async function unlockDelaySeconds() {
  const failures = (await metaGet("failed_unlocks")) || 0;
  return failures < 3 ? 0 : Math.min(300, 2 ** (failures - 2));
}

export function lock() {
  clearTimeout(idleTimer);
  if (!isUnlocked()) return;
  clearKey();
  bus.dispatchEvent(new Event("lock"));
}

function armIdle() {
  clearTimeout(idleTimer);
  if (isUnlocked()) idleTimer = setTimeout(lock, idleMs);
}

export async function idleMinutes() {
  const prefs = (await metaGet("prefs")) || {};
  return prefs.idleMinutes || DEFAULT_IDLE_MINUTES;
}

export async function setIdleMinutes(minutes) {
  const prefs = (await metaGet("prefs")) || {};
  await metaSet("prefs", { ...prefs, idleMinutes: minutes });
  idleMs = minutes * 60_000;
  armIdle();
}

export async function watchIdle() {
  idleMs = (await idleMinutes()) * 60_000;
  for (const type of ["pointerdown", "keydown", "input", "scroll"]) {
    window.addEventListener(type, armIdle, { passive: true, capture: true });
  }
  document.addEventListener("visibilitychange", () => {
    if (document.hidden) {
      hiddenAt = Date.now();
    } else if (hiddenAt && Date.now() - hiddenAt >= idleMs) {
      lock();
    }
  });
}
