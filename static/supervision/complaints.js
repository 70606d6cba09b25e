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
  // institution involved only for a school, in a category whose option the
  // server marked data-links-institution (paid tutoring): the server keeps
  // it for those only and refuses it for the others.
  function toggleTarget() {
    var checked = document.querySelector("input[name=target]:checked");
    var institution = checked && checked.value === "institution";
    var school = document.getElementById("target-school");
    var inst = document.getElementById("target-institution");
    var linked = document.getElementById("linked-institution");
    if (school) school.hidden = institution;
    if (inst) inst.hidden = !institution;
    if (linked) {
      var select = document.querySelector("select[name=category]");
      var option = select && select.selectedIndex >= 0 ? select.options[select.selectedIndex] : null;
      var shown = !institution && !!option && option.hasAttribute("data-links-institution");
      linked.hidden = !shown;
      // A hidden field is not sent (its text stays for a change back): a
      // name typed before the category changed would otherwise be refused
      // next to a field the parent cannot see.
      linked.querySelectorAll("input").forEach(function (input) { input.disabled = !shown; });
    }
  }
  document.querySelectorAll("input[name=target]").forEach(function (radio) {
    radio.addEventListener("change", toggleTarget);
  });
  var categorySelect = document.querySelector("select[name=category]");
  if (categorySelect) categorySelect.addEventListener("change", toggleTarget);
  toggleTarget();

  // The school and institution fields ask the server for at most twenty
  // matches of what is typed (the page carries neither register); picking
  // one fills the hidden code or id so that two of one name are told apart.
  function serverSearch(list, input, hidden, key, label) {
    if (!list || !input || !window.fetch) return;
    var timer = null;
    var found = {};
    var search = function () {
      var text = input.value.trim();
      if (!text || found[text]) return;
      fetch(list.getAttribute("data-search-url") + "?q=" + encodeURIComponent(text), {
        credentials: "same-origin",
        headers: { Accept: "application/json" }
      })
        .then(function (response) { return response.ok ? response.json() : { results: [] }; })
        .then(function (data) {
          list.textContent = "";
          found = {};
          data.results.forEach(function (item) {
            var option = document.createElement("option");
            option.value = item.name;
            if (label) option.label = item[label];
            list.appendChild(option);
            found[item.name] = item[key];
          });
        })
        .catch(function () { /* the server resolves the typed name on submit */ });
    };
    input.addEventListener("input", function () {
      if (hidden) hidden.value = found[input.value.trim()] || "";
      clearTimeout(timer);
      timer = setTimeout(search, 250);
    });
  }
  serverSearch(
    document.getElementById("school-options"),
    document.querySelector("input[name=school_name]"),
    document.querySelector("input[name=school_code]"),
    "code",
    "code"
  );
  var institutionList = document.getElementById("institution-options");
  serverSearch(
    institutionList,
    document.querySelector("input[name=institution_name]"),
    document.querySelector("input[name=institution_id]"),
    "id",
    ""
  );
  serverSearch(institutionList, document.querySelector("input[name=linked_institution_name]"), null, "id", "");

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
