// The city maps (the enterprise map, the four-colour risk map): the offline city boundary,
// clustered enterprise markers coloured by a key (status, risk level) read from the legend's
// dots, the page's filters, optional shaded areas (the towns by their risk mix), and a tile
// layer only when the deployment names its own tile server.
// No inline script: each page says everything through the data-* attributes of its map element
// ([data-city-map]); its CSS is the one source of the colours.
//   data-points       the markers: {points: [[id, lng, lat, name, key], ...]} or a GeoJSON
//                     FeatureCollection whose properties carry enterprise, name and data-key-property
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

  const map = L.map(el, {preferCanvas: true, minZoom: 9, maxZoom: 18}).setView([35.06, 117.15], 10);
  map.attributionControl.setPrefix(false);  // plain text: no Leaflet link and flag
  if (d.tiles) {
    L.tileLayer(d.tiles, {attribution: d.tileAttribution || "", maxZoom: 18}).addTo(map);
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

  function clusterIcon(cluster) {
    const n = cluster.getChildCount();
    let suffix = n < 10 ? "s" : n < 100 ? "m" : "l";
    if (rank.length) {
      let worst = rank.length;
      for (const marker of cluster.getAllChildMarkers()) {
        const at = rank.indexOf(marker.options.key);
        if (at >= 0 && at < worst) worst = at;
      }
      suffix = rank[worst] || fallback;
    }
    const px = n < 10 ? 32 : n < 100 ? 38 : 46;
    return L.divIcon({
      html: "<span>" + n + "</span>",
      className: "marker-cluster " + d.cluster + " " + (d.clusterShade || d.cluster + "-") + suffix,
      iconSize: L.point(px, px),
    });
  }

  // One marker class per key, its style on the prototype: making a marker copies no options,
  // so a hundred thousand of them cost little.
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
  function dot(id, lng, lat, name, key) {
    const marker = new (dotClass(key))([lat, lng]);
    marker.enterprise = id;
    marker.title = name;
    return marker;
  }
  function markers(data) {  // the answer in either form, read without intermediate rows
    const made = [];
    if (data.features) {
      for (const f of data.features) {
        const p = f.properties, at = f.geometry.coordinates;
        made.push(dot(p.enterprise, at[0], at[1], p.name, p[d.keyProperty]));
      }
    } else {
      for (const [id, lng, lat, name, key] of data.points) made.push(dot(id, lng, lat, name, key));
    }
    return made;
  }

  // One popup for the whole map, its link made when a marker is clicked: none is built ahead.
  const popup = L.popup();
  function openPopup(event) {
    const marker = event.layer;
    const key = marker.options.key;
    const link = document.createElement("a");  // a text node: names are not markup
    link.href = d.detail + marker.enterprise + "/";
    link.textContent = d.popupKey ? marker.title + " · " + (labels[key] || key) : marker.title;
    popup.setLatLng(marker.getLatLng()).setContent(link).openOn(map);
  }

  // markercluster calls chunkProgress after each chunk, the last one just before it puts the
  // clusters on the map, in the same task: the microtask runs once they are there.
  let clustered = null;
  const cluster = L.markerClusterGroup({
    chunkedLoading: true,
    chunkDelay: 1,  // a short pause between chunks is enough for the browser to answer input
    iconCreateFunction: clusterIcon,
    chunkProgress: (done, total) => { if (done === total && clustered) queueMicrotask(clustered); },
  }).on("click", openPopup);
  let areas = null;
  let generation = 0;
  let settled = Promise.resolve();  // the last clustering: a new one waits for it to end

  function query() {
    const params = new URLSearchParams();
    for (const [key, value] of new FormData(form)) {
      if (String(value).trim()) params.append(key, String(value).trim());
    }
    return params.toString();
  }

  function show(data, mine) {
    const made = markers(data);
    const used = new Set();
    for (const marker of made) used.add(marker.options.fillColor);
    let text = d.countLabel + made.length;
    const present = rank.filter(k => data.counts && data.counts[k]);
    if (present.length) {
      text += "（" + present.map(k => (labels[k] || k) + " " + data.counts[k]).join("，") + "）";
    }
    // markercluster cannot stop a chunked load: the next one starts when this one has ended.
    settled = settled.then(() => new Promise(resolve => {
      if (mine !== generation) { resolve(); return; }
      map.closePopup(popup);
      cluster.clearLayers();
      clustered = () => {
        clustered = null;
        if (mine === generation) {  // else a newer answer is on its way: it will say so
          countEl.textContent = text;
          el.dataset.colours = Array.from(used).join(";");  // what the markers are drawn in
          el.dataset.levels = present.join(",");
          el.dataset.loaded = String(made.length);  // every marker loaded and clustered
        }
        resolve();
      };
      cluster.addLayers(made);
    }));
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
  // requests of one session can race on its row.
  function load(qs) {
    const mine = ++generation;  // a slower earlier answer must not replace a newer one
    delete el.dataset.loaded;
    let chain = Promise.resolve();
    if (d.areas) chain = get(d.areas, qs).then(data => { if (mine === generation) shade(data); });
    return chain.then(() => get(d.points, qs))
      .then(data => { if (mine === generation) show(data, mine); });
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

  get(d.boundary).then(geo => {
    const boundary = L.geoJSON(geo, {
      style: {color: "#546e7a", weight: 2, fillOpacity: 0.04, fillColor: "#90a4ae"},
      attribution: d.boundaryAttribution,
      interactive: false,
    }).addTo(map);
    map.fitBounds(boundary.getBounds());
    map.addLayer(cluster);
    return load(d.query);
  });
})();
