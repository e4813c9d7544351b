/* Draws the dashboard's charts from the numbers the page carries in <script type="application/json">.
   Every chart also has its numbers in a table on the page. */
(function () {
  "use strict";
  var source = document.getElementById("dashboard-data");
  if (!source || typeof Chart === "undefined") { return; }
  var data = JSON.parse(source.textContent);
  var red = "#b71c1c", grey = "#9e9e9e", blue = "#1565c0";
  var base = { responsive: true, maintainAspectRatio: false, animation: false,
               plugins: { legend: { position: "bottom" } }, scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } };

  function draw(id, config) {
    var canvas = document.getElementById(id);
    if (canvas) { window.dashboardCharts = window.dashboardCharts || {}; window.dashboardCharts[id] = new Chart(canvas, config); }
  }
  draw("chart-reports", { type: "bar", options: base, data: { labels: data.months, datasets: [
    { label: "报送信息", data: data.reports, backgroundColor: red },
    { label: "完成任务的信息员", data: data.meeting, backgroundColor: grey } ] } });
  draw("chart-categories", { type: "bar", options: Object.assign({}, base, { indexAxis: "y",
    scales: { x: { beginAtZero: true, ticks: { precision: 0 } } } }), data: { labels: data.categories,
    datasets: [{ label: "信息条数", data: data.category_counts, backgroundColor: blue }] } });
  draw("chart-stipends", { type: "line", options: base, data: { labels: data.months, datasets: [
    { label: "补助发放（元）", data: data.stipends, borderColor: red, backgroundColor: red } ] } });
})();
