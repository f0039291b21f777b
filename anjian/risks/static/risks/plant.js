// The enterprise's four-colour map: the plant layout image in Leaflet's CRS.Simple (one unit a
// pixel, origin bottom left), its risk zones in their level's colour, and a simple drawing
// mode: each click adds a vertex; the form posts the polygon as JSON [[x, y], …].
(function () {
  "use strict";
  const el = document.getElementById("plant-map");
  if (!el) return;
  const data = JSON.parse(document.getElementById(el.dataset.source).textContent);
  const legend = document.getElementById("plant-legend");
  const colours = {};
  for (const dot of legend.querySelectorAll(".risk-dot[data-level]")) {
    colours[dot.dataset.level] = getComputedStyle(dot).backgroundColor;
  }
  const bounds = [[0, 0], [data.height, data.width]];
  const map = L.map(el, {crs: L.CRS.Simple, minZoom: -5, maxZoom: 3, attributionControl: false});
  L.imageOverlay(data.image, bounds).addTo(map);
  map.fitBounds(bounds);
  const Legend = L.Control.extend({
    options: {position: "bottomleft"},
    onAdd: function () { return legend; },
  });
  new Legend().addTo(map);
  for (const zone of data.zones) {
    const polygon = L.polygon(zone.polygon.map(([x, y]) => [y, x]), {
      color: "#263238", weight: 1, fillColor: colours[zone.level], fillOpacity: 0.55,
      className: "risk-zone risk-zone-" + zone.level,
    });
    // A text node, never HTML: the name comes from the page's own (escaped) list.
    const tip = document.createElement("span");
    tip.textContent = ((document.getElementById("zone-name-" + zone.id) || {}).textContent || "") +
      " · " + zone.label;
    polygon.bindTooltip(tip).addTo(map);
  }
  el.dataset.zones = String(data.zones.length);

  const drawButton = document.getElementById("zone-draw");
  if (!drawButton) return;
  const input = document.getElementById("zone-polygon");
  const counter = document.getElementById("zone-vertices");
  let drawing = false;
  let vertices = [];
  const outline = L.polygon([], {color: "#d7191c", weight: 2, dashArray: "4"}).addTo(map);

  function refresh() {
    outline.setLatLngs(vertices.map(([x, y]) => [y, x]));
    input.value = JSON.stringify(vertices);
    counter.textContent = counter.dataset.label + vertices.length;
    el.dataset.vertices = String(vertices.length);
  }
  drawButton.addEventListener("click", () => {
    drawing = !drawing;
    drawButton.classList.toggle("active", drawing);
  });
  document.getElementById("zone-clear").addEventListener("click", () => { vertices = []; refresh(); });
  map.on("click", event => {
    if (!drawing) return;
    const x = Math.min(Math.max(event.latlng.lng, 0), data.width);
    const y = Math.min(Math.max(event.latlng.lat, 0), data.height);
    vertices.push([Math.round(x * 10) / 10, Math.round(y * 10) / 10]);
    refresh();
  });
})();
