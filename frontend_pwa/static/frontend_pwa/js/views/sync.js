// Sync: what is waiting, when the last sync succeeded, what the server refused and how to fix
// it; encrypted backup of the outbox; the app's settings.

import { openFile, sealForFile } from "../crypto.js";
import { get, metaGet, metaSet, putMany } from "../db.js";
import { lang, setLang, t } from "../i18n.js";
import * as lock from "../lock.js";
import * as outbox from "../outbox.js";
import * as store from "../store.js";
import * as sync from "../sync.js";
import { announce, dateTime, field, h, mount, select } from "../ui.js";
import { form as signInForm } from "./signin.js";

/** Re-rendered after each sync unless the worker is typing in a field. */
export function live() {
  const el = document.activeElement;
  if (el && el.closest("input, select, textarea")) return false;
  // A half-filled form (backup PIN, chosen file, sign-in) is never wiped by a refresh.
  return ![...document.querySelectorAll("[data-screen=sync] input")].some((input) => input.value);
}

const OP_LABEL = {
  "contact.create": "New contact",
  "contact.update": "Contact correction",
  "session.start": "Session start",
  "session.update": "Session change",
  "session.end": "Session end",
};

export async function render(root, app) {
  const ops = await outbox.all();
  const waiting = ops.filter((o) => o.status === "pending");
  const problems = ops.filter((o) => o.status !== "pending");
  const s = sync.state;
  const lastSuccess = s.lastSuccess || (await get("state:last_sync"));
  const prefs = (await metaGet("prefs")) || {};
  const device = await get("state:device");
  const user = await get("state:user");
  const status = s.running
    ? t("Syncing…")
    : s.lastError
      ? t("Last attempt failed ({reason}). Next try at {time}.", {
          reason: t(FAILURES[s.lastError] || "refused"),
          time: s.nextAttemptAt ? dateTime(s.nextAttemptAt) : "—",
        })
      : t("Up to date as far as this phone knows.");

  // ADR 010: notes leave sealed with the team key, which a teammate's device shares with this one.
  const teamKeys = (await get("state:keys")) || {};
  const holds = await Promise.all(Object.entries(teamKeys).map(([team, k]) => k.current_kid && get(`key:team:${team}:${k.current_kid}`)));
  const keyState = !Object.keys(teamKeys).length ? "unknown" : holds.some(Boolean) ? "held" : "waiting";
  const keyText =
    keyState === "held"
      ? t("Held: notes and person codes leave encrypted.")
      : keyState === "waiting"
        ? t("Waiting for the team key: a teammate's phone shares it at its next sync. {n} records wait on this phone, encrypted.", { n: s.waitingForKey })
        : t("Not known yet: sync once.");

  const backupPin = h("input", { type: "password", inputmode: "numeric", name: "backup_pin", autocomplete: "off" });
  const importFile = h("input", { type: "file", name: "backup_file", accept: ".json,application/json" });
  const backupMsg = h("p", { role: "status", id: "backup-status" });

  mount(
    root,
    h(
      "section",
      { "data-screen": "sync" },
      h("h1", {}, t("Sync")),
      s.needsSignIn ? signInForm(app) : null,
      h(
        "dl",
        { class: "facts" },
        h("dt", {}, t("Waiting to be sent")),
        h("dd", { id: "pending-count" }, String(waiting.length)),
        h("dt", {}, t("Last successful sync")),
        h("dd", { id: "last-sync" }, lastSuccess ? dateTime(lastSuccess) : t("never")),
        h("dt", {}, t("State")),
        h("dd", { id: "sync-state" }, status),
        h("dt", {}, t("Team key")),
        h("dd", { id: "team-key", "data-key-state": keyState }, keyText),
        h("dt", {}, t("Storage")),
        h(
          "dd",
          { id: "persist-state" },
          app.persisted
            ? t("Protected: the browser will not clear it on its own.")
            : t("Not protected: the browser may clear it if space runs low. Sync often."),
        ),
      ),
      h("button", { type: "button", class: "primary big", "data-action": "sync-now", disabled: s.running, onclick: () => sync.syncNow("manual") }, t("Sync now")),
      h("h2", {}, t("Problems")),
      problems.length
        ? h("ul", { class: "list", id: "problems" }, problems.map((op) => problemItem(op, app)))
        : h("p", { class: "muted" }, t("No problem.")),
      h("h2", {}, t("Backup")),
      h("p", {}, t("Save the records waiting to be sent in an encrypted file (for example before resetting the phone).")),
      field(t("PIN protecting the file"), backupPin),
      h(
        "div",
        { class: "stack" },
        h("button", { type: "button", class: "big", "data-action": "export", onclick: () => exportBackup(backupPin, backupMsg) }, t("Export the outbox")),
        field(t("Backup file to import"), importFile),
        h("button", { type: "button", class: "big", "data-action": "import", onclick: () => importBackup(backupPin, importFile, backupMsg, app) }, t("Import a backup")),
      ),
      backupMsg,
      h("h2", {}, t("Settings")),
      field(
        t("Lock after inactivity"),
        select([1, 2, 5, 10, 15].map((m) => [m, t("{n} min", { n: m })]), prefs.idleMinutes || lock.DEFAULT_IDLE_MINUTES, {
          name: "idle",
          onchange: async (e) => {
            await lock.setIdleMinutes(Number(e.target.value));
            announce(t("Saved."));
          },
        }),
      ),
      field(
        t("Theme"),
        select([["auto", t("Dark at night, light by day")], ["dark", t("Dark")], ["light", t("Light")]], prefs.theme || "auto", {
          name: "theme",
          onchange: async (e) => {
            await metaSet("prefs", { ...((await metaGet("prefs")) || {}), theme: e.target.value });
            await app.applyTheme(e.target.value);
          },
        }),
      ),
      field(
        t("Language"),
        select([["fr", "Français"], ["en", "English"]], lang().slice(0, 2), {
          name: "lang",
          onchange: async (e) => {
            await metaSet("prefs", { ...((await metaGet("prefs")) || {}), lang: e.target.value });
            setLang(e.target.value);
            app.navigate("sync");
          },
        }),
      ),
      h(
        "p",
        { class: "muted" },
        [user ? `${user.username}${user.team ? ` · ${user.team.name}` : ""}` : "", device ? `${t("Device")}: ${device.label}` : "", app.swVersion ? `${t("Version")} ${app.swVersion}` : ""]
          .filter(Boolean)
          .join(" · "),
      ),
      app.waitingWorker ? h("button", { type: "button", class: "big", onclick: () => app.applyUpdate() }, t("Update now")) : null,
      h("div", { class: "stack" },
        h("button", { type: "button", class: "big", onclick: () => lock.lock() }, t("Lock now")),
        h(
          "button",
          {
            type: "button",
            class: "danger",
            onclick: async () => {
              const left = (await outbox.all()).length;
              const warning = left
                ? t("{n} records have not reached the server and will be lost. Forget this device anyway?", { n: left })
                : t("Forget this device and erase its local data?");
              if (window.confirm(warning)) await app.wipeAndRestart(t("This phone's local data has been erased."));
            },
          },
          t("Forget this device"),
        ),
      ),
    ),
  );
}

