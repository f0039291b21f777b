// The closed-loop figures chart: found, closed and open dangers per group (ECharts, data from
// json_script; no inline script, rich-text tooltips for the CSP).
(function () {
  "use strict";
  document.querySelectorAll("[data-figures-chart]").forEach(function (node) {
    var source = document.getElementById(node.dataset.source);
    if (!source || typeof echarts === "undefined") return;
    var data = JSON.parse(source.textContent);
    node.style.height = Math.max(240, data.labels.length * 28) + "px";
    var chart = echarts.init(node);
    chart.setOption({
      tooltip: { trigger: "axis", renderMode: "richText" },
      legend: {},
      grid: { left: 8, right: 16, top: 32, bottom: 8, containLabel: true },
      xAxis: { type: "value" },
      yAxis: { type: "category", data: data.labels, inverse: true },
      series: [
        { name: node.dataset.found || "排查", type: "bar", data: data.found },
        { name: node.dataset.closed || "销号", type: "bar", data: data.closed },
        { name: node.dataset.open || "未销号", type: "bar", data: data.open }
      ]
    });
    window.addEventListener("resize", function () { chart.resize(); });
  });
})();
