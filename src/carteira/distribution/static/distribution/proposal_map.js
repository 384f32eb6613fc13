// The proposal on a map: clients coloured by the proposed seller, the moving ones larger
// and ringed in the colour of today's seller (from → to in the tooltip), and each
// seller's base as a square. No tiles unless configured.
(function () {
  const el = document.getElementById("proposal-map");
  const dataEl = document.getElementById("proposal-map-data");
  if (!el || !dataEl || typeof L === "undefined") return;
  const data = JSON.parse(dataEl.textContent);
  function textNode(text) {
    const span = document.createElement("span");
    span.textContent = text;
    return span;
  }
  // Colours set from script: the CSP allows no inline style attributes.
  for (const swatch of document.querySelectorAll("#proposal-legend [data-colour]")) {
    swatch.style.backgroundColor = swatch.dataset.colour;
  }
  const map = window.carteiraBaseMap(el, data);
  const renderer = L.canvas({ padding: 0.5 });
  const bounds = [];
  const stay = [];
  const moving = [];
  for (const p of data.points) (p[3] ? moving : stay).push(p);
  function draw(points, moved) {
    for (const p of points) {
      const seller = data.sellers[p[2]];
      const from = moved && p.length > 4 && p[4] >= 0 ? data.sellers[p[4]] : null;
      const marker = L.circleMarker([p[0], p[1]], {
        renderer: renderer, radius: moved ? 7 : 4, weight: moved ? 3.5 : 0.5,
        color: moved ? (from ? from.colour : "#111111") : "#ffffff",
        fillColor: seller.colour, fillOpacity: moved ? 1 : 0.75,
      });
      const label = moved ? data.text.moved.replace("%(from)s", from ? from.name : data.text.nobody)
        .replace("%(to)s", seller.name) : seller.name;
      // A text node, never an HTML string: seller names are data (issue 24).
      marker.bindTooltip(() => textNode(label));
      marker.addTo(map);
      bounds.push([p[0], p[1]]);
    }
  }
  draw(stay, false);
  draw(moving, true);  // on top
  for (const seller of data.sellers) {
    if (!seller.base) continue;
    const square = document.createElement("span");
    square.style.background = seller.colour;
    L.marker(seller.base, {
      title: data.text.base.replace("%s", seller.name), keyboard: false,
      icon: L.divIcon({ html: square, className: "proposal-base", iconSize: L.point(16, 16) }),
    }).addTo(map);
    bounds.push(seller.base);
  }
  if (bounds.length) map.fitBounds(bounds, { padding: [20, 20], maxZoom: 12 });
  else map.fitBounds([[-33.8, -73.99], [5.3, -34.8]]);
  el.dataset.state = "ready";
  el.dataset.points = String(data.points.length);
  el.dataset.moving = String(moving.length);
})();
