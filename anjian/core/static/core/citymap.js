// The city maps (the enterprise map, the four-colour risk map): the offline city boundary,
// clustered enterprise markers coloured by a key (status, risk level) read from the legend's
// dots, the page's filters, optional shaded areas (the towns by their risk mix), and a tile
// layer only when the deployment names its own tile server.
// No inline script: each page says everything through the data-* attributes of its map element
// ([data-city-map]); its CSS is the one source of the colours.
//   data-points       the markers: {points: [[id, lng, lat, name, key], ...]} or a GeoJSON
//                     FeatureCollection whose properties carry enterprise, name and data-key-property;
//                     the page preloads it with data-query (<link rel="preload" as="fetch">)
//   data-key          the legend dots' attribute that names a key (data-status, data-level)
//   data-rank         keys from the most severe down: a cluster takes its worst member's colour
//                     (class <data-cluster-shade><key>); without it, its size (<data-cluster>-s/m/l)
//   data-areas        optional GeoJSON of areas: properties name, shade (a key), opacity, text
//   data-form, data-legend, data-list-link, data-count, data-typing: the ids of the page's parts
(function () {
  "use strict";
  const el = document.querySelector("[data-city-map]");
  const d = el.dataset;
  const form = document.getElementById(d.form);
  const legend = document.getElementById(d.legend);
  const listLink = document.getElementById(d.listLink);
  const countEl = document.getElementById(d.count);
  const rank = d.rank ? d.rank.split(",") : [];

  const MAX_ZOOM = 18;
  // Zoom 9 shows the whole city on a phone: further out there is nothing but the city.
  const map = L.map(el, {preferCanvas: true, minZoom: 9, maxZoom: MAX_ZOOM})
    .setView([35.06, 117.15], 10);
  map.attributionControl.setPrefix(false);  // plain text: no Leaflet link and flag
  if (d.tiles) {
    L.tileLayer(d.tiles, {attribution: d.tileAttribution || "", maxZoom: MAX_ZOOM}).addTo(map);
  }
  const Legend = L.Control.extend({
    options: {position: "bottomleft"},
    onAdd: function () { L.DomEvent.disableClickPropagation(legend); return legend; },
  });
  new Legend().addTo(map);

  // Each key's colours and label, read from the legend's dots.
  const styles = {};
  const labels = {};
  for (const dot of legend.querySelectorAll("[data-" + d.key + "]")) {
    const css = getComputedStyle(dot);
    const key = dot.getAttribute("data-" + d.key);
    styles[key] = {fillColor: css.backgroundColor, color: css.borderTopColor};
    labels[key] = dot.parentElement.textContent.trim();
  }
  const fallback = d.fallback || Object.keys(styles)[0];

  // Clusters: at each zoom level the markers fall into square cells of CELL pixels, and a cell
  // of two or more is drawn as one cluster at its members' centre. One pass over typed arrays
  // per zoom level, tens of milliseconds for 100,000 enterprises where leaflet.markercluster's
  // tree of every level took seconds (bench/risk_map.py); only what is in view becomes a layer.
  const CELL = 80;
  let data = null;  // the answer's markers as columns: x, y (Web Mercator, 0..1), lat, lng, ...
  let byZoom = new Map();  // zoom -> its cells, computed when first shown
  const drawn = L.featureGroup().addTo(map);  // a feature group: its layers' clicks reach it

  function columns(answer) {  // the answer in either form, read into columns
    const rows = answer.features ? answer.features.length : answer.points.length;
    const cols = {n: rows, x: new Float64Array(rows), y: new Float64Array(rows),
      lat: new Float64Array(rows), lng: new Float64Array(rows), key: new Array(rows),
      id: new Array(rows), name: new Array(rows)};
    for (let i = 0; i < rows; i++) {
      let lng, lat;
      if (answer.features) {
        const f = answer.features[i], p = f.properties;
        [lng, lat] = f.geometry.coordinates;
        cols.id[i] = p.enterprise; cols.name[i] = p.name; cols.key[i] = p[d.keyProperty];
      } else {
        const row = answer.points[i];
        [cols.id[i], lng, lat, cols.name[i], cols.key[i]] = row;
      }
      cols.lat[i] = lat; cols.lng[i] = lng;
      cols.x[i] = lng / 360 + 0.5;  // Leaflet's EPSG:3857 projection at zoom 0, over 256 px
      cols.y[i] = 0.5 - Math.log(Math.tan(Math.PI / 4 + lat * Math.PI / 360)) / (2 * Math.PI);
    }
    return cols;
  }

  const severity = {};  // a key's place in data-rank, the most severe first
  rank.forEach((key, at) => { severity[key] = at; });

  function cells(zoom) {  // every marker into its cell at this zoom level: {members, lat, lng, worst}
    if (byZoom.has(zoom)) return byZoom.get(zoom);
    const scale = 256 * Math.pow(2, zoom) / CELL;
    const found = new Map();
    for (let i = 0; i < data.n; i++) {
      // a row of cells is under 2^20 wide at zoom 18: (row, column) as one exact number
      const cell = Math.floor(data.y[i] * scale) * 2 ** 21 + Math.floor(data.x[i] * scale);
      let c = found.get(cell);
      if (!c) { c = {members: [], lat: 0, lng: 0, worst: rank.length}; found.set(cell, c); }
      c.members.push(i);
      c.lat += data.lat[i];
      c.lng += data.lng[i];
      const at = severity[data.key[i]];
      if (at < c.worst) c.worst = at;
    }
    const list = Array.from(found.values());
    for (const c of list) { c.lat /= c.members.length; c.lng /= c.members.length; }
    byZoom.set(zoom, list);
    return list;
  }

  function clusterIcon(c) {
    const n = c.members.length;
    const suffix = rank.length ? rank[c.worst] || fallback : n < 10 ? "s" : n < 100 ? "m" : "l";
    const px = n < 10 ? 32 : n < 100 ? 38 : 46;
    return L.divIcon({
      html: "<span>" + n + "</span>",
      className: "marker-cluster " + d.cluster + " " + (d.clusterShade || d.cluster + "-") + suffix,
      iconSize: L.point(px, px),
    });
  }

  // One marker class per key, its style on the prototype: a marker copies no options.
  const dots = {};
  function dotClass(key) {
    if (!dots[key]) {
      const style = styles[key] || styles[fallback];
      dots[key] = L.CircleMarker.extend({
        options: Object.assign({radius: 7, weight: 1.5, fillOpacity: 0.95, key: key}, style),
      });
    }
    return dots[key];
  }

  function draw() {  // the cells in view (and half a screen around it), as layers
    if (!data) return;
    drawn.clearLayers();
    const view = map.getBounds().pad(0.5);
    for (const c of cells(map.getZoom())) {
      if (c.members.length === 1) {
        const i = c.members[0];
        if (!view.contains([data.lat[i], data.lng[i]])) continue;
        const marker = new (dotClass(data.key[i]))([data.lat[i], data.lng[i]]);
        marker.member = i;
        drawn.addLayer(marker);
      } else if (view.contains([c.lat, c.lng])) {
        const marker = L.marker([c.lat, c.lng], {icon: clusterIcon(c), keyboard: false});
        marker.cell = c;
        drawn.addLayer(marker);
      }
    }
  }
  map.on("moveend", draw);

  function entry(i) {  // a link to the enterprise, its name as text: names are not markup
    const link = document.createElement("a");
    link.href = d.detail + data.id[i] + "/";
    const key = data.key[i];
    link.textContent = d.popupKey ? data.name[i] + " · " + (labels[key] || key) : data.name[i];
    return link;
  }

  // One popup for the whole map, made when a marker is clicked: none is built ahead. A cluster
  // zooms to its members; at the last zoom level, where they may share one address, it lists them.
  const popup = L.popup({maxHeight: 320});
  drawn.on("click", event => {
    const layer = event.layer;
    const c = layer.cell;
    if (c && map.getZoom() < MAX_ZOOM) {
      const bounds = L.latLngBounds(c.members.map(i => [data.lat[i], data.lng[i]]));
      map.fitBounds(bounds, {maxZoom: Math.max(map.getZoom() + 1, map.getBoundsZoom(bounds))});
      return;
    }
    let content;
    if (c) {
      content = document.createElement("div");
      for (const i of c.members) {
        const line = document.createElement("div");
        line.appendChild(entry(i));
        content.appendChild(line);
      }
    } else {
      content = entry(layer.member);
    }
    popup.setLatLng(layer.getLatLng()).setContent(content).openOn(map);
  });

  let areas = null;
  let generation = 0;

  function query() {
    const params = new URLSearchParams();
    for (const [key, value] of new FormData(form)) {
      if (String(value).trim()) params.append(key, String(value).trim());
    }
    return params.toString();
  }

  function show(answer) {
    map.closePopup(popup);
    data = columns(answer);
    byZoom = new Map();
    draw();
    const used = new Set(data.key.map(key => (styles[key] || styles[fallback] || {}).fillColor));
    let text = d.countLabel + data.n;
    const present = rank.filter(k => answer.counts && answer.counts[k]);
    if (present.length) {
      text += "（" + present.map(k => (labels[k] || k) + " " + answer.counts[k]).join("，") + "）";
    }
    countEl.textContent = text;
    el.dataset.colours = Array.from(used).join(";");  // what the markers are drawn in
    el.dataset.levels = present.join(",");
    el.dataset.loaded = String(data.n);  // every marker loaded, clustered and drawn
  }

  const areaRenderer = L.svg();  // a few areas: SVG paths, each its own element and tooltip
  function shade(collection) {
    const layer = L.geoJSON(collection, {
      renderer: areaRenderer,
      style: f => ({color: "#37474f", weight: 1, fillOpacity: f.properties.opacity,
        fillColor: (styles[f.properties.shade] || styles[fallback]).fillColor}),
      onEachFeature: (f, area) => {
        const tip = document.createElement("div");  // text nodes: names are not markup
        tip.textContent = f.properties.name + "：" + f.properties.text;
        area.bindTooltip(tip, {sticky: true});
      },
    });
    if (areas) map.removeLayer(areas);
    areas = layer.addTo(map);
    areas.bringToBack();
    el.dataset.areas = String(collection.features.length);
  }

  function get(url, qs) {
    return fetch(url + (qs ? "?" + qs : ""), {credentials: "same-origin"}).then(r => r.json());
  }

  // One request after the other: with the session saved on every request, two parallel
  // requests of one session can race on its row. The first answer's points, given, come first.
  function load(qs, first) {
    const mine = ++generation;  // a slower earlier answer must not replace a newer one
    delete el.dataset.loaded;
    let points = null;
    let chain = first ? first.then(data => { points = data; }) : Promise.resolve();
    if (d.areas) {
      chain = chain.then(() => get(d.areas, qs))
        .then(data => { if (mine === generation) shade(data); });
    }
    return chain.then(() => points || get(d.points, qs))
      .then(data => { if (mine === generation) show(data); });
  }

  function refilter() {
    const qs = query();
    history.replaceState(null, "", location.pathname + (qs ? "?" + qs : ""));
    listLink.href = d.list + (qs ? "?" + qs : "");
    load(qs);
  }

  let typing = null;
  form.addEventListener("change", refilter);
  form.addEventListener("input", event => {
    if (event.target.id !== d.typing) return;
    clearTimeout(typing);
    typing = setTimeout(refilter, 400);
  });
  form.addEventListener("submit", event => { event.preventDefault(); refilter(); });

  // The page preloads the first points (<link rel="preload">, the same address): the server
  // works on them while the scripts load, and the boundary is asked for once they have come.
  const first = get(d.points, d.query);
  first.then(() => get(d.boundary)).then(geo => {
    const boundary = L.geoJSON(geo, {
      style: {color: "#546e7a", weight: 2, fillOpacity: 0.04, fillColor: "#90a4ae"},
      attribution: d.boundaryAttribution,
      interactive: false,
    }).addTo(map);
    map.fitBounds(boundary.getBounds());
    return load(d.query, first);
  });
})();
