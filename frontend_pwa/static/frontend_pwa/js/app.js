// Entry point: theme, service worker, lock state and the screens. Every screen is a view of
// the local store; nothing a worker types is kept only in memory once saved.

import { bus, get, isStorageFull, isUnlocked, metaGet, metaSet, wipe } from "./db.js";
import { preferred, setLang, t } from "./i18n.js";
import * as ledger from "./ledger.js";
import * as lock from "./lock.js";
import * as notices from "./notices.js";
import * as outbox from "./outbox.js";
import * as sync from "./sync.js";
import { announce, focusScreen, h, mount } from "./ui.js";
import * as enrolView from "./views/enrol.js";
import * as unlockView from "./views/unlock.js";
import * as sessionView from "./views/session.js";
import * as contactView from "./views/contact.js";
import * as recentView from "./views/recent.js";
import * as directoryView from "./views/directory.js";
import * as signinView from "./views/signin.js";
import * as syncView from "./views/sync.js";

const VIEWS = {
  session: sessionView,
  contact: contactView,
  recent: recentView,
  directory: directoryView,
  sync: syncView,
  signin: signinView,
};
const TABS = [
  ["session", "Session"],
  ["contact", "New contact"],
  ["recent", "Recent"],
  ["directory", "Directory"],
  ["sync", "Sync"],
];

const main = document.getElementById("main");
const tabs = document.getElementById("tabs");
const hideButton = document.getElementById("hide");
const curtain = document.getElementById("curtain");
const net = document.getElementById("net");

export const app = {
  current: "session",
  params: {},
  swVersion: null,
  waitingWorker: null,
  persisted: null,
  navigate(view, params = {}) {
    app.current = view;
    app.params = params;
    render();
  },
  /** Re-renders a screen that only shows data (never a form being filled in). */
  async refresh() {
    if (!isUnlocked() || !currentIsLive()) return;
    await render({ refreshing: true });
  },
  async settings() {
    return {
      user: await get("state:user"),
      device: await get("state:device"),
      editWindowHours: (await get("state:edit_window_hours")) || 72,
      serverOffsetMs: (await get("state:server_time_offset")) || 0,
    };
  },
  wipeAndRestart,
  // Handed to the screens through `app` so no screen imports this module back.
  applyTheme,
  applyUpdate,
};

// --- theme: dark by default, and at night when on "auto" -------------------------------------
export async function applyTheme(choice = null) {
  const prefs = (await metaGet("prefs")) || {};
  const theme = choice || prefs.theme || "auto";
  const hour = new Date().getHours();
  const night = hour >= 19 || hour < 8;
  const light = theme === "light" || (theme === "auto" && !night);
  document.documentElement.dataset.theme = light ? "light" : "dark";
  document
    .querySelector('meta[name="theme-color"]')
    ?.setAttribute("content", light ? "#f7f7f5" : "#111827");
}

// --- rendering ------------------------------------------------------------------------------
function renderTabs() {
  tabs.replaceChildren(
    ...TABS.map(([name, label]) =>
      h(
        "button",
        {
          type: "button",
          class: "tab",
          "data-tab": name,
          "aria-current": app.current === name ? "page" : null,
          onclick: () => app.navigate(name),
        },
        t(label),
      ),
    ),
  );
  tabs.setAttribute("aria-label", t("Screens"));
}

let renderSeq = 0;

/** Whether the current screen may be redrawn under the worker's fingers (see each view's `live`). */
function currentIsLive() {
  const view = VIEWS[app.current];
  return Boolean(typeof view?.live === "function" ? view.live(app.params) : view?.live);
}

/**
 * Draws the current screen off-document, then shows it, unless a newer render started or the
 * lock state changed meanwhile: a screen with data must never appear over the lock screen.
 */
async function render({ refreshing = false } = {}) {
  const seq = ++renderSeq;
  main.setAttribute("aria-busy", "true");
  const staging = document.createElement("div");
  const unlocked = isUnlocked();
  let chrome = false;
  try {
    if (!(await lock.isSetUp()) || !(await metaGet("enrolled"))) {
      await enrolView.render(staging, app);
    } else if (!unlocked) {
      await unlockView.render(staging, app);
    } else {
      chrome = true;
      const view = VIEWS[app.current] || sessionView;
      await view.render(staging, app, app.params);
    }
  } catch (err) {
    if (seq !== renderSeq) return;
    // Locked meanwhile (the key went away mid-render) or a bug: never a blank, busy screen.
    console.error(err);
    if (isUnlocked() !== unlocked) return;
    mount(staging, h("p", { class: "error", role: "alert" }, t("Something went wrong. Your records are safe.")));
  }
  if (seq !== renderSeq || isUnlocked() !== unlocked) return;
  // A refresh drawn while the worker started typing (the data is read asynchronously) is dropped:
  // swapping the screen now would wipe what was just typed, e.g. the sign-in-again form.
  if (refreshing && !currentIsLive()) {
    main.removeAttribute("aria-busy");
    return;
  }
  tabs.hidden = !chrome;
  hideButton.hidden = !chrome;
  if (chrome) renderTabs();
  main.replaceChildren(...staging.childNodes);
  main.removeAttribute("aria-busy");
  if (!refreshing) focusScreen(main);
}

function updateNet() {
  // Online is not enough: a phone the server no longer recognises sends nothing.
  const signIn = isUnlocked() && sync.state.needsSignIn;
  net.textContent = signIn ? t("Sign-in needed") : navigator.onLine ? t("Online") : t("Offline");
  net.dataset.state = signIn ? "sign-in" : navigator.onLine ? "online" : "offline";
}

