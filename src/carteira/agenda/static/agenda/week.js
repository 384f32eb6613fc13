// The seller's week: drag a task onto another day (it is moved there and fixed; the page
// re-plans around it), and each day's route drawn on the map (numbered stops, the path
// from the start and back). Without JavaScript the "Move" form of each line does the same.
(function () {
  "use strict";

  // Drag and drop: the line's own move form is submitted with the day it was dropped on.
  let dragged = null;
  document.querySelectorAll(".task-line[draggable=true]").forEach(function (line) {
    line.addEventListener("dragstart", function (event) {
      dragged = line;
      event.dataTransfer.effectAllowed = "move";
      event.dataTransfer.setData("text/plain", line.dataset.task);
      line.classList.add("dragging");
    });
    line.addEventListener("dragend", function () {
      line.classList.remove("dragging");
      document.querySelectorAll(".day.drop-here").forEach((d) => d.classList.remove("drop-here"));
      dragged = null;
    });
  });

  function accepts(day) {
    if (!dragged || !day.dataset.drop) return false;
    return dragged.dataset.kind !== "visit" || day.dataset.drop === "all";
  }

  document.querySelectorAll("section.day[data-drop]").forEach(function (day) {
    day.addEventListener("dragover", function (event) {
      if (!accepts(day)) return;
      event.preventDefault();
      event.dataTransfer.dropEffect = "move";
      day.classList.add("drop-here");
    });
    day.addEventListener("dragleave", function (event) {
      if (!day.contains(event.relatedTarget)) day.classList.remove("drop-here");
    });
    day.addEventListener("drop", function (event) {
      if (!accepts(day)) return;
      event.preventDefault();
      const line = dragged;
      const form = line.querySelector("form.move-form");
      const select = form.querySelector("select[name=day]");
      if (day.contains(line) || !select) return;
      select.value = day.dataset.date;
      line.classList.add("moving");
      // Submitted once the drag is over (a navigation inside the drop event is dropped).
      setTimeout(() => form.requestSubmit(form.querySelector("button:not([name])")), 0);
    });
  });

  // The route maps, drawn when their box is opened (Leaflet needs a visible size).
  const routesEl = document.getElementById("week-routes");
  if (!routesEl || typeof L === "undefined") return;
  const routes = JSON.parse(routesEl.textContent);
  const config = JSON.parse(document.getElementById("week-map-config").textContent);

  function text(value) {
    const span = document.createElement("span");
    span.textContent = value;
    return span;
  }

  function pin(label, className) {
    return L.divIcon({
      html: text(label), className: className, iconSize: [26, 26], iconAnchor: [13, 13],
    });
  }

  function draw(el) {
    if (el.leafletMap) return;
    const route = routes[el.dataset.day];
    if (!route) return;
    const map = window.carteiraBaseMap(el, config);
    const start = L.latLng(route.start[0], route.start[1]);
    const path = [start];
    L.marker(start, { icon: pin("⌂", "route-start"), keyboard: false })
      .bindTooltip(text(route.label))
      .addTo(map);
    route.stops.forEach(function (stop) {
      const point = L.latLng(stop.point[0], stop.point[1]);
      path.push(point);
      // Not focusable: the same stops are the day's list right below (the map is an image).
      L.marker(point, { icon: pin(String(stop.n), "route-stop"), keyboard: false })
        .bindTooltip(text(stop.n + ". " + stop.name + (stop.arrival ? " · " + stop.arrival : "")))
        .addTo(map);
    });
    path.push(start);
    L.polyline(path, { color: "#1565c0", weight: 3, opacity: 0.8 }).addTo(map);
    map.fitBounds(L.latLngBounds(path), { padding: [24, 24], maxZoom: 15, animate: false });
    el.dataset.stops = String(route.stops.length);
    el.dataset.path = String(path.length);  // points of the drawn path (on a canvas)
    el.dataset.ready = "1";
  }

  document.querySelectorAll("details.route-map-box").forEach(function (box) {
    const el = box.querySelector(".route-map");
    if (box.open) draw(el);
    box.addEventListener("toggle", function () {
      if (box.open) draw(el);
    });
  });
})();