const FAILURES = {
  network: "no network",
  server: "server unavailable",
  unauthorised: "sign-in needed",
  storage_full: "this phone's storage is full",
};

const REASONS = {
  too_large: "Too large for the server, even sent alone.",
  invalid: "Some fields are not accepted:",
  identifier: "Holds a phone number, e-mail, handle or link: remove it, then save again.",
  locked: "The edit window is over: the server no longer accepts corrections.",
  forbidden: "Not allowed: this is not a session or place of your team.",
  not_found: "The server never received the original record.",
};

function describe(op) {
  const fields = Object.entries(op.errors || {}).map(([name, messages]) => `${t(name)}: ${[].concat(messages).join(" ")}`);
  if (op.status === "conflict") return [t("Changed on the server since this phone last saw it."), ...fields];
  const reason = REASONS[op.reason] ? [t(REASONS[op.reason])] : [];
  return reason.length || fields.length ? [...reason, ...fields] : [t("Refused by the server.")];
}

function problemItem(op, app) {
  const isContact = op.op.startsWith("contact.");
  return h(
    "li",
    { class: "card problem", "data-uuid": op.uuid, "data-status": op.status },
    h("strong", {}, `${t(OP_LABEL[op.op] || op.op)} · ${dateTime(op.client_updated_at)}`),
    h("ul", {}, describe(op).map((line) => h("li", {}, line))),
    h(
      "div",
      { class: "row-actions" },
      isContact && op.status === "rejected"
        ? h("button", { type: "button", class: "primary", "data-action": "fix", onclick: () => app.navigate("contact", { uuid: op.uuid }) }, t("Fix"))
        : null,
      op.status === "conflict"
        ? [
            h(
              "button",
              {
                type: "button",
                class: "primary",
                "data-action": "keep-mine",
                onclick: async () => {
                  await outbox.save({ ...op, status: "pending", errors: null, base_version: op.current?.version ?? op.base_version, current: null, rev: op.rev + 1 });
                  sync.syncNow("manual");
                  app.navigate("sync");
                },
              },
              t("Keep my version"),
            ),
            isContact
              ? h(
                  "button",
                  {
                    type: "button",
                    "data-action": "take-theirs",
                    onclick: async () => {
                      const record = await store.getContact(op.uuid);
                      const current = op.current || {};
                      await putMany([[`contact:${op.uuid}`, { ...record, data: { ...record.data, ...current }, version: current.version, synced: true }]]);
                      await outbox.remove(op);
                      app.navigate("sync");
                    },
                  },
                  t("Use the server's version"),
                )
              : null,
          ]
        : null,
      !isContact || op.status === "rejected"
        ? h(
            "button",
            {
              type: "button",
              onclick: async () => {
                await outbox.save({ ...op, status: "pending", errors: null, rev: op.rev + 1 });
                sync.syncNow("manual");
                app.navigate("sync");
              },
            },
            t("Retry"),
          )
        : null,
    ),
  );
}

