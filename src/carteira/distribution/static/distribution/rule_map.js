// A segmentation rule's territory drawn on the map (Leaflet-Geoman): one polygon, kept in
// step with the rule's "Polygon" field as a ring of [longitude, latitude]. The field stays
// editable by hand (and by keyboard); the map shows the clients in the user's scope, the
// other rules' polygons, and how many clients fall inside.
(function () {
  const el = document.getElementById("rule-map");
  const configEl = document.getElementById("rule-map-config");
  const field = document.getElementById("id_polygon");
  const status = document.getElementById("rule-map-status");
  if (!el || !configEl || !field || typeof L === "undefined" || !L.PM) return;
  const config = JSON.parse(configEl.textContent);
  const MAX_DRAWN = 20000;
  const numbers = new Intl.NumberFormat(document.documentElement.lang || "pt-BR");
  const map = window.carteiraBaseMap(el, config);
  map.pm.setLang(config.geomanLang);
  map.pm.addControls({
    position: "topleft", drawPolygon: true, drawRectangle: true, editMode: true,
    dragMode: true, removalMode: true, drawMarker: false, drawCircleMarker: false,
    drawPolyline: false, drawCircle: false, drawText: false, cutPolygon: false,
    rotateMode: false,
  });
  map.pm.setGlobalOptions({ allowSelfIntersection: false });

  for (const other of config.others) {
    L.polygon(other.ring.map(([lon, lat]) => [lat, lon]), {
      color: "#78909c", weight: 1, fillOpacity: 0.06, dashArray: "4 4", pmIgnore: true, snapIgnore: true,
    }).bindTooltip(() => {
      const name = document.createElement("span");  // a text node: names are data
      name.textContent = other.name;
      return name;
    }).addTo(map);
  }

  let shape = null;
  let points = { length: 0 };  // columns (territory/points.js)

  function ringOf(layer) {
    const latlngs = layer.getLatLngs()[0];
    return latlngs.map((p) => [Number(p.lng.toFixed(6)), Number(p.lat.toFixed(6))]);
  }

  function inside(lon, lat, ring) {
    let hit = false;
    for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      const [xi, yi] = ring[i];
      const [xj, yj] = ring[j];
      if ((yi > lat) !== (yj > lat) && lon < ((xj - xi) * (lat - yi)) / (yj - yi) + xi) hit = !hit;
    }
    return hit;
  }

  function report() {
    if (!shape) {
      status.textContent = config.text.none;
    } else if (!points.length) {
      status.textContent = config.text.drawn;
    } else {
      const ring = ringOf(shape);
      let n = 0;
      for (let i = 0; i < points.length; i++) if (inside(points.lon[i], points.lat[i], ring)) n += 1;
      status.textContent = config.text.inside.replace("%s", numbers.format(n));
    }
    el.dataset.vertices = shape ? String(ringOf(shape).length) : "0";
  }

  function keep(layer) {
    if (shape && shape !== layer) map.removeLayer(shape);
    shape = layer;
    layer.on("pm:edit pm:dragend", save);
    save();
  }

  function save() {
    field.value = shape ? JSON.stringify(ringOf(shape)) : "";
    report();
  }

  function load() {
    let ring = null;
    try {
      const data = JSON.parse(field.value);
      ring = Array.isArray(data) ? data : data.geometry ? data.geometry.coordinates[0] : data.coordinates[0];
    } catch (error) {
      ring = null;
    }
    if (shape) map.removeLayer(shape);
    shape = null;
    if (ring && ring.length >= 3) {
      shape = L.polygon(ring.map(([lon, lat]) => [lat, lon])).addTo(map);
      shape.on("pm:edit pm:dragend", save);
      map.fitBounds(shape.getBounds(), { padding: [30, 30], maxZoom: 12, animate: false });
    }
    report();
  }

  map.on("pm:create", (event) => keep(event.layer));
  map.on("pm:remove", (event) => {
    if (event.layer === shape) {
      shape = null;
      save();
    }
  });
  field.addEventListener("change", load);
  load();

  fetch(config.pointsUrl, { headers: { Accept: "application/json" } })
    .then((response) => (response.ok ? response.json() : Promise.reject(response.status)))
    .then((data) => {
      points = window.carteiraMapPoints(data);
      const renderer = L.canvas({ padding: 0.5 });
      const stride = Math.ceil(points.length / MAX_DRAWN);  // all are counted, some drawn
      for (let i = 0; i < points.length; i += stride) {
        L.circleMarker([points.lat[i], points.lon[i]], {
          renderer: renderer, radius: 2.5, weight: 0, fillColor: "#1565c0", fillOpacity: 0.6,
          interactive: false, pmIgnore: true, snapIgnore: true,
        }).addTo(map);
      }
      if (!shape && points.length) {
        const corners = L.latLngBounds([]);
        for (let i = 0; i < points.length; i++) corners.extend([points.lat[i], points.lon[i]]);
        map.fitBounds(corners, { padding: [20, 20], maxZoom: 12, animate: false });
      }
      report();
      el.dataset.points = String(points.length);
      el.dataset.state = "ready";
    })
    .catch(() => {
      status.textContent = config.text.error;
      el.dataset.state = "error";
    });
})();
