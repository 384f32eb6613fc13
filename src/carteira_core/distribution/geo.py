"""Distances and shapes on the globe, vectorised with numpy."""

import numpy as np

EARTH_RADIUS_KM = 6371.0088


def haversine_km(lat1, lon1, lat2, lon2) -> np.ndarray:
    """Great-circle distance in km; arguments broadcast like numpy arrays."""
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dp, dl = p2 - p1, np.radians(np.subtract(lon2, lon1))
    a = np.sin(dp / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))


def points_in_polygon(lat, lon, ring, *, eps: float = 1e-12) -> np.ndarray:
    """Which points lie inside a polygon ring given in GeoJSON order, ``[[lon, lat], ...]``
    (closed or not). Points on an edge or a vertex count as inside, so a client exactly on
    the border between two drawn territories matches both and shows up as a conflict."""
    lat = np.asarray(lat, dtype=float)
    lon = np.asarray(lon, dtype=float)
    vertices = np.asarray(ring, dtype=float)
    if vertices.ndim != 2 or vertices.shape[0] < 3 or vertices.shape[1] != 2:
        raise ValueError("a polygon needs at least three [lon, lat] vertices")
    xs, ys = vertices[:, 0], vertices[:, 1]
    inside = np.zeros(lat.shape, dtype=bool)
    border = np.zeros(lat.shape, dtype=bool)
    for x1, y1, x2, y2 in zip(xs, ys, np.roll(xs, -1), np.roll(ys, -1), strict=True):
        cross = (x2 - x1) * (lat - y1) - (y2 - y1) * (lon - x1)
        within = (
            (np.minimum(x1, x2) - eps <= lon)
            & (lon <= np.maximum(x1, x2) + eps)
            & (np.minimum(y1, y2) - eps <= lat)
            & (lat <= np.maximum(y1, y2) + eps)
        )
        border |= within & (np.abs(cross) <= eps * max(1.0, np.hypot(x2 - x1, y2 - y1)))
        crosses = (y1 > lat) != (y2 > lat)
        with np.errstate(divide="ignore", invalid="ignore"):
            x_at = x1 + (lat - y1) * (x2 - x1) / (y2 - y1)
        inside ^= crosses & (lon < x_at)
    return (inside | border) & np.isfinite(lat) & np.isfinite(lon)
