/* Offline support for supervisors (loaded on every supervisor page).
 *
 * - Registers the service worker (/sw.js), which keeps the visit form and
 *   its assets for use without a connection.
 * - Keeps visit drafts in IndexedDB ("jianfu-offline" / "drafts"), photos
 *   included as Blobs, keyed by the client-generated visit id.
 * - Sends drafts queued for submission when the page loads online, when the
 *   browser's "online" event fires, and every minute while online. The server
 *   is idempotent on the visit id, so a draft sent twice makes one visit.
 *
 * Exposes window.jianfuOffline for visit-form.js.
 */
(function () {
  "use strict";

  var script = document.currentScript;
  var USER = (script && script.dataset.user) || "";
  var SW_URL = (script && script.dataset.sw) || "/sw.js";
  var PAGES_CACHE = "jianfu-pages-v1";
  var DB_NAME = "jianfu-offline";
  var STORE = "drafts";
  var sending = new Set();

  function openDb() {
    return new Promise(function (resolve, reject) {
      var req = indexedDB.open(DB_NAME, 1);
      req.onupgradeneeded = function () {
        req.result.createObjectStore(STORE, { keyPath: "client_id" });
      };
      req.onsuccess = function () { resolve(req.result); };
      req.onerror = function () { reject(req.error); };
    });
  }

  function withStore(mode, fn) {
    return openDb().then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction(STORE, mode);
        var result;
        tx.oncomplete = function () { db.close(); resolve(result); };
        tx.onerror = tx.onabort = function () { db.close(); reject(tx.error); };
        var req = fn(tx.objectStore(STORE));
        req.onsuccess = function () { result = req.result; };
      });
    });
  }

  function getDraft(id) { return withStore("readonly", function (s) { return s.get(id); }); }
  function putDraft(draft) { return withStore("readwrite", function (s) { return s.put(draft); }); }
  function deleteDraft(id) { return withStore("readwrite", function (s) { return s.delete(id); }); }
  function allDrafts() {
    return withStore("readonly", function (s) { return s.getAll(); }).then(function (rows) {
      return (rows || []).filter(function (d) { return d.user === USER; });
    });
  }

  function uuid4() {
    if (window.crypto && crypto.randomUUID) { return crypto.randomUUID(); }
    var b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    var h = Array.prototype.map.call(b, function (x) { return x.toString(16).padStart(2, "0"); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }

  function csrfToken() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  /* Send one draft. Resolves to {state: "sent"|"invalid"|"offline"|"session"|"failed"|"busy", ...}. */
  function sendDraft(draft) {
    if (sending.has(draft.client_id)) { return Promise.resolve({ state: "busy" }); }
    sending.add(draft.client_id);
    var body = new FormData();
    (draft.fields || []).forEach(function (pair) { body.append(pair[0], pair[1]); });
    body.set("client_id", draft.client_id);
    (draft.photos || []).forEach(function (p) { body.append("photos", p.blob, p.name || "photo.jpg"); });
    // A weak network can hang an upload: give up after two minutes and keep
    // the draft queued (if the server did take it, the retry finds the visit).
    var controller = window.AbortController ? new AbortController() : null;
    var timer = controller ? window.setTimeout(function () { controller.abort(); }, 120 * 1000) : null;
    return fetch(draft.url, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken(), "Accept": "application/json" },
      signal: controller ? controller.signal : undefined,
    }).then(function (resp) {
      var json = (resp.headers.get("Content-Type") || "").indexOf("application/json") !== -1;
      if (resp.redirected || resp.status === 403 || (resp.ok && !json)) {
        return { state: "session" };
      }
      if (resp.ok) {
        return resp.json().then(function (data) {
          return deleteDraft(draft.client_id).then(function () {
            document.dispatchEvent(new CustomEvent("jianfu:sent", { detail: { draft: draft, url: data.url } }));
            return { state: "sent", url: data.url, created: data.created };
          });
        });
      }
      if (resp.status === 400 || resp.status === 404) {
        var read = json ? resp.json() : Promise.resolve({});
        return read.then(function (data) {
          draft.status = "editing";
          draft.errors = data.errors || { __all__: [resp.statusText || String(resp.status)] };
          return putDraft(draft).then(function () {
            document.dispatchEvent(new CustomEvent("jianfu:invalid", { detail: { draft: draft } }));
            return { state: "invalid", errors: draft.errors };
          });
        });
      }
      return { state: "failed" };
    }, function () {
      return { state: "offline" };
    }).finally(function () {
      if (timer) { window.clearTimeout(timer); }
      sending.delete(draft.client_id);
    });
  }

  var banner = document.getElementById("offline-queue");

  function showQueue(drafts, sentNames) {
    if (!banner) { return; }
    var queued = drafts.filter(function (d) { return d.status === "queued"; });
    var parts = [];
    if (queued.length) {
      parts.push((banner.dataset.msgWaiting || "Waiting to be sent:") + " " +
        queued.map(function (d) { return d.school_name; }).join("、"));
    }
    if (sentNames && sentNames.length) {
      parts.push((banner.dataset.msgSent || "Sent:") + " " + sentNames.join("、"));
    }
    banner.textContent = parts.join(" · ");
    banner.hidden = parts.length === 0;
    document.querySelectorAll("[data-draft-badge]").forEach(function (el) {
      el.hidden = !drafts.some(function (d) { return String(d.school) === el.dataset.draftBadge; });
    });
  }

  function flushQueue() {
    if (!USER || !("indexedDB" in window)) { return Promise.resolve([]); }
    return allDrafts().then(function (drafts) {
      var queued = drafts.filter(function (d) { return d.status === "queued"; });
      if (!navigator.onLine || !queued.length) { showQueue(drafts); return []; }
      return Promise.all(queued.map(sendDraft)).then(function (results) {
        var sent = queued.filter(function (d, i) { return results[i].state === "sent"; });
        return allDrafts().then(function (left) {
          showQueue(left, sent.map(function (d) { return d.school_name; }));
          return results;
        });
      });
    }).catch(function () { return []; });
  }

  /* Keep the visit forms linked from this page (the home screen) for offline
   * use, refreshed at most once an hour. */
  function precacheForms() {
    var links = Array.prototype.slice.call(document.querySelectorAll("a[data-offline-cache]"));
    if (!links.length || !("caches" in window) || !navigator.onLine) { return; }
    var last = Number(localStorage.getItem("jianfu-precached-at") || 0);
    caches.open(PAGES_CACHE).then(function (cache) {
      return Promise.all(links.map(function (a) {
        var url = new URL(a.href, location.href).pathname;
        return cache.match(url).then(function (hit) {
          if (hit && Date.now() - last < 3600 * 1000) { return null; }
          return fetch(url, { credentials: "same-origin" }).then(function (resp) {
            if (resp.ok && !resp.redirected) { return cache.put(url, resp); }
            return null;
          });
        });
      }));
    }).then(function () {
      localStorage.setItem("jianfu-precached-at", String(Date.now()));
    }).catch(function () { /* offline or storage full: the forms are cached when opened */ });
  }

  window.jianfuOffline = {
    user: USER,
    uuid4: uuid4,
    getDraft: getDraft,
    putDraft: putDraft,
    deleteDraft: deleteDraft,
    allDrafts: allDrafts,
    sendDraft: sendDraft,
    flushQueue: flushQueue,
  };

  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register(SW_URL, { scope: "/" }).then(function () {
      return navigator.serviceWorker.ready;
    }).then(precacheForms).catch(function () { /* no service worker (insecure context): online only */ });
  }
  window.addEventListener("online", flushQueue);
  window.setInterval(function () { if (navigator.onLine) { flushQueue(); } }, 60 * 1000);
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", flushQueue);
  } else {
    flushQueue();
  }
})();
