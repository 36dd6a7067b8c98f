// The buyer portal's push service worker (issue 12 §1), served at /push-sw.js and registered by
// the case page's "Notify me on this phone" (frontend/src/pages/case/push.rs). It does nothing but
// Web Push: no fetch handler, so the portal's pages and files load exactly as without it.
// A message is the worker's `{title, body, url, tag}` (worker/src/push.rs); `tag` makes a repeat
// replace, not stack. A tap opens the case, or focuses the tab that already shows it; the link is
// opened on this origin (its path and query), whatever origin PORTAL_URL named.
self.addEventListener("install", function () { self.skipWaiting(); });
self.addEventListener("push", function (e) {
  var m = {};
  try { m = e.data ? e.data.json() : {}; } catch (_) {}
  e.waitUntil(self.registration.showNotification(m.title || "售后服务 · After-sales", {
    body: m.body || "", tag: m.tag || undefined, data: { url: m.url || "/" }
  }));
});
self.addEventListener("notificationclick", function (e) {
  e.notification.close();
  var u = new URL((e.notification.data && e.notification.data.url) || "/", self.location.origin);
  var url = self.location.origin + u.pathname + u.search;
  e.waitUntil(self.clients.matchAll({ type: "window", includeUncontrolled: true }).then(function (list) {
    for (var i = 0; i < list.length; i++) if (list[i].url === url && "focus" in list[i]) return list[i].focus();
    return self.clients.openWindow(url);
  }));
});
