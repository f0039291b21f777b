// The home page's charts: every element with data-chart is drawn from the JSON script named by
// its data-source ({"items": [{"label", "value", "url"}]}); a click on a bar or a slice opens
// the list it counts. No inline script, so a strict Content-Security-Policy holds.
(function () {
  "use strict";
  if (typeof echarts === "undefined") {
    return;
  }
  var charts = [];
  // ECharts' HTML tooltips carry style attributes, which the Content-Security-Policy refuses
  // (style-src 'self'); rich text tooltips are drawn by the chart itself.
  var TOOLTIP = { renderMode: "richText" };
  function options(kind, items) {
    var labels = items.map(function (item) { return item.label; });
    var values = items.map(function (item) { return item.value; });
    if (kind === "pie") {
      return {
        tooltip: Object.assign({ trigger: "item" }, TOOLTIP),
        series: [{
          type: "pie",
          radius: ["35%", "65%"],
          label: { formatter: "{b}\n{c}", fontSize: 12 },
          data: items.map(function (item) { return { name: item.label, value: item.value }; })
        }]
      };
    }
    // Horizontal bars: long Chinese names stay readable on a 375 px phone.
    return {
      tooltip: Object.assign({ trigger: "axis", axisPointer: { type: "shadow" } }, TOOLTIP),
      grid: { left: 4, right: 36, top: 4, bottom: 4, containLabel: true },
      xAxis: { type: "value", minInterval: 1 },
      yAxis: { type: "category", data: labels, inverse: true, axisLabel: { fontSize: 12, width: 110, overflow: "truncate" } },
      series: [{ type: "bar", data: values, label: { show: true, position: "right", fontSize: 11 } }]
    };
  }
  document.querySelectorAll("[data-chart]").forEach(function (element) {
    var source = document.getElementById(element.dataset.source);
    if (!source) {
      return;
    }
    var items = JSON.parse(source.textContent).items;
    // Set through the CSSOM, not a style attribute, which a strict CSP would refuse.
    var kind = element.dataset.chart;
    element.style.height = (kind === "pie" ? 220 : Math.max(120, 28 * items.length + 16)) + "px";
    var chart = echarts.init(element, null, { renderer: "svg" });
    chart.setOption(options(kind, items));
    chart.on("click", function (params) {
      var item = items[params.dataIndex];
      if (item && item.url) {
        window.location.href = item.url;
      }
    });
    charts.push(chart);
    // Follow the box, not the window: a panel narrows with the page (a phone turned, a column
    // wrapping), and a chart left at its old width would widen the page until redrawn.
    if (typeof ResizeObserver !== "undefined") {
      new ResizeObserver(function () { chart.resize(); }).observe(element);
    }
  });
  window.addEventListener("resize", function () {
    charts.forEach(function (chart) { chart.resize(); });
  });
})();
