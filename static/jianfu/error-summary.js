/* Bring a form's error summary into view and focus it, so that a form
 * rejected far down a long page (a tablet, a phone) is noticed; its links
 * move to the field, which gets the focus too. */
(function () {
  "use strict";
  var summary = document.getElementById("error-summary");
  if (!summary) { return; }
  summary.focus();
  summary.scrollIntoView({ block: "start" });
  summary.addEventListener("click", function (event) {
    var link = event.target.closest("a[href^='#']");
    if (!link) { return; }
    // Radio groups and checkbox lists have no element with the field's own
    // id: go to their first choice, or any input of that name.
    var id = link.getAttribute("href").slice(1);
    var field = document.getElementById(id) || document.getElementById(id + "_0") ||
      (link.dataset.field && document.querySelector("[name='" + link.dataset.field + "']"));
    if (field) {
      event.preventDefault();
      field.scrollIntoView({ block: "center" });
      field.focus();
    }
  });
})();
