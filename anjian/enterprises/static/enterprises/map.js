// The enterprise map: the city boundary (offline GeoJSON), clustered enterprise points, the
// list's filters, and a tile layer only when the deployment names its own tile server.
// No inline script: everything the page says comes from data-* attributes and the template.
(function () {
  "use strict";
  const el = document.getElementById("enterprise-map");
  const form = document.getElementById("map-filters");
  const legend = document.getElementById("map-legend");
  const listLink = document.getElementById("map-list-link");
  const countEl = document.getElementById("map-count");

  const map = L.map(el, {preferCanvas: true, maxZoom: 18}).setView([35.06, 117.15], 10);
  map.attributionControl.setPrefix(false);  // plain text: no Leaflet link and flag
  if (el.dataset.tiles) {
    L.tileLayer(el.dataset.tiles, {attribution: el.dataset.tileAttribution || "", maxZoom: 18})
      .addTo(map);
  }

  const Legend = L.Control.extend({
    options: {position: "bottomleft"},
    onAdd: function () { L.DomEvent.disableClickPropagation(legend); return legend; },
  });
  new Legend().addTo(map);

  // Each status's colours, read from the legend (map.css is their one source).
  const styles = {};
  for (const dot of legend.querySelectorAll(".legend-dot[data-status]")) {
    const css = getComputedStyle(dot);
    styles[dot.dataset.status] = {fillColor: css.backgroundColor, color: css.borderTopColor};
  }

  function clusterIcon(cluster) {
    const n = cluster.getChildCount();
    const size = n < 10 ? "s" : n < 100 ? "m" : "l";
    const px = {s: 32, m: 38, l: 46}[size];
    return L.divIcon({
      html: "<span>" + n + "</span>",
      className: "marker-cluster enterprise-cluster enterprise-cluster-" + size,
      iconSize: L.point(px, px),
    });
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

  function show(points) {
    const layer = L.markerClusterGroup({chunkedLoading: true, iconCreateFunction: clusterIcon});
    for (const [id, lng, lat, name, status] of points) {
      const style = styles[status] || styles.operating || {};
      const marker = L.circleMarker([lat, lng], Object.assign({radius: 6, weight: 2, fillOpacity: 0.9}, style));
      const link = document.createElement("a");
      link.href = el.dataset.detail + id + "/";
      link.textContent = name;
      marker.bindPopup(link);
      layer.addLayer(marker);
    }
    if (cluster) map.removeLayer(cluster);
    cluster = layer;
    map.addLayer(cluster);
    countEl.textContent = el.dataset.countLabel + points.length;
    el.dataset.loaded = String(points.length);
  }

  function load(qs) {
    const mine = ++generation;  // a slower earlier answer must not replace a newer one
    delete el.dataset.loaded;
    return fetch(el.dataset.points + (qs ? "?" + qs : ""), {credentials: "same-origin"})
      .then(r => r.json())
      .then(data => { if (mine === generation) show(data.points); });
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
    if (event.target.id !== "q") return;
    clearTimeout(typing);
    typing = setTimeout(refilter, 400);
  });
  form.addEventListener("submit", event => { event.preventDefault(); refilter(); });

  // One request after the other: with the session saved on every request, two parallel
  // requests of one session can race on its row.
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
