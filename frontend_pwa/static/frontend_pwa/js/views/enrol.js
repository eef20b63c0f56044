// First run: sign in once (enrols this phone and gets its device token), then choose a PIN.

import * as api from "../api.js";
import { metaGet, metaSet, putMany } from "../db.js";
import { preferred, setLang, t } from "../i18n.js";
import * as ledger from "../ledger.js";
import * as lock from "../lock.js";
import * as sync from "../sync.js";
import { announce, dateTime, field, h, mount } from "../ui.js";

let enrolment = null; // kept in memory only until the PIN exists to encrypt it

/** Why a sign-in failed, in words (`offline`: what to say without a network). */
export function refusal(err, offline) {
  if (err.kind === "network") return offline;
  if (err.status === 429) return t("Too many attempts. Wait a few minutes and try again.");
  return t("Sign-in refused: check your username and password.");
}

export function render(root, app) {
  if (enrolment) return renderPin(root, app);
  const error = h("p", { class: "error", role: "alert", id: "enrol-error" });
  const username = h("input", { name: "username", autocomplete: "username", required: true, autocapitalize: "none" });
  const password = h("input", { name: "password", type: "password", autocomplete: "current-password", required: true });
  const label = h("input", { name: "label", value: t("My phone"), maxlength: "60" });
  const submit = h("button", { type: "submit", class: "primary big" }, t("Sign in"));
  const form = h(
    "form",
    {
      class: "card",
      "data-screen": "enrol",
      onsubmit: async (event) => {
        event.preventDefault();
        error.textContent = "";
        submit.disabled = true;
        try {
          enrolment = await api.enrol({
            username: username.value.trim(),
            password: password.value,
            label: label.value.trim() || t("My phone"),
            install_id: await ledger.installId(metaGet, metaSet),
          });
          // The account's language, when it has one, from now on (a choice made on this phone wins).
          const prefs = (await metaGet("prefs")) || {};
          await metaSet("prefs", { ...prefs, account_lang: enrolment.user?.language || null });
          setLang(preferred(prefs.lang, enrolment.user?.language));
          app.navigate("session"); // shows the PIN step
        } catch (err) {
          error.textContent = refusal(err, t("No network: the first sign-in needs a connection."));
        } finally {
          submit.disabled = false;
        }
      },
    },
    h("h1", {}, t("Sign in")),
    h("p", {}, t("Sign in once with a connection. Afterwards the app works offline, behind your PIN.")),
    field(t("Username"), username),
    field(t("Password"), password),
    field(t("Name of this phone"), label, t("Shown to your coordinator, who can disconnect it if it is lost.")),
    error,
    submit,
  );
  mount(root, form);
}

function renderPin(root, app) {
  const error = h("p", { class: "error", role: "alert", id: "pin-error" });
  const pin = h("input", { name: "pin", type: "password", inputmode: "numeric", autocomplete: "new-password", required: true });
  const again = h("input", { name: "pin2", type: "password", inputmode: "numeric", autocomplete: "new-password", required: true });
  const submit = h("button", { type: "submit", class: "primary big" }, t("Set the PIN"));
  const form = h(
    "form",
    {
      class: "card",
      "data-screen": "pin-setup",
      onsubmit: async (event) => {
        event.preventDefault();
        if (!lock.validPin(pin.value)) {
          error.textContent = t("The PIN needs at least {n} digits.", { n: lock.MIN_PIN_LENGTH });
          return;
        }
        if (pin.value !== again.value) {
          error.textContent = t("The two PINs differ.");
          return;
        }
        submit.disabled = true;
        await lock.setPin(pin.value);
        await putMany([
          ["state:token", enrolment.token],
          ["state:device", enrolment.device],
          ["state:user", enrolment.user],
          ["state:edit_window_hours", enrolment.edit_window_hours || 72],
          ["state:server_time_offset", enrolment.server_time ? Date.parse(enrolment.server_time) - Date.now() : 0],
        ]);
        await metaSet("enrolled", true);
        ledger.write({ enrolled: true, outbox: 0 });
        enrolment = null;
        if (navigator.storage && navigator.storage.persist) {
          try {
            app.persisted = await navigator.storage.persist();
          } catch {
            app.persisted = false;
          }
        }
        announce(t("PIN set. The app is ready."));
        app.navigate("session");
        sync.syncNow("enrol");
      },
    },
    h("h1", {}, t("Choose a PIN")),
    unsentElsewhere(enrolment),
    h("p", {}, t("The PIN encrypts everything stored on this phone. It is never sent anywhere and cannot be recovered.")),
    field(t("PIN (at least 6 digits)"), pin),
    field(t("PIN again"), again),
    error,
    submit,
  );
  mount(root, form);
}

/**
 * What the server knows was still waiting on this worker's earlier sign-ins: on this phone
 * (replaced now: this fresh install no longer holds it) or on another one still signed in.
 */
function unsentElsewhere(answer) {
  const lines = [
    ...(answer.replaced || [])
      .filter((d) => d.outbox_count > 0)
      .map((d) =>
        t("Your previous sign-in on this phone still had {n} records not on the server at its last sync ({time}). This phone no longer holds them: they are lost.", {
          n: d.outbox_count,
          time: d.last_sync_at ? dateTime(d.last_sync_at) : t("never"),
        }),
      ),
    ...(answer.unsent_elsewhere || []).map((d) =>
      t("Your sign-in “{label}” still had {n} records not on the server at its last sync ({time}). If it was this phone, they are lost; otherwise, sync that phone.", {
        label: d.label,
        n: d.outbox_count,
        time: d.last_sync_at ? dateTime(d.last_sync_at) : t("never"),
      }),
    ),
  ];
  if (!lines.length) return null;
  return h("div", { class: "problem", role: "alert", "data-notice": "unsent" }, lines.map((line) => h("p", {}, line)));
}
