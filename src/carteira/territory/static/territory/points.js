// The map's points as territory:points sends them (territory.selectors.MapPoints): parallel
// columns ordered by client id, each id as the step from the previous one, coordinates as
// integers of 1/scale degree. Read back into columns: points.length, points.ids[i],
// points.lat[i], points.lon[i] (degrees) and points.category[i] (an index into categories).
(function () {
  window.carteiraMapPoints = function (data) {
    const columns = data.points;
    const n = columns.lat.length;
    const ids = new Array(n);
    const lat = new Float64Array(n);
    const lon = new Float64Array(n);
    let id = 0;
    for (let i = 0; i < n; i++) {
      id += columns.id_step[i];
      ids[i] = id;
      lat[i] = columns.lat[i] / data.scale;
      lon[i] = columns.lon[i] / data.scale;
    }
    return { length: n, ids: ids, lat: lat, lon: lon, category: columns.category };
  };
})();
