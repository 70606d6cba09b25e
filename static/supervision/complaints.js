// Complaint pages: show the name and phone fields only for a real-name
// report, refresh the CAPTCHA picture, fill a reply from a template, and
// show only the assignee field that applies. Everything works without it.
(function () {
  "use strict";

  function toggleRealName() {
    var box = document.getElementById("real-name-fields");
    if (!box) return;
    var checked = document.querySelector("input[name=identity]:checked");
    box.hidden = !(checked && checked.value === "real_name");
  }
  document.querySelectorAll("input[name=identity]").forEach(function (radio) {
    radio.addEventListener("change", toggleRealName);
  });
  toggleRealName();

  // A complaint names a school or a training institution (issue 16); the
  // institution involved in a school's paid tutoring only for a school.
  function toggleTarget() {
    var checked = document.querySelector("input[name=target]:checked");
    var institution = checked && checked.value === "institution";
    var school = document.getElementById("target-school");
    var inst = document.getElementById("target-institution");
    var linked = document.getElementById("linked-institution");
    if (school) school.hidden = institution;
    if (inst) inst.hidden = !institution;
    if (linked) linked.hidden = institution;
  }
  document.querySelectorAll("input[name=target]").forEach(function (radio) {
    radio.addEventListener("change", toggleTarget);
  });
  toggleTarget();

  // The school field asks the server for at most twenty schools matching
  // what is typed (the page does not carry the register); picking one fills
  // the hidden code so that two schools of one name are told apart.
  var schoolList = document.getElementById("school-options");
  var schoolName = document.querySelector("input[name=school_name]");
  var schoolCode = document.querySelector("input[name=school_code]");
  if (schoolList && schoolName && window.fetch) {
    var timer = null;
    var found = {};
    var search = function () {
      var text = schoolName.value.trim();
      if (!text || found[text]) return;
      fetch(schoolList.getAttribute("data-search-url") + "?q=" + encodeURIComponent(text), {
        credentials: "same-origin",
        headers: { Accept: "application/json" }
      })
        .then(function (response) { return response.ok ? response.json() : { results: [] }; })
        .then(function (data) {
          schoolList.textContent = "";
          found = {};
          data.results.forEach(function (school) {
            var option = document.createElement("option");
            option.value = school.name;
            option.label = school.code;
            schoolList.appendChild(option);
            found[school.name] = school.code;
          });
        })
        .catch(function () { /* the server resolves the typed name on submit */ });
    };
    schoolName.addEventListener("input", function () {
      if (schoolCode) schoolCode.value = found[schoolName.value.trim()] || "";
      clearTimeout(timer);
      timer = setTimeout(search, 250);
    });
  }

  var refresh = document.getElementById("captcha-refresh");
  if (refresh) {
    refresh.addEventListener("click", function () {
      var img = document.getElementById("captcha-image");
      img.src = refresh.getAttribute("data-src") + "?new=1&t=" + Date.now();
      var input = document.querySelector("input[name=captcha]");
      if (input) { input.value = ""; input.focus(); }
    });
  }

  var templateSelect = document.getElementById("id_reply-template");
  if (templateSelect) {
    templateSelect.addEventListener("change", function () {
      var source = document.querySelector("[data-reply-template='" + templateSelect.value + "']");
      var target = document.getElementById("id_reply-reply");
      if (source && target) target.value = source.textContent.trim();
    });
  }

  function toggleAssignee() {
    var checked = document.querySelector("input[name='assign-kind']:checked");
    var kind = checked ? checked.value : "";
    [["supervisor", "div_id_assign-supervisor"], ["section", "div_id_assign-section"], ["school", "div_id_assign-school_summary"]].forEach(function (pair) {
      var el = document.getElementById(pair[1]);
      if (el) el.hidden = kind !== "" && kind !== pair[0];
    });
  }
  document.querySelectorAll("input[name='assign-kind']").forEach(function (radio) {
    radio.addEventListener("change", toggleAssignee);
  });
  toggleAssignee();
})();