/** On every screen while the server does not recognise this phone: sign in again. */
function updateSignInBanner() {
  notices.signInBanner(isUnlocked() && sync.state.needsSignIn, () => app.navigate("signin"));
}

/** The browser erased the app's storage: stop everything and say what was lost. */
function showStorageLost() {
  sync.stop();
  renderSeq += 1;
  tabs.hidden = true;
  hideButton.hidden = true;
  notices.storageLost(main, () => app.navigate("session"));
}

async function wipeAndRestart(reasonText) {
  sync.stop();
  renderSeq += 1;
  main.replaceChildren();
  main.removeAttribute("aria-busy");
  await wipe();
  tabs.hidden = true;
  hideButton.hidden = true;
  mount(
    main,
    h(
      "section",
      { class: "card", "data-screen": "wiped" },
      h("h1", {}, t("Local data erased")),
      h("p", {}, reasonText),
      h("button", { type: "button", class: "primary big", onclick: () => app.navigate("session") }, t("Sign in again")),
    ),
  );
  focusScreen(main);
  announce(reasonText);
}

// --- service worker: precached shell, and updates that wait for the worker's go --------------
async function registerWorker() {
  if (!("serviceWorker" in navigator)) return;
  navigator.serviceWorker.addEventListener("message", (event) => {
    if (event.data && event.data.type === "version") {
      app.swVersion = event.data.version;
      bus.dispatchEvent(new Event("sw"));
    }
  });
  let reloading = false;
  navigator.serviceWorker.addEventListener("controllerchange", () => {
    // Only when the worker asked for the update: the outbox is in IndexedDB, not in the page.
    if (app.updateRequested && !reloading) {
      reloading = true;
      window.location.reload();
    }
  });
  try {
    const reg = await navigator.serviceWorker.register("/serviceworker.js", { scope: "/" });
    const offer = (worker) => {
      app.waitingWorker = worker;
      bus.dispatchEvent(new Event("sw"));
      showUpdateBanner();
    };
    if (reg.waiting && navigator.serviceWorker.controller) offer(reg.waiting);
    reg.addEventListener("updatefound", () => {
      const worker = reg.installing;
      worker?.addEventListener("statechange", () => {
        if (worker.state === "installed" && navigator.serviceWorker.controller) offer(worker);
      });
    });
    const ready = await navigator.serviceWorker.ready;
    ready.active?.postMessage({ type: "version?" });
  } catch {
    /* no worker (private mode…): the app still works online */
  }
}

export function applyUpdate() {
  if (!app.waitingWorker) return;
  app.updateRequested = true;
  app.waitingWorker.postMessage({ type: "skipWaiting" });
}

function showUpdateBanner() {
  if (document.getElementById("update-banner")) return;
  const banner = h(
    "div",
    { id: "update-banner", class: "banner", role: "status" },
    h("span", {}, t("A new version is ready. Your queued records are kept.")),
    h("button", { type: "button", class: "primary", onclick: applyUpdate }, t("Update now")),
  );
  document.getElementById("shell").prepend(banner);
}

// --- boot -----------------------------------------------------------------------------------
async function boot() {
  const prefs = (await metaGet("prefs")) || {};
  setLang(preferred(prefs.lang, prefs.account_lang));
  await applyTheme();
  updateNet();
  window.addEventListener("online", updateNet);
  window.addEventListener("offline", updateNet);
  hideButton.textContent = t("Hide");
  hideButton.setAttribute("aria-label", t("Hide the screen and lock"));
  hideButton.addEventListener("click", () => {
    lock.lock();
    document.getElementById("live").textContent = "";
    curtain.hidden = false;
    document.getElementById("shell").hidden = true;
  });
  curtain.addEventListener("click", () => {
    // The lock screen was drawn when "Hide" locked the app: just reveal it.
    curtain.hidden = true;
    document.getElementById("shell").hidden = false;
  });
  bus.addEventListener("lock", () => {
    sync.stop();
    updateSignInBanner();
    updateNet();
    renderSeq += 1;
    main.replaceChildren(); // at once: nothing stays on screen while the lock screen is drawn
    render();
  });
  bus.addEventListener("unlock", () => {
    outbox.size().then((n) => ledger.write({ enrolled: true, outbox: n }));
    sync.start({
      revoked: () =>
        wipeAndRestart(
          t("This phone was disconnected by your coordinator. Its local data has been erased."),
        ),
    });
  });
  bus.addEventListener("sync", (event) => {
    updateSignInBanner();
    updateNet();
    if (!event.detail.running) app.refresh();
  });
  bus.addEventListener("storage-lost", showStorageLost);
  // A save that found the phone's storage full, wherever it came from: say so, never fail silently.
  window.addEventListener("unhandledrejection", (event) => {
    if (!isStorageFull(event.reason)) return;
    event.preventDefault();
    notices.storageFull();
  });
  await lock.watchIdle();
  registerWorker();
  if (navigator.storage && navigator.storage.persisted) {
    app.persisted = await navigator.storage.persisted();
  }
  // Signed in before, yet no database: the browser erased it.
  if (ledger.read().enrolled && !(await metaGet("enrolled"))) {
    showStorageLost();
    performance.mark("maraude:interactive");
    return;
  }
  await ledger.installId(metaGet, metaSet);
  await metaSet("last_open", new Date().toISOString());
  await render();
  // The first screen is drawn and its controls work: what bench/pwa_load.py times.
  performance.mark("maraude:interactive");
}

boot();