async function exportBackup(pinInput, msg) {
  if (!lock.validPin(pinInput.value)) {
    msg.textContent = t("The PIN needs at least {n} digits.", { n: lock.MIN_PIN_LENGTH });
    return;
  }
  const ops = await outbox.all();
  const body = await sealForFile(pinInput.value, { exported_at: new Date().toISOString(), operations: ops });
  const blob = new Blob([JSON.stringify(body)], { type: "application/json" });
  const a = document.createElement("a");
  a.href = URL.createObjectURL(blob);
  a.download = `maraude-outbox-${new Date().toISOString().slice(0, 16).replace(/[:T]/g, "-")}.json`;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
  msg.textContent = t("{n} records exported to an encrypted file.", { n: ops.length });
}

async function importBackup(pinInput, fileInput, msg, app) {
  const file = fileInput.files && fileInput.files[0];
  if (!file) {
    msg.textContent = t("Choose a backup file first.");
    return;
  }
  let payload;
  try {
    payload = await openFile(pinInput.value, JSON.parse(await file.text()));
  } catch {
    msg.textContent = t("This file cannot be opened with this PIN.");
    return;
  }
  const added = await outbox.importOps(payload.operations || []);
  // Contacts in the backup become visible again in Recent.
  const writes = [];
  for (const op of payload.operations || []) {
    if (op.op === "contact.create" && !(await store.getContact(op.uuid))) {
      writes.push([
        `contact:${op.uuid}`,
        { uuid: op.uuid, data: op.data, version: null, created_at: op.client_created_at, updated_at: op.client_updated_at, synced: false },
      ]);
    }
  }
  if (writes.length) await putMany(writes);
  msg.textContent = t("{n} records imported.", { n: added });
  announce(msg.textContent);
  sync.syncNow("import");
}
