// The lock screen: shows nothing about anyone, asks for the PIN.

import { t } from "../i18n.js";
import * as lock from "../lock.js";
import { field, h, mount } from "../ui.js";

export async function render(root, app) {
  const error = h("p", { class: "error", role: "alert", id: "unlock-error" });
  const pin = h("input", { name: "pin", type: "password", inputmode: "numeric", autocomplete: "off", required: true, autofocus: true });
  const submit = h("button", { type: "submit", class: "primary big" }, t("Unlock"));
  const form = h(
    "form",
    {
      class: "card",
      "data-screen": "lock",
      onsubmit: async (event) => {
        event.preventDefault();
        const wait = await lock.unlockDelaySeconds();
        if (wait > 0 && Date.now() - (app.lastFailedUnlock || 0) < wait * 1000) {
          error.textContent = t("Too many wrong PINs. Wait {n} seconds.", { n: wait });
          return;
        }
        submit.disabled = true;
        error.textContent = "";
        const ok = await lock.unlock(pin.value);
        submit.disabled = false;
        if (ok) {
          app.navigate(app.current || "session", app.params);
        } else {
          app.lastFailedUnlock = Date.now();
          pin.value = "";
          error.textContent = t("Wrong PIN.");
          pin.focus();
        }
      },
    },
    h("h1", {}, t("Locked")),
    field(t("PIN"), pin),
    error,
    submit,
    h(
      "button",
      {
        type: "button",
        class: "link-button",
        onclick: async () => {
          if (window.confirm(t("Forget this device? Records not yet sent will be lost."))) {
            await app.wipeAndRestart(t("This phone's local data has been erased."));
          }
        },
      },
      t("Forgot the PIN"),
    ),
  );
  mount(root, form);
}
