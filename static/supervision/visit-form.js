/* The visit form on the tablet: keeps the draft (fields and photos) in
 * IndexedDB while the supervisor types, restores it when the page is opened
 * again (also offline, from the service worker's copy), and submits it with
 * its client-generated id; without a connection the draft stays queued and
 * offline.js sends it when the connection returns. */
(function () {
  "use strict";

  var O = window.jianfuOffline;
  var form = document.getElementById("visit-form");
  if (!form || !O || !("indexedDB" in window)) { return; }

  var schoolId = form.dataset.school;
  var url = form.getAttribute("action");
  var statusEl = document.getElementById("draft-status");
  var errorsEl = document.getElementById("form-errors");
  var photoInput = document.getElementById("photo-input");
  var photoList = document.getElementById("photo-list");
  var submitBtn = document.getElementById("submit-visit");
  var stateEl = document.getElementById("submit-state");
  var retryBtn = document.getElementById("retry-visit");
  var maxPhotos = Number(form.dataset.maxPhotos || 12);
  var maxBytes = Number(form.dataset.maxPhotoMb || 15) * 1024 * 1024;
  var SKIP = { csrfmiddlewaretoken: 1, client_id: 1, photos: 1 };
  var draft = null;
  var dirty = false; // typed into since the page opened
  var sentElsewhere = {}; // client id -> visit URL, sent by offline.js before this page was ready
  var saveTimer = null;
  var objectUrls = [];

  /* The submission state next to the button: its labels come from the
   * server (VisitSubmissionState), one per state. */
  var STATE_CLASS = { editing: "text-bg-secondary", queued: "text-bg-warning", sending: "text-bg-info",
                      sent: "text-bg-success", failed: "text-bg-danger" };
  function setSubmitState(state) {
    if (!stateEl) { return; }
    stateEl.dataset.state = state;
    stateEl.textContent = stateEl.getAttribute("data-label-" + state) || state;
    stateEl.className = "badge fs-6 " + (STATE_CLASS[state] || "text-bg-secondary");
    if (retryBtn) { retryBtn.hidden = !(state === "queued" || state === "failed"); }
  }

  function setStatus(text, kind) {
    statusEl.textContent = text;
    statusEl.className = "alert py-2 small alert-" + (kind || "secondary");
    statusEl.dataset.state = kind || "";
  }

  function isoDay(d) {
    var tz = d.getTimezoneOffset() * 60000;
    return new Date(d.getTime() - tz).toISOString().slice(0, 10);
  }

  function fieldElements() {
    return Array.prototype.filter.call(form.elements, function (el) {
      return el.name && !SKIP[el.name] && el.type !== "file" && el.tagName !== "BUTTON";
    });
  }

  function collect() {
    var pairs = [];
    fieldElements().forEach(function (el) {
      if ((el.type === "checkbox" || el.type === "radio") && !el.checked) { return; }
      pairs.push([el.name, el.value]);
    });
    return pairs;
  }

  function apply(pairs) {
    var values = {};
    pairs.forEach(function (p) { (values[p[0]] = values[p[0]] || []).push(p[1]); });
    fieldElements().forEach(function (el) {
      var vs = values[el.name] || [];
      if (el.type === "checkbox" || el.type === "radio") {
        el.checked = vs.indexOf(el.value) !== -1;
      } else {
        el.value = vs.length ? vs[0] : "";
      }
    });
  }

  function toggleDemands() {
    form.querySelectorAll("[data-demand-for]").forEach(function (block) {
      var id = block.dataset.demandFor;
      var checked = form.querySelector('input[name="result_' + id + '"]:checked');
      block.hidden = !checked || checked.value !== "non_compliant";
    });
  }

  function renderPhotos() {
    objectUrls.forEach(URL.revokeObjectURL);
    objectUrls = [];
    photoList.textContent = "";
    (draft.photos || []).forEach(function (p) {
      var col = document.createElement("div");
      col.className = "col";
      var box = document.createElement("div");
      box.className = "photo-thumb";
      box.dataset.testid = "photo-thumb";
      var img = document.createElement("img");
      var src = URL.createObjectURL(p.blob);
      objectUrls.push(src);
      img.src = src;
      img.alt = p.name || "";
      var remove = document.createElement("button");
      remove.type = "button";
      remove.className = "btn btn-sm btn-danger";
      remove.textContent = form.dataset.msgRemove || "Remove";
      remove.addEventListener("click", function () {
        draft.photos = draft.photos.filter(function (q) { return q.id !== p.id; });
        save(true);
        renderPhotos();
      });
      box.appendChild(img);
      box.appendChild(remove);
      col.appendChild(box);
      photoList.appendChild(col);
    });
  }

  function showErrors(errors) {
    form.querySelectorAll(".is-invalid").forEach(function (el) { el.classList.remove("is-invalid"); });
    form.querySelectorAll(".js-error").forEach(function (el) { el.remove(); });
    if (!errors || !Object.keys(errors).length) { errorsEl.hidden = true; return; }
    errorsEl.textContent = "";
    var head = document.createElement("div");
    head.textContent = form.dataset.msgFix || "";
    errorsEl.appendChild(head);
    Object.keys(errors).forEach(function (name) {
      var field = form.querySelector('[name="' + name + '"]');
      (errors[name] || []).forEach(function (message) {
        if (field && name !== "__all__") {
          field.classList.add("is-invalid");
          var note = document.createElement("div");
          note.className = "text-danger small js-error";
          note.textContent = message;
          var holder = field.closest(".item-row, .col-12, .card-body") || field.parentNode;
          holder.appendChild(note);
        } else {
          var line = document.createElement("div");
          line.textContent = message;
          errorsEl.appendChild(line);
        }
      });
    });
    errorsEl.hidden = false;
    errorsEl.scrollIntoView({ block: "start" });
  }

  function save(immediately) {
    if (!draft) { return Promise.resolve(); }
    window.clearTimeout(saveTimer);
    var doSave = function () {
      draft.fields = collect();
      draft.updated_at = Date.now();
      return O.putDraft(draft).then(function () {
        if (draft.status !== "queued") {
          setStatus((form.dataset.msgSaved || "Saved") + " " + new Date().toLocaleTimeString(), "secondary");
        }
      });
    };
    if (immediately) { return doSave(); }
    saveTimer = window.setTimeout(doSave, 300);
    return Promise.resolve();
  }

  function newDraft() {
    var today = isoDay(new Date());
    var dateInput = form.querySelector('input[name="date"]');
    if (dateInput) { dateInput.value = today; dateInput.max = today; }
    // The page may come from the offline copy of another day: start deadlines from today.
    var days = Number(form.dataset.defaultDays || 30);
    var deadline = isoDay(new Date(Date.now() + days * 86400000));
    form.querySelectorAll('input[name^="deadline_"]').forEach(function (el) {
      if (!el.value || el.value < today) { el.value = deadline; }
    });
    return {
      client_id: O.uuid4(),
      user: O.user,
      school: schoolId,
      school_name: form.dataset.schoolName,
      url: url,
      status: "editing",
      fields: collect(),
      photos: [],
      created_at: Date.now(),
      updated_at: Date.now(),
    };
  }

  function handleResult(result) {
    submitBtn.disabled = false;
    if (result.state === "sent") {
      setSubmitState("sent");
      setStatus(form.dataset.msgSending || "", "success");
      window.location.assign(result.url);
    } else if (result.state === "invalid") {
      draft.status = "editing";
      setSubmitState("editing");
      setStatus(form.dataset.msgFix || "", "danger");
      showErrors(result.errors);
    } else if (result.state === "session") {
      setSubmitState("failed");
      setStatus(form.dataset.msgSession || "", "warning");
    } else if (result.state === "offline") {
      setSubmitState("queued");
      setStatus(form.dataset.msgQueued || "", "warning");
    } else if (result.state === "failed") {
      setSubmitState("failed");
      setStatus(form.dataset.msgFailed || "", "warning");
    }
  }

  function submit(event) {
    event.preventDefault();
    if (!draft) { return; }
    showErrors(null);
    draft.status = "queued";
    submitBtn.disabled = true;
    save(true).then(function () {
      if (!navigator.onLine) {
        handleResult({ state: "offline" });
        return null;
      }
      setSubmitState("sending");
      setStatus(form.dataset.msgSending || "", "info");
      return O.sendDraft(draft).then(function (result) {
        if (result.state !== "busy") { handleResult(result); } else { submitBtn.disabled = false; }
      });
    });
  }

  function start(existing) {
    if (existing && sentElsewhere[existing.client_id]) {
      window.location.assign(sentElsewhere[existing.client_id]);
      return;
    }
    if (existing) {
      draft = existing;
      apply(draft.fields || []);
      if (draft.status === "queued") {
        setSubmitState("queued");
        setStatus(form.dataset.msgQueued || "", "warning");
      } else {
        setStatus(form.dataset.msgRestored || "", "info");
      }
      if (draft.errors && draft.status === "editing") { showErrors(draft.errors); }
    } else {
      draft = newDraft();
      O.putDraft(draft);
    }
    toggleDemands();
    renderPhotos();
    form.dataset.ready = "1";
  }

  form.addEventListener("input", function () { dirty = true; save(false); });
  form.addEventListener("change", function (event) {
    if (event.target === photoInput) { return; }
    dirty = true;
    toggleDemands();
    save(false);
  });
  photoInput.addEventListener("change", function () {
    dirty = true;
    var files = Array.prototype.slice.call(photoInput.files || []);
    photoInput.value = "";
    var problems = [];
    files.forEach(function (file) {
      if (draft.photos.length >= maxPhotos) { problems.push(form.dataset.msgTooMany); return; }
      if (file.size > maxBytes) { problems.push((form.dataset.msgTooLarge || "") + " " + file.name); return; }
      draft.photos.push({ id: O.uuid4(), name: file.name, type: file.type, blob: file });
    });
    if (problems.length) { showErrors({ __all__: problems }); }
    save(true).then(renderPhotos);
  });
  form.addEventListener("submit", submit);
  if (retryBtn) {
    retryBtn.addEventListener("click", function () {
      if (!draft) { return; }
      if (!navigator.onLine) { handleResult({ state: "offline" }); return; }
      setSubmitState("sending");
      O.sendDraft(draft).then(function (result) {
        if (result.state !== "busy") { handleResult(result); }
      });
    });
  }
  document.addEventListener("jianfu:sent", function (event) {
    var sent = event.detail.draft;
    if (!draft) {
      sentElsewhere[sent.client_id] = event.detail.url;
    } else if (sent.client_id === draft.client_id ||
               (String(sent.school) === String(schoolId) && !dirty && draft.status === "editing")) {
      // This page's draft, or a queued visit of this school sent while the
      // page had only opened a fresh draft: show the visit that was made.
      if (sent.client_id !== draft.client_id) { O.deleteDraft(draft.client_id); }
      handleResult({ state: "sent", url: event.detail.url });
    }
  });
  document.addEventListener("jianfu:invalid", function (event) {
    if (draft && event.detail.draft.client_id === draft.client_id) {
      handleResult({ state: "invalid", errors: event.detail.draft.errors });
    }
  });

  O.allDrafts().then(function (drafts) {
    var mine = drafts.filter(function (d) { return String(d.school) === String(schoolId); });
    mine.sort(function (a, b) { return b.updated_at - a.updated_at; });
    start(mine[0] || null);
  }).catch(function () { start(null); });
})();
