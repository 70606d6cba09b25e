{% load static %}/* The portal's service worker (served by supervision.views.visits.service_worker).
 *
 * Keeps the supervisor's pages usable without a connection:
 * - static assets (Bootstrap, the portal's CSS and the offline scripts):
 *   cache-first, the cache named after their content ({{ version }});
 * - the supervisor's home and visit forms (/supervisor/...): network-first
 *   with a short timeout for weak networks, the last good copy otherwise.
 * Nothing else is cached: other pages and all POSTs go to the network.
 * Signing in or out empties the page cache, since another person may use
 * the tablet next (drafts in IndexedDB are kept: they are sent by their author).
 */
"use strict";

var STATIC_CACHE = "jianfu-static-{{ version }}";
var PAGES_CACHE = "jianfu-pages-v1";
var STATIC_ASSETS = {{ assets_json|safe }};
var OFFLINE_PAGES = /^\/supervisor\/(schools\/\d+\/visit\/)?$/;
var NETWORK_TIMEOUT_MS = 4000;
var OFFLINE_HTML = "<!doctype html><meta charset=utf-8><meta name=viewport content='width=device-width'>" +
  "<title>" + {{ offline_title_json|safe }} + "</title><p style='font:18px sans-serif;padding:2em'>" + {{ offline_text_json|safe }} + "</p>";

self.addEventListener("install", function (event) {
  event.waitUntil(
    caches.open(STATIC_CACHE).then(function (cache) { return cache.addAll(STATIC_ASSETS); }).then(function () {
      return self.skipWaiting();
    })
  );
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys().then(function (keys) {
      return Promise.all(keys.filter(function (key) {
        return key.indexOf("jianfu-static-") === 0 && key !== STATIC_CACHE;
      }).map(function (key) { return caches.delete(key); }));
    }).then(function () { return self.clients.claim(); })
  );
});

function networkFirst(request, path) {
  return caches.open(PAGES_CACHE).then(function (cache) {
    var network = fetch(request).then(function (response) {
      if (response.ok && !response.redirected && response.type === "basic") {
        cache.put(path, response.clone());
      }
      return response;
    });
    var timeout = new Promise(function (resolve) { setTimeout(resolve, NETWORK_TIMEOUT_MS, null); });
    function fromCache() {
      return cache.match(path).then(function (hit) {
        return hit || new Response(OFFLINE_HTML, { status: 503, headers: { "Content-Type": "text/html; charset=utf-8" } });
      });
    }
    return Promise.race([network, timeout]).then(function (winner) {
      if (winner) { return winner; }
      return cache.match(path).then(function (hit) { return hit || network; });
    }, fromCache);
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") { return; }
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) { return; }
  if (url.pathname.indexOf("/accounts/") === 0) {
    event.waitUntil(caches.delete(PAGES_CACHE));
    return;
  }
  if (STATIC_ASSETS.indexOf(url.pathname) !== -1) {
    event.respondWith(
      caches.match(url.pathname).then(function (hit) { return hit || fetch(request); })
    );
    return;
  }
  if (request.mode === "navigate" && OFFLINE_PAGES.test(url.pathname)) {
    event.respondWith(networkFirst(request, url.pathname));
  }
});
