// The territory map: points from territory:points (columns, read by points.js), drawn on a
// canvas and clustered so 100k clients stay smooth. No tiles unless configured.
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
  let cluster = null;
  let request = 0;

  // A cluster is a ring showing the share of each category among its clients.
  let colours = [];
  function clusterIcon(group) {
    const n = group.getChildCount();
    const size = n < 100 ? 34 : n < 1000 ? 42 : 50;
    const shares = new Array(colours.length).fill(0);
    for (const marker of group.getAllChildMarkers()) shares[marker.category] += 1;
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
    label.textContent = n >= 10000 ? Math.round(n / 1000) + "k" : String(n);
    ring.append(label);
    return L.divIcon({ html: ring, className: "map-cluster", iconSize: L.point(size, size) });
  }

  function params() {
    const query = new URLSearchParams();
    for (const [key, value] of new FormData(form)) if (value) query.set(key, value);
    return query;
  }

  function drawLegend(data, drawn) {
    const labels = new Map(config.labels[params().get("colour") || "contact"]);
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
    const lines = [config.messages.onMap.replace("%s", numbers.format(drawn))];
    if (data.without_coordinates) {
      lines.push(config.messages.withoutCoordinates.replace("%s", numbers.format(data.without_coordinates)));
    }
    summary.textContent = lines.join(" · ");
  }

  function openCard(event) {
    const marker = event.layer;
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

  function draw(data) {
    if (cluster) map.removeLayer(cluster);
    colours = data.categories.map((key) => config.colours[key]);
    const points = window.carteiraMapPoints(data);
    const markers = new Array(points.length);
    let south = 90, west = 180, north = -90, east = -180;
    for (let i = 0; i < points.length; i++) {
      const lat = points.lat[i], lon = points.lon[i];
      const marker = L.circleMarker([lat, lon], {
        renderer: renderer, radius: 6, weight: 1, color: "#ffffff",
        fillColor: colours[points.category[i]], fillOpacity: 0.9,
      });
      marker.clientId = points.ids[i];
      marker.category = points.category[i];
      markers[i] = marker;
      if (lat < south) south = lat;
      if (lat > north) north = lat;
      if (lon < west) west = lon;
      if (lon > east) east = lon;
    }
    drawLegend(data, points.length);
    cluster = L.markerClusterGroup({
      chunkedLoading: true,
      showCoverageOnHover: false,
      maxClusterRadius: 60,
      iconCreateFunction: clusterIcon,
      // Adding the group to the map reports an empty batch (0 of 0): only the batch of
      // these points, once all are in, makes the map ready.
      chunkProgress: function (done, total) {
        if (total === points.length && done === total) finish(cluster.getLayers().length);
      },
    });
    cluster.on("click", openCard);
    map.addLayer(cluster);
    if (markers.length) {
      map.fitBounds([[south, west], [north, east]], { maxZoom: 12, padding: [20, 20] });
      cluster.addLayers(markers);
    } else {
      finish(0);
    }
  }

  // data-points: the points the map holds once ready (what the browser tests read).
  function finish(count) {
    el.dataset.points = String(count);
    el.dataset.state = "ready";
  }

  function load() {
    const mine = ++request;
    const query = params();
    el.dataset.state = "loading";
    if (chronologyLink) {
      const listQuery = new URLSearchParams(query);
      listQuery.delete("colour");
      chronologyLink.search = listQuery.toString();
    }
    fetch(config.pointsUrl + "?" + query, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then((r) => (r.ok ? r.json() : Promise.reject(r.status)))
      .then((data) => { if (mine === request) draw(data); })
      .catch((reason) => {
        if (mine !== request) return;
        console.error("map: points not drawn:", reason);
        el.dataset.state = "error";
        summary.textContent = config.messages.error;
      });
  }

  form.addEventListener("change", function () {
    history.replaceState(null, "", "?" + params());
    load();
  });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    history.replaceState(null, "", "?" + params());
    load();
  });
  load();
})();
