// Polls a report job's status and moves the progress bar; shows the download
// button when the file is ready. No inline script: the CSP forbids it.
(function () {
  "use strict";
  var box = document.getElementById("job");
  if (!box || box.dataset.finished === "1") { return; }
  var bar = box.querySelector("[data-testid=progress-bar]");
  var status = box.querySelector("[data-testid=job-status]");
  var note = box.querySelector("[data-testid=job-note]");
  var error = box.querySelector("[data-testid=job-error]");
  var download = box.querySelector("[data-testid=download]");
  var delay = 700;
  function poll() {
    fetch(box.dataset.statusUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.json(); })
      .then(function (data) {
        bar.style.width = data.progress + "%";
        bar.textContent = data.progress + "%";
        bar.parentElement.setAttribute("aria-valuenow", data.progress);
        status.textContent = data.status_display;
        status.dataset.status = data.status;
        note.textContent = data.note || "";
        if (data.finished) {
          bar.classList.remove("progress-bar-striped", "progress-bar-animated");
          if (data.status === "done") { download.classList.remove("d-none"); }
          error.textContent = data.error || "";
          return;
        }
        delay = Math.min(delay * 1.3, 5000);
        setTimeout(poll, delay);
      })
      .catch(function () { setTimeout(poll, 5000); });
  }
  setTimeout(poll, delay);
})();
