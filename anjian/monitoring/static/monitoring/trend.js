// Trend charts of an installation's sensors: each [data-trend] element names its series URL.
(function () {
  "use strict";
  function draw(el) {
    fetch(el.dataset.trend, { credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (data) {
        el.classList.add("monitoring-trend-drawn");
        var chart = echarts.init(el, null, { height: 240 });
        var marks = ["ll", "l", "h", "hh"].filter(function (k) { return el.dataset[k] !== ""; })
          .map(function (k) { return { name: k.toUpperCase(), yAxis: Number(el.dataset[k]) }; });
        chart.setOption({
          animation: false,
          tooltip: { trigger: "axis", renderMode: "richText" },
          grid: { left: 48, right: 16, top: 16, bottom: 32 },
          xAxis: { type: "time" },
          yAxis: { type: "value", name: el.dataset.unit, scale: true },
          series: [{
            type: "line", showSymbol: false,
            data: data.points.map(function (p) { return [p.ts, p.value]; }),
            markLine: { symbol: "none", silent: true, data: marks },
          }],
        });
        // Follow the box, as the dashboard's charts do: left at its old width, a chart widens
        // the page when the box narrows (the 375 px layout check).
        if (typeof ResizeObserver !== "undefined") {
          new ResizeObserver(function () { chart.resize(); }).observe(el);
        }
        window.addEventListener("resize", function () { chart.resize(); });
      });
  }
  document.querySelectorAll("[data-trend]").forEach(draw);
})();
