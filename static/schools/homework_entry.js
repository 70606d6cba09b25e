// The class-day homework page: add up the written minutes as they are typed
// and warn before saving when the grade's cap is passed. The server decides
// on save; this only spares a round trip.
(function () {
  "use strict";
  var form = document.getElementById("homework-entry");
  if (!form) { return; }
  var cap = parseInt(form.getAttribute("data-cap"), 10) || 0;
  var total = document.getElementById("written-total");
  var warning = document.getElementById("live-cap-warning");

  function update() {
    var sum = 0;
    form.querySelectorAll(".homework-row").forEach(function (row) {
      var minutes = parseInt(row.querySelector(".homework-minutes").value, 10);
      var written = row.querySelector(".homework-written").checked;
      if (written && minutes > 0) { sum += minutes; }
    });
    total.textContent = String(sum);
    warning.classList.toggle("d-none", sum <= cap);
  }

  form.addEventListener("input", update);
  form.addEventListener("change", update);
  update();
})();
