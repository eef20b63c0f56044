/* Maraude field app service worker: serves the precached app shell with no network.
   The block between the BUILD markers is written by `manage.py build_serviceworker`; a test
   fails if it is stale, so every release changes VERSION and refreshes the cache.
   The worker never touches IndexedDB: queued records survive every update. */

// BUILD:START
const VERSION = "90e4d3496e89";
const PRECACHE = [
  "/app/",
  "/manifest.json",
  "/static/frontend_pwa/css/app.css",
  "/static/frontend_pwa/js/api.js",
  "/static/frontend_pwa/js/app.js",
  "/static/frontend_pwa/js/codes.js",
  "/static/frontend_pwa/js/counts.js",
  "/static/frontend_pwa/js/crypto.js",
  "/static/frontend_pwa/js/custom-fields.js",
  "/static/frontend_pwa/js/db.js",
  "/static/frontend_pwa/js/desk-vault.js",
  "/static/frontend_pwa/js/i18n.js",
  "/static/frontend_pwa/js/identifier-rules.js",
  "/static/frontend_pwa/js/key-sync.js",
  "/static/frontend_pwa/js/keys.js",
  "/static/frontend_pwa/js/ledger.js",
  "/static/frontend_pwa/js/lock.js",
  "/static/frontend_pwa/js/notices.js",
  "/static/frontend_pwa/js/outbox.js",
  "/static/frontend_pwa/js/pii-check.js",
  "/static/frontend_pwa/js/recovery-code.js",
  "/static/frontend_pwa/js/refs.js",
  "/static/frontend_pwa/js/store.js",
  "/static/frontend_pwa/js/sync.js",
  "/static/frontend_pwa/js/ui.js",
  "/static/frontend_pwa/js/views/contact.js",
  "/static/frontend_pwa/js/views/directory.js",
  "/static/frontend_pwa/js/views/enrol.js",
  "/static/frontend_pwa/js/views/funnel.js",
  "/static/frontend_pwa/js/views/recent.js",
  "/static/frontend_pwa/js/views/session.js",
  "/static/frontend_pwa/js/views/signin.js",
  "/static/frontend_pwa/js/views/sync.js",
  "/static/frontend_pwa/js/views/tallies.js",
  "/static/frontend_pwa/js/views/unlock.js",
  "/static/frontend_pwa/icons/icon-192.png",
];
// BUILD:END

const PREFIX = "maraude-shell-";
const CACHE = PREFIX + VERSION;
const SHELL = "/app/";

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches
      .open(CACHE)
      .then((cache) => cache.addAll(PRECACHE.map((url) => new Request(url, { cache: "reload" })))),
  );
  // No skipWaiting here: an update waits until the worker taps "Update now" (or closes the app).
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith(PREFIX) && k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener("message", (event) => {
  const type = event.data && event.data.type;
  if (type === "skipWaiting") self.skipWaiting();
  if (type === "version?" && event.source) event.source.postMessage({ type: "version", version: VERSION });
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  // The API always goes to the network: the app decides what to do when it is unreachable.
  if (url.pathname.startsWith("/api/")) return;
  const isShell = request.mode === "navigate" && url.pathname === SHELL;
  if (!isShell && !PRECACHE.includes(url.pathname)) return;
  event.respondWith(
    caches.open(CACHE).then(async (cache) => {
      const hit = await cache.match(isShell ? SHELL : url.pathname, { ignoreVary: true, ignoreSearch: true });
      return hit || fetch(request);
    }),
  );
});
