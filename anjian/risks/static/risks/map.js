// The city's four-colour risk map: the offline city boundary, enterprises as markers in their
// risk level's colour (clustered: a cluster takes the colour of its most severe enterprise),
// the filters of the regional risk database. Data from /api/v1/risk-map (GeoJSON).
// No inline script: everything comes from data-* attributes and the template.
(function () {
  "use strict";
  const el = document.getElementById("risk-map");
  const form = document.getElementById("risk-map-filters");
  const legend = document.getElementById("risk-map-legend");
  const listLink = document.getElementById("risk-list-link");
  const countEl = document.getElementById("risk-map-counts");
  const SEVERITY = {major: 4, high: 3, moderate: 2, low: 1, unassessed: 0};

  const map = L.map(el, {preferCanvas: true, maxZoom: 18}).setView([35.06, 117.15], 10);
  map.attributionControl.setPrefix(false);
  if (el.dataset.tiles) {
    L.tileLayer(el.dataset.tiles, {attribution: el.dataset.tileAttribution || "", maxZoom: 18})
      .addTo(map);
  }
  const Legend = L.Control.extend({
    options: {position: "bottomleft"},
    onAdd: function () { L.DomEvent.disableClickPropagation(legend); return legend; },
  });
  new Legend().addTo(map);

  const colours = {};
  const labels = {};
  for (const dot of legend.querySelectorAll(".risk-dot[data-level]")) {
    colours[dot.dataset.level] = getComputedStyle(dot).backgroundColor;
    labels[dot.dataset.level] = dot.parentElement.textContent.trim();
  }

  function clusterIcon(cluster) {
    let worst = "unassessed";
    for (const marker of cluster.getAllChildMarkers()) {
      if (SEVERITY[marker.options.level] > SEVERITY[worst]) worst = marker.options.level;
    }
    const n = cluster.getChildCount();
    const px = n < 10 ? 32 : n < 100 ? 38 : 46;
    const icon = L.divIcon({
      html: "<span>" + n + "</span>",
      className: "marker-cluster risk-cluster risk-" + worst,
      iconSize: L.point(px, px),
    });
    return icon;
  }

  let cluster = null;
  let generation = 0;

  function query() {
    const params = new URLSearchParams();
    for (const [key, value] of new FormData(form)) {
      if (String(value).trim()) params.append(key, String(value).trim());
    }
    return params.toString();
  }

  function show(collection) {
    const used = new Set();
    const layer = L.markerClusterGroup({chunkedLoading: true, iconCreateFunction: clusterIcon});
    for (const feature of collection.features) {
      const [lng, lat] = feature.geometry.coordinates;
      const level = feature.properties.risk_level;
      used.add(colours[level] || colours.unassessed);
      const marker = L.circleMarker([lat, lng], {
        radius: 7, weight: 1, color: "#263238", fillOpacity: 0.95,
        fillColor: colours[level] || colours.unassessed, level: level,
      });
      const link = document.createElement("a");
      link.href = el.dataset.detail + feature.properties.enterprise + "/";
      link.textContent = feature.properties.name + " · " + (labels[level] || level);
      marker.bindPopup(link);
      layer.addLayer(marker);
    }
    if (cluster) map.removeLayer(cluster);
    cluster = layer;
    map.addLayer(cluster);
    countEl.textContent = el.dataset.countLabel + collection.features.length + "（" +
      Object.keys(SEVERITY).filter(k => collection.counts[k]).map(
        k => (labels[k] || k) + " " + collection.counts[k]).join("，") + "）";
    el.dataset.loaded = String(collection.features.length);
    el.dataset.colours = Array.from(used).join(";");  // what the markers are drawn in
    el.dataset.levels = Object.keys(SEVERITY).filter(k => collection.counts[k]).join(",");
  }

  function load(qs) {
    const mine = ++generation;
    delete el.dataset.loaded;
    return fetch(el.dataset.points + (qs ? "?" + qs : ""), {credentials: "same-origin"})
      .then(r => r.json())
      .then(data => { if (mine === generation) show(data); });
  }

  function refilter() {
    const qs = query();
    history.replaceState(null, "", location.pathname + (qs ? "?" + qs : ""));
    listLink.href = el.dataset.list + (qs ? "?" + qs : "");
    load(qs);
  }

  let typing = null;
  form.addEventListener("change", refilter);
  form.addEventListener("input", event => {
    if (event.target.id !== "industry-filter") return;
    clearTimeout(typing);
    typing = setTimeout(refilter, 400);
  });
  form.addEventListener("submit", event => { event.preventDefault(); refilter(); });

  fetch(el.dataset.boundary, {credentials: "same-origin"}).then(r => r.json()).then(geo => {
    const boundary = L.geoJSON(geo, {
      style: {color: "#546e7a", weight: 2, fillOpacity: 0.04, fillColor: "#90a4ae"},
      attribution: el.dataset.boundaryAttribution,
      interactive: false,
    }).addTo(map);
    map.fitBounds(boundary.getBounds());
    return load(el.dataset.query);
  });
})();
