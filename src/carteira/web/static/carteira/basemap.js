// The base of every map: tiles when a tile server is configured (CARTEIRA_TILE_URL),
// otherwise the states' abbreviations on a plain background, so maps work offline.
// config is territory.basemap.base_map_config(); returns the Leaflet map, framed on Brazil.
window.carteiraBaseMap = function (el, config) {
  const map = L.map(el, { preferCanvas: true, minZoom: 3, maxZoom: 18 });
  map.fitBounds([[-33.8, -73.99], [5.3, -34.8]]);
  if (config.tileUrl) {
    L.tileLayer(config.tileUrl, { maxZoom: 19, attribution: config.tileAttribution }).addTo(map);
  } else if (config.states.length) {
    const pane = map.createPane("states");
    pane.style.zIndex = "350";
    pane.style.pointerEvents = "none";
    for (const [uf, lat, lon] of config.states) {
      const label = document.createElement("span");
      label.textContent = uf;
      L.marker([lat, lon], {
        pane: "states", interactive: false, keyboard: false,
        icon: L.divIcon({ html: label, className: "map-state", iconSize: L.point(28, 16) }),
      }).addTo(map);
    }
    map.attributionControl.addAttribution(config.statesAttribution);
  }
  el.leafletMap = map;  // reachable from the browser's console and the browser tests
  return map;
};
