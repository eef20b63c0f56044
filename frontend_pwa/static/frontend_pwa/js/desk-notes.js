// The coordinator's desk (Team activity): team notes arrive encrypted (ADR 010). This browser
// opens them with the team keys its field app holds (same site, same storage), once the
// coordinator types the field app's PIN. Nothing decrypted is ever sent back to the server.

import { metaGet } from "./db.js";
import { lang } from "./i18n.js";
import { openAny } from "./key-sync.js";
import * as lock from "./lock.js";

const TEXT = {
  fr: {
    none: "Les notes d'équipe sont chiffrées. Pour les lire, connectez une fois l'application de terrain (/app/) dans ce navigateur : le téléphone d'un·e membre de l'équipe lui partage la clé à sa prochaine synchro.",
    pin: "Code PIN de l'application de terrain de ce navigateur",
    open: "Lire les notes",
    wrong: "Code incorrect.",
    done: "{n} notes lues dans ce navigateur ; {m} restent chiffrées (clé pas encore reçue).",
  },
  en: {
    none: "Team notes are encrypted. To read them, sign in to the field app (/app/) once in this browser: a team member's phone shares the key with it at its next sync.",
    pin: "PIN of this browser's field app",
    open: "Read the notes",
    wrong: "Wrong PIN.",
    done: "{n} notes read in this browser; {m} stay encrypted (key not received yet).",
  },
};

function say(key, values = {}) {
  const words = TEXT[lang() === "fr" ? "fr" : "en"][key];
  return words.replace(/\{(\w+)\}/g, (_, k) => String(values[k]));
}

async function enrolled() {
  // Never create the field app's database here: only read it when it exists.
  if (indexedDB.databases && !(await indexedDB.databases()).some((d) => d.name === "maraude")) return false;
  return Boolean(await metaGet("enrolled"));
}

async function openCells(cells) {
  let opened = 0;
  for (const cell of cells) {
    const data = await openAny({ note: cell.dataset.sealed }, ["note"]);
    if (data.sealed) continue;
    cell.textContent = data.note;
    cell.removeAttribute("data-sealed");
    cell.dataset.opened = "";
    opened += 1;
  }
  return opened;
}

async function main() {
  const cells = [...document.querySelectorAll("[data-sealed]")];
  const box = document.getElementById("desk-keys");
  if (!cells.length || !box) return;
  box.hidden = false;
  if (!(await enrolled())) {
    box.textContent = say("none");
    return;
  }
  const form = document.createElement("form");
  const label = document.createElement("label");
  const input = Object.assign(document.createElement("input"), { type: "password", name: "pin", inputMode: "numeric", autocomplete: "off" });
  const button = Object.assign(document.createElement("button"), { type: "submit", textContent: say("open") });
  const status = Object.assign(document.createElement("p"), { role: "status", id: "desk-keys-status" });
  label.append(say("pin"), " ", input);
  form.append(label, " ", button);
  box.replaceChildren(form, status);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    button.disabled = true;
    try {
      if (!(await lock.unlock(input.value))) {
        status.textContent = say("wrong");
        return;
      }
      input.value = "";
      const opened = await openCells(cells);
      lock.lock(); // the keys leave memory again; the page keeps the text until it is left
      status.textContent = say("done", { n: opened, m: cells.length - opened });
    } finally {
      button.disabled = false;
    }
  });
}

main();
