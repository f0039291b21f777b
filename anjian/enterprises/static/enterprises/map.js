// The registry's map (enterprises/map.html): boundary, then the filtered points, clustered.
(function () {
  const el = document.getElementById("enterprise-map");
  const map = L.map(el, {preferCanvas: true, maxZoom: 18}).setView([35.06, 117.15], 10);
  const colours = {operating: "#198754", suspended: "#ffc107", closed: "#6c757d"};
  // One request after the other: with the session saved on every request, two parallel
  // requests of one session can race on its row.
  fetch(el.dataset.boundary, {credentials: "same-origin"}).then(r => r.json()).then(geo => {
    const layer = L.geoJSON(geo, {style: {color: "#0d6efd", weight: 2, fillOpacity: 0.04}}).addTo(map);
    map.fitBounds(layer.getBounds());
    return fetch(el.dataset.points, {credentials: "same-origin"});
  }).then(r => r.json()).then(data => {
    const cluster = L.markerClusterGroup({chunkedLoading: true});
    for (const [id, lng, lat, name, status] of data.points) {
      const marker = L.circleMarker([lat, lng], {radius: 6, color: colours[status] || "#333", fillOpacity: 0.8});
      const link = document.createElement("a");
      link.href = el.dataset.detail + id + "/"; link.textContent = name;
      marker.bindPopup(link);
      cluster.addLayer(marker);
    }
    map.addLayer(cluster);
    el.dataset.loaded = String(data.points.length);
  });
})();
