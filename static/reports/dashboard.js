// Draws each dashboard panel: the server embeds the ECharts option as JSON
// next to its container (json_script), so no inline script is needed.
(function () {
  "use strict";
  var charts = [];
  document.querySelectorAll("[data-chart]").forEach(function (el) {
    var data = document.getElementById(el.dataset.chart.replace(/^panel-/, ""));
    if (!data || !window.echarts) { return; }
    var chart = window.echarts.init(el, null, { renderer: "svg" });
    chart.setOption(JSON.parse(data.textContent));
    el.dataset.rendered = "1";
    charts.push(chart);
  });
  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
})();
