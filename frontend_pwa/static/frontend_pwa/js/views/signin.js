// Signing in again when the server no longer recognises this phone's token (401): the local
// data stays, the new token sends what waits. The same install identity is sent, so the server
// replaces this phone's previous device instead of adding a second one.

import * as api from "../api.js";
import { get, metaGet, metaSet, putMany } from "../db.js";
import { t } from "../i18n.js";
import * as ledger from "../ledger.js";
import * as sync from "../sync.js";
import { field, h, mount } from "../ui.js";
import { refusal } from "./enrol.js";

export const live = false;

export async function render(root, app) {
  mount(root, h("section", { "data-screen": "signin" }, h("h1", {}, t("Sign in again")), form(app)));
}

export function form(app) {
  const username = h("input", { name: "username", autocomplete: "username", autocapitalize: "none", required: true });
  const password = h("input", { name: "password", type: "password", autocomplete: "current-password", required: true });
  const msg = h("p", { class: "error", role: "alert" });
  const submit = h("button", { type: "submit", class: "primary big" }, t("Sign in again"));
  return h(
    "form",
    {
      class: "card problem",
      "data-screen": "reenrol",
      onsubmit: async (event) => {
        event.preventDefault();
        msg.textContent = "";
        submit.disabled = true;
        try {
          const [device, user] = await Promise.all([get("state:device"), get("state:user")]);
          if (user && username.value.trim() && username.value.trim() !== user.username) {
            // The queued records are this worker's: they must never be sent under another name.
            msg.textContent = t("This phone holds records of {name}: only {name} can sign in again here.", { name: user.username });
            return;
          }
          const answer = await api.enrol({
            username: username.value.trim(),
            password: password.value,
            label: device?.label || t("My phone"),
            install_id: await ledger.installId(metaGet, metaSet),
          });
          await putMany([
            ["state:token", answer.token],
            ["state:device", answer.device],
            ["state:user", answer.user],
            ["state:edit_window_hours", answer.edit_window_hours || 72],
            ["state:needs_sign_in", false],
          ]);
          sync.state.needsSignIn = false;
          await sync.syncNow("reenrol");
          app.navigate("sync");
        } catch (err) {
          msg.textContent = refusal(err, t("No network: signing in needs a connection."));
        } finally {
          submit.disabled = false;
        }
      },
    },
    h("p", {}, t("The server no longer recognises this phone. Sign in again: your records are kept and will be sent.")),
    field(t("Username"), username),
    field(t("Password"), password),
    msg,
    submit,
  );
}
