// What the app must say whatever screen is open: a sign-in needed again (401), a save refused
// because the phone's storage is full, and the storage the browser erased. Drawn into the shell,
// above the screens; app.js decides when.

import { wipe } from "./db.js";
import { t } from "./i18n.js";
import * as ledger from "./ledger.js";
import { announce, dateTime, focusScreen, h, mount } from "./ui.js";

const shell = () => document.getElementById("shell");

/** The sign-in banner, on every screen while `needed`; its button opens the sign-in screen. */
export function signInBanner(needed, onSignIn) {
  const banner = document.getElementById("signin-banner");
  if (!needed) {
    banner?.remove();
    return;
  }
  if (banner) return;
  shell().prepend(
    h(
      "div",
      { id: "signin-banner", class: "banner alert", role: "alert" },
      h("span", {}, t("The server no longer recognises this phone: nothing is sent until you sign in again. Your records are kept.")),
      h("button", { type: "button", class: "primary", onclick: onSignIn }, t("Sign in again")),
    ),
  );
}

/** A save refused because the storage quota is used up, wherever it came from. */
export function storageFull() {
  document.getElementById("storage-full-banner")?.remove();
  shell().prepend(
    h(
      "div",
      { id: "storage-full-banner", class: "banner alert", role: "alert" },
      h("span", {}, t("Not saved: this phone's storage is full. Free some space, then try again.")),
      h("button", { type: "button", onclick: (e) => e.target.closest(".banner").remove() }, t("Close")),
    ),
  );
}

/**
 * The browser erased the app's storage (evicted, cleared): what was lost, from the ledger kept
 * apart from the database — never an empty app as if nothing had happened. `main` gets the
 * screen; `onDone` runs once the worker chose to sign in again.
 */
export function storageLost(main, onDone) {
  const mark = ledger.read();
  const lost = mark.outbox || 0;
  const summary = lost
    ? t("{n} records had not reached the server: they are lost. Tell your coordinator.", { n: lost })
    : t("Nothing was waiting to be sent: everything had reached the server.");
  document.getElementById("signin-banner")?.remove();
  main.removeAttribute("aria-busy");
  mount(
    main,
    h(
      "section",
      { class: "card", "data-screen": "storage-lost", "data-lost": String(lost) },
      h("h1", {}, t("This phone's storage was erased")),
      h("p", {}, t("The browser erased the app's data on this phone (storage cleared, or space taken back).")),
      h("p", { class: "error" }, summary),
      h("p", {}, t("Last successful sync: {time}", { time: dateTime(mark.last_sync) })),
      h(
        "button",
        {
          type: "button",
          class: "primary big",
          onclick: async () => {
            ledger.reset(); // read: not said again, even if the page closes during the wipe
            await wipe(); // the empty database the browser left (the install id stays)
            onDone();
          },
        },
        t("Sign in again"),
      ),
    ),
  );
  focusScreen(main);
  announce(summary);
}
