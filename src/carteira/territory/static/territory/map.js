// The territory map. The server clusters the user's clients for the view shown
// (territory:clusters, territory/clusters.py): clusters, and a point for each client alone
// in its square (every client from street level on). The map asks again when the zoom
// changes or the view leaves the area it holds; on the first load and on a new filter it
// asks the server to frame every point and draws the legend's totals. No tiles unless
// configured.
(function () {
  const el = document.getElementById("map");
  const configEl = document.getElementById("map-config");
  if (!el || !configEl || typeof L === "undefined") return;
  const config = JSON.parse(configEl.textContent);
  const form = document.getElementById("map-filters");
  const legendEl = document.getElementById("map-legend");
  const summary = document.getElementById("map-summary");
  const chronologyLink = document.getElementById("chronology-link");
  const numbers = new Intl.NumberFormat(document.documentElement.lang || "pt-BR");

  const map = window.carteiraBaseMap(el, config);
  const renderer = L.canvas({ padding: 0.5 });
  const layer = L.layerGroup().addTo(map);
  el.clientLayer = layer;  // what the map draws, for the browser tests
  let request = 0;
  let held = null;  // the zoom and area of the clusters drawn
  let colours = [];

  function shortCount(n) {
    return n >= 10000 ? Math.round(n / 1000) + "k" : numbers.format(n);
  }

  // A cluster is a ring showing the share of each category among its clients.
  function clusterIcon(n, shares) {
    const size = n < 100 ? 34 : n < 1000 ? 42 : 50;
    let start = 0;
    const stops = [];
    shares.forEach(function (count, i) {
      if (!count) return;
      const end = start + (count / n) * 360;
      stops.push(colours[i] + " " + start + "deg " + end + "deg");
      start = end;
    });
    const ring = document.createElement("div");
    ring.className = "map-cluster-ring";
    ring.style.background = "conic-gradient(" + stops.join(", ") + ")";
    const label = document.createElement("span");
    label.textContent = shortCount(n);
    ring.append(label);
    return L.divIcon({ html: ring, className: "map-cluster", iconSize: L.point(size, size) });
  }

  function filters() {
    const query = new URLSearchParams();
    for (const [key, value] of new FormData(form)) if (value) query.set(key, value);
    return query;
  }

  function drawLegend(data) {
    const labels = new Map(config.labels[filters().get("colour") || "contact"]);
    legendEl.replaceChildren();
    data.categories.forEach(function (key, i) {
      const item = document.createElement("li");
      const swatch = document.createElement("span");
      swatch.className = "swatch";
      swatch.setAttribute("aria-hidden", "true");
      swatch.style.backgroundColor = config.colours[key];
      const label = document.createElement("span");
      label.textContent = labels.get(key) || key;
      const count = document.createElement("span");
      count.className = "count";
      count.textContent = numbers.format(data.counts[i]);
      item.append(swatch, label, count);
      legendEl.append(item);
    });
    const placed = data.counts.reduce((a, b) => a + b, 0);
    const lines = [config.messages.onMap.replace("%s", numbers.format(placed))];
    if (data.without_coordinates) {
      lines.push(config.messages.withoutCoordinates.replace("%s", numbers.format(data.without_coordinates)));
    }
    summary.textContent = lines.join(" · ");
  }

  function openCard(event) {
    const marker = event.target;
    const url = config.cardUrl.replace("/0/", "/" + marker.clientId + "/");
    marker.bindPopup(message(config.messages.loadingCard)).openPopup();
    // The card is the server's template (names escaped there), parsed into nodes here;
    // the messages around it are text nodes.
    fetch(url, { credentials: "same-origin" })
      .then((r) => (r.ok ? r.text() : Promise.reject(r.status)))
      .then((html) => marker.setPopupContent(card(html)))
      .catch(() => marker.setPopupContent(message(config.messages.error)));
  }

  function message(text) {
    const p = document.createElement("p");
    p.textContent = text;
    return p;
  }

  function card(html) {
    // DOMParser: inert (a script in it never runs), unlike a contextual fragment.
    const holder = document.createElement("div");
    holder.append(...new DOMParser().parseFromString(html, "text/html").body.childNodes);
    return holder;
  }

  function drawClusters(data) {
    const c = data.clusters;
    const scale = data.scale;
    let clients = 0;
    for (let i = 0; i < c.count.length; i++) {
      const n = c.count[i];
      const [south, west, north, east] = c.bounds[i];
      const bounds = L.latLngBounds([south / scale, west / scale], [north / scale, east / scale]);
      const marker = L.marker([c.lat[i] / scale, c.lon[i] / scale], {
        icon: clusterIcon(n, c.by_category[i]),
        title: config.messages.cluster.replace("%s", numbers.format(n)),
      });
      marker.on("click", () => map.fitBounds(bounds, { padding: [40, 40], maxZoom: 18 }));
      marker.clients = n;
      layer.addLayer(marker);
      clients += n;
    }
    return clients;
  }

  // Clients at the same spot (street level) are spread on a small ring around it.
  function drawPoints(data) {
    const points = window.carteiraMapPoints(data);
    const spots = new Map();
    for (let i = 0; i < points.length; i++) {
      const key = points.lat[i] + "," + points.lon[i];
      if (!spots.has(key)) spots.set(key, []);
      spots.get(key).push(i);
    }
    for (const members of spots.values()) {
      const centre = map.latLngToLayerPoint([points.lat[members[0]], points.lon[members[0]]]);
      const radius = members.length > 1 ? 10 + 2 * members.length : 0;
      members.forEach(function (i, k) {
        const angle = (2 * Math.PI * k) / members.length;
        const at = radius ? map.layerPointToLatLng(centre.add([radius * Math.cos(angle), radius * Math.sin(angle)]))
          : L.latLng(points.lat[i], points.lon[i]);
        const marker = L.circleMarker(at, {
          renderer: renderer, radius: 6, weight: 1, color: "#ffffff",
          fillColor: colours[points.category[i]], fillOpacity: 0.9,
        });
        marker.clientId = points.ids[i];
        marker.category = points.category[i];
        marker.on("click", openCard);
        layer.addLayer(marker);
      });
    }
    return points.length;
  }

  function covered() {
    return held !== null && held.zoom === map.getZoom() && held.area.contains(map.getBounds());
  }

  function draw(data, framing) {
    colours = data.categories.map((key) => config.colours[key]);
    if (framing) {  // nothing is held yet: moving the map here asks for nothing
      drawLegend(data);
      if (data.view) map.setView(data.view.center, data.view.zoom, { animate: false });
    }
    const [south, west, north, east] = data.covered;
    held = { zoom: data.zoom, area: L.latLngBounds([south, west], [north, east]) };
    layer.clearLayers();
    const clients = drawClusters(data) + drawPoints(data);
    // data-points: the clients the clusters and points drawn hold (the browser tests).
    el.dataset.points = String(clients);
    el.dataset.clusters = String(data.clusters.count.length);
    el.dataset.zoom = String(data.zoom);
    el.dataset.state = "ready";
    if (!covered()) load(false);  // the view moved while the answer travelled
  }

  function load(framing) {
    const mine = ++request;
    const query = filters();
    if (framing) {
      const size = map.getSize();
      query.set("fit", size.x + "," + size.y);
    } else {
      query.set("zoom", String(map.getZoom()));
      query.set("bbox", map.getBounds().pad(0.5).toBBoxString());
    }
    el.dataset.state = "loading";
    fetch(config.clustersUrl + "?" + query, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then((r) => (r.ok ? r.json() : Promise.reject(r.status)))
      .then((data) => { if (mine === request) draw(data, framing); })
      .catch((reason) => {
        if (mine !== request) return;
        console.error("map: clusters not drawn:", reason);
        el.dataset.state = "error";
        summary.textContent = config.messages.error;
      });
  }

  function refilter() {
    history.replaceState(null, "", "?" + filters());
    if (chronologyLink) {
      const listQuery = filters();
      listQuery.delete("colour");
      chronologyLink.search = listQuery.toString();
    }
    held = null;
    load(true);
  }

  map.on("moveend", function () {
    if (held !== null && !covered()) load(false);
  });
  form.addEventListener("change", refilter);
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    refilter();
  });
  if (chronologyLink) {
    const listQuery = filters();
    listQuery.delete("colour");
    chronologyLink.search = listQuery.toString();
  }
  load(true);
})();
