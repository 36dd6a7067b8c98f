// The seller admin's service worker (scope /admin/; the buyer portal has none). Plain JS, no
// framework. scripts/build.sh writes this file into dist/admin/sw.js with the build's files in
// place of SHELL_FILES and a hash of them in place of BUILD_VERSION, so every build is a new
// worker whose caches replace the old ones.
//
// - The shell (the page, its hashed wasm/JS/CSS, the manifest and icons) is cached at install;
//   the hashed files are served from the cache, the page network-first (a new build is seen at
//   once when online) with the cached copy when the network fails.
// - The last queue pages and the cases seen (GET /api/staff/queue, GET /api/staff/cases/{id})
//   are cached network-first; an answer from the cache says when it was stored in
//   `X-Served-From-Cache` (milliseconds since the epoch) so the admin can say how old it is.
// - Nothing else: no other API answer (sessions, search, analytics, any change) and nothing of
//   the portal is ever stored. Signing out deletes the data cache (the admin does it).
"use strict";
const VERSION = "BUILD_VERSION";
const SHELL = "admin-shell-" + VERSION;
const DATA = "admin-data-" + VERSION;
const SHELL_FILES = SHELL_FILES_JSON;
const PAGE = "/admin/";
// The owner's desk draws these screens from its own page (shared::api::routes::ADMIN_DESK_SCREENS,
// written in by scripts/build.sh); every other admin path is PAGE.
const DESK_SCREENS = DESK_SCREENS_JSON;
const DESK_PAGE = "/admin/desk/";

/** The page that draws an admin path, as the worker chooses it (routes::admin_page_of). */
function pageOf(pathname) {
  const first = pathname.slice("/admin/".length).split("/")[0];
  return first === "desk" || DESK_SCREENS.includes(first) ? DESK_PAGE : PAGE;
}
// How long a request may wait for the network before the cached copy is used (a phone on a
// weak signal otherwise waits for the browser's own minute-long timeout).
const NETWORK_TIMEOUT_MS = 4000;
// How many queue pages and cases are kept (the oldest go first).
const KEEP_QUEUE = 6;
const KEEP_CASES = 40;

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(SHELL).then((cache) => cache.addAll(SHELL_FILES)).then(() => self.skipWaiting()),
  );
});

self.addEventListener("activate", (event) => {
  // Another build's caches go: its files are no longer named by any page this worker serves.
  event.waitUntil(
    caches.keys()
      .then((names) => Promise.all(
        names.filter((n) => n.startsWith("admin-") && n !== SHELL && n !== DATA)
          .map((n) => caches.delete(n)),
      ))
      .then(() => self.clients.claim()),
  );
});

/** The kind of a GET this worker looks after, or null (left to the browser). */
function kindOf(url) {
  if (url.origin !== self.location.origin) return null;
  const p = url.pathname;
  if (p === "/api/staff/queue") return "queue";
  if (/^\/api\/staff\/cases\/[^/]+$/.test(p)) return "case";
  if (p.startsWith("/api/")) return null;
  if (p === "/admin" || p.startsWith("/admin/")) {
    const last = p.slice(p.lastIndexOf("/") + 1);
    return last.includes(".") ? "file" : "page";
  }
  return null;
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  const kind = kindOf(url);
  if (kind === "file") event.respondWith(fromCacheFirst(request));
  else if (kind === "page") event.respondWith(page(request));
  else if (kind === "queue" || kind === "case") event.respondWith(data(request, kind));
});

function withTimeout(promise) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("timeout")), NETWORK_TIMEOUT_MS);
    promise.then((r) => { clearTimeout(timer); resolve(r); }, (e) => { clearTimeout(timer); reject(e); });
  });
}

async function fromCacheFirst(request) {
  const cached = await caches.match(request, { cacheName: SHELL });
  return cached || fetch(request);
}

// Every admin path is one of two pages (the worker answers /admin/case/AS-1 with the daily one,
// /admin/analytics with the desk's): kept under the page's own key.
async function page(request) {
  const key = pageOf(new URL(request.url).pathname);
  try {
    const response = await withTimeout(fetch(request));
    if (response.ok) {
      const copy = response.clone();
      caches.open(SHELL).then((c) => c.put(key, copy));
    }
    return response;
  } catch (e) {
    const cached = await caches.match(key, { cacheName: SHELL });
    if (cached) return cached;
    throw e;
  }
}

async function data(request, kind) {
  try {
    const response = await withTimeout(fetch(request));
    if (response.status === 200) {
      const headers = new Headers(response.headers);
      headers.set("X-Stored-At", String(Date.now()));
      const body = await response.clone().arrayBuffer();
      const stored = new Response(body, { status: 200, headers });
      remember(request, stored, kind);
    } else if (response.status === 401) {
      // Signed out elsewhere: what this device kept is no longer theirs to read.
      caches.delete(DATA);
    }
    return response;
  } catch (e) {
    const cached = await caches.match(request, { cacheName: DATA, ignoreVary: true });
    if (!cached) throw e;
    const headers = new Headers(cached.headers);
    headers.set("X-Served-From-Cache", cached.headers.get("X-Stored-At") || "0");
    return new Response(await cached.arrayBuffer(), { status: 200, headers });
  }
}

// Keeps the newest entries of a kind: a put after a delete moves the key to the end of
// `keys()`, which lists in insertion order.
async function remember(request, response, kind) {
  const cache = await caches.open(DATA);
  await cache.delete(request, { ignoreVary: true });
  await cache.put(request, response);
  const keep = kind === "queue" ? KEEP_QUEUE : KEEP_CASES;
  const mine = (await cache.keys()).filter((r) => kindOf(new URL(r.url)) === kind);
  for (const old of mine.slice(0, Math.max(0, mine.length - keep))) await cache.delete(old);
}
