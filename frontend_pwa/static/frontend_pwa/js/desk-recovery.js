// The coordinator's recovery sheets (ADR 010), on the desk page /planning/recovery/. Making a
// sheet: a secret made here wraps every key of the team this browser's field app holds; only
// those copies go to the server, the secret is shown once to be printed. Using a sheet: the typed
// secret unwraps the team's copies, which are wrapped for this browser's own device key and sent
// back (the usual delivery path then reaches the team's new devices). The page's words come
// from the template (Django translations), in data-* attributes.

import * as api from "./api.js";
import { get } from "./db.js";
import { enrolled } from "./desk-vault.js";
import * as keys from "./keys.js";
import * as lock from "./lock.js";
import * as rc from "./recovery-code.js";

const tools = document.getElementById("recovery-tools");
const status = document.getElementById("recovery-status");

function say(name, values = {}) {
  const words = tools.dataset[name] || name;
  return words.replace(/\{(\w+)\}/g, (_, k) => String(values[k]));
}

/** Unlocks the field app's vault with the PIN typed in `form`, runs `work(token)`, locks again. */
async function withVault(form, work) {
  const button = form.querySelector("button");
  button.disabled = true;
  status.textContent = "";
  try {
    if (!(await lock.unlock(form.elements.pin.value))) {
      status.textContent = say("wrongPin");
      return;
    }
    form.elements.pin.value = "";
    status.textContent = await work(await get("state:token"));
  } catch (err) {
    status.textContent = err instanceof api.ApiError && err.kind === "network" ? say("offline") : say("failed");
  } finally {
    lock.lock();
    button.disabled = false;
  }
}

async function makeSheet(form, token) {
  const team = Number(form.elements.team.value);
  const held = (await keys.heldKeys()).filter((k) => k.team === team);
  if (!held.length) return say("noKey");
  const secret = rc.newSecret();
  const copies = [];
  for (const key of held) copies.push({ kid: key.kid, wrapped: await rc.wrapUnder(secret, keys.unb64u(key.raw)) });
  await api.makeRecovery(token, { team, copies });
  const sheet = document.getElementById("recovery-sheet");
  sheet.querySelector("[data-sheet-team]").textContent = form.elements.team.selectedOptions[0].textContent;
  sheet.querySelector("[data-sheet-date]").textContent = new Date().toLocaleDateString(document.documentElement.lang || undefined);
  sheet.querySelector("[data-sheet-code]").textContent = await rc.encode(secret);
  sheet.hidden = false;
  document.body.classList.add("has-recovery-sheet");
  return say("made", { n: copies.length });
}

async function useSheet(form, token) {
  const team = Number(form.elements.team.value);
  let secret;
  try {
    secret = await rc.decode(form.elements.code.value);
  } catch (err) {
    if (err instanceof rc.BadRecoveryCode) return say("typo");
    throw err;
  }
  const sheet = (await api.recovery(token)).teams.find((t) => t.team === team);
  const device = await keys.deviceKey();
  const opened = [];
  for (const copy of sheet ? sheet.copies : []) {
    const raw = await rc.unwrapUnder(secret, copy.wrapped);
    if (raw) opened.push({ kid: copy.kid, raw });
  }
  if (!opened.length) return say("wrongKey");
  const wrapped = [];
  for (const key of opened) wrapped.push({ kid: key.kid, wrapped: await keys.wrapFor(device.public, key.raw) });
  await api.restoreRecovery(token, { team, keys: wrapped });
  for (const key of opened) await keys.storeKey(team, key.kid, key.raw);
  form.elements.code.value = "";
  return say("recovered", { n: opened.length });
}

async function main() {
  if (!tools) return;
  if (!(await enrolled())) {
    document.getElementById("recovery-none").hidden = false;
    return;
  }
  tools.hidden = false;
  const make = document.getElementById("make-sheet");
  const use = document.getElementById("use-sheet");
  make.addEventListener("submit", (event) => {
    event.preventDefault();
    withVault(make, (token) => makeSheet(make, token));
  });
  use.addEventListener("submit", (event) => {
    event.preventDefault();
    withVault(use, (token) => useSheet(use, token));
  });
  document.getElementById("print-sheet").addEventListener("click", () => window.print());
}

main();
