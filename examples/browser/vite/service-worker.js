// @ts-check
/// <reference lib="webworker" />
/**
 * The app shell's service worker. vite/precache-plugin.ts writes this file into the build as
 * `sw.js`, with the build's file list and a hash of their contents in place of the two
 * placeholders below, so every new build is a new worker with a new cache.
 *
 * - install: caches every file of the build (one cache per build), then takes over at once;
 * - activate: deletes the caches of older builds;
 * - pages: from the network when it answers, else the cached index.html (whatever the query string);
 * - the build's files: from the cache (their names carry content hashes);
 * - anything else (models, an MLflow server): untouched. Models are cached by the library itself,
 *   in IndexedDB.
 */
const sw = /** @type {ServiceWorkerGlobalScope} */ (/** @type {unknown} */ (self));
const VERSION = "__PRECACHE_VERSION__";
const FILES = /** @type {string[]} */ ([] /* __PRECACHE_FILES__ */);
const PREFIX = "senti-mlops-example-";
const CACHE = PREFIX + VERSION;
const SHELL = new URL("index.html", sw.location.href).href;
const PRECACHED = new Set(FILES.map((file) => new URL(file, sw.location.href).href));

sw.addEventListener("install", (event) => {
  event.waitUntil(
    caches
      .open(CACHE)
      .then((cache) => cache.addAll([...PRECACHED]))
      .then(() => sw.skipWaiting()),
  );
});

sw.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((key) => key.startsWith(PREFIX) && key !== CACHE).map((key) => caches.delete(key))))
      .then(() => sw.clients.claim()),
  );
});

sw.addEventListener("fetch", (event) => {
  const { request } = event;
  if (request.method !== "GET") return;
  if (request.mode === "navigate" && new URL(request.url).origin === sw.location.origin) {
    event.respondWith(
      fetch(request).catch(async () => (await caches.match(SHELL, { cacheName: CACHE })) ?? Response.error()),
    );
    return;
  }
  const url = new URL(request.url);
  url.search = "";
  url.hash = "";
  if (!PRECACHED.has(url.href)) return;
  event.respondWith(caches.match(url.href, { cacheName: CACHE }).then((cached) => cached ?? fetch(request)));
});
