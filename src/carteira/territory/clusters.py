"""The map's clusters, built on the server for the view the browser shows (issue 25).

Leaflet.markercluster took about 14 s to cluster 100k markers in the browser. Here the
server groups the points of the user's view by squares of ``CELL_PX`` screen pixels on a
Web Mercator grid fixed to the world (so a cluster stays where it is while the map pans)
and sends a square holding several clients as one cluster (how many of each category,
their mean position and their bounds) and a square holding one client as that client's
point; from ``MARKER_ZOOM`` on, every client is a point. Every client of the squares a
view touches is in exactly one cluster or point, so the counts add up to the clients on
the map.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from carteira.territory.selectors import SCALE, Box, MapPoints

TILE_PX = 256  # Leaflet's world is 256 px wide at zoom 0
CELL_PX = 64  # the side of a cluster's square on the screen
MARKER_ZOOM = 16  # street level: every client its own point
MAX_ZOOM = 18  # the map's deepest zoom (carteira/basemap.js)
FIT_MIN_ZOOM, FIT_MAX_ZOOM, FIT_PADDING_PX = 3, 12, 20  # as the map framed its points
MAX_LATITUDE = 85.0511287798  # Web Mercator's edge
WORLD = Box(south=-90.0, west=-180.0, north=90.0, east=180.0)


def world_x(lon: np.ndarray | float) -> np.ndarray:
    """Longitudes (degrees) as Web Mercator x, 0 (180° W) to 1 (180° E)."""
    return (np.asarray(lon, dtype=np.float64) + 180.0) / 360.0


def world_y(lat: np.ndarray | float) -> np.ndarray:
    """Latitudes (degrees) as Web Mercator y, 0 at the north edge to 1 at the south."""
    phi = np.radians(np.clip(np.asarray(lat, dtype=np.float64), -MAX_LATITUDE, MAX_LATITUDE))
    return 0.5 - np.log(np.tan(np.pi / 4 + phi / 2)) / (2 * np.pi)


def _longitude(x: float) -> float:
    return x * 360.0 - 180.0


def _latitude(y: float) -> float:
    return math.degrees(2 * math.atan(math.exp((0.5 - y) * 2 * math.pi)) - math.pi / 2)


def cell_size(zoom: int) -> float:
    """The side of a cluster's square at ``zoom``, in world units."""
    return CELL_PX / (TILE_PX * 2**zoom)


@dataclass(frozen=True)
class Cells:
    """The squares of the grid at ``zoom`` that a box touches: columns ``x0``..``x1`` and
    rows ``y0``..``y1`` (row 0 at the north edge), bounds included."""

    zoom: int
    x0: int
    x1: int
    y0: int
    y1: int

    @classmethod
    def touched_by(cls, box: Box, zoom: int) -> Cells:
        size, last = cell_size(zoom), 2**zoom * TILE_PX // CELL_PX - 1
        x0, x1 = (int(np.clip(world_x(lon) // size, 0, last)) for lon in (box.west, box.east))
        y0, y1 = (int(np.clip(world_y(lat) // size, 0, last)) for lat in (box.north, box.south))
        return cls(zoom, x0, x1, y0, y1)

    def box(self) -> Box:
        """The edges of these squares, in degrees."""
        size = cell_size(self.zoom)
        return Box(
            south=_latitude((self.y1 + 1) * size),
            west=_longitude(self.x0 * size),
            north=_latitude(self.y0 * size),
            east=_longitude((self.x1 + 1) * size),
        )

    def read_box(self) -> Box:
        """``box()`` widened by one unit of the points' rounding (1/SCALE degree), for the
        database's read: a point is placed by its rounded coordinates."""
        box, margin = self.box(), 1.0 / SCALE
        return Box(box.south - margin, box.west - margin, box.north + margin, box.east + margin)


@dataclass(frozen=True)
class Clusters:
    """Clusters as parallel columns: position (mean of their clients'), count, count per
    category and bounds (south, west, north, east), coordinates in 1/SCALE degree."""

    lat: np.ndarray
    lon: np.ndarray
    count: np.ndarray
    by_category: np.ndarray  # one row per cluster, one column per category
    bounds: np.ndarray  # one row per cluster: south, west, north, east

    def as_json(self) -> dict:
        return {
            "lat": self.lat.tolist(),
            "lon": self.lon.tolist(),
            "count": self.count.tolist(),
            "by_category": self.by_category.tolist(),
            "bounds": self.bounds.tolist(),
        }


@dataclass(frozen=True)
class ClusteredView:
    """What the map draws for one view: clusters, and the clients shown as points."""

    cells: Cells
    clusters: Clusters
    points: MapPoints

    @property
    def clients(self) -> int:
        return int(self.clusters.count.sum()) + len(self.points)

    def as_json(self) -> dict:
        box = self.cells.box()
        return {
            "zoom": self.cells.zoom,
            "scale": SCALE,
            "categories": self.points.categories,
            "covered": [box.south, box.west, box.north, box.east],
            "clusters": self.clusters.as_json(),
            "points": self.points.columns_json(),
        }


def cluster(points: MapPoints, cells: Cells) -> ClusteredView:
    """``points`` in ``cells``, grouped by square: a square of one client is a point, of
    several a cluster (all points from ``MARKER_ZOOM`` on). Points outside are left out."""
    lat, lon = points.lat / SCALE, points.lon / SCALE
    size = cell_size(cells.zoom)
    column = (world_x(lon) // size).astype(np.int64)
    row = (world_y(lat) // size).astype(np.int64)
    inside = (column >= cells.x0) & (column <= cells.x1) & (row >= cells.y0) & (row <= cells.y1)
    points, column, row = points.where(inside), column[inside], row[inside]
    if cells.zoom >= MARKER_ZOOM or not len(points):
        return ClusteredView(cells, _no_clusters(len(points.categories)), points)
    square = (column - cells.x0) * (cells.y1 - cells.y0 + 1) + (row - cells.y0)
    squares, group, sizes = np.unique(square, return_inverse=True, return_counts=True)
    alone = sizes[group] == 1
    grouped = ~alone
    kept = np.flatnonzero(sizes > 1)  # the squares that become clusters, in grid order
    if not len(kept):
        return ClusteredView(cells, _no_clusters(len(points.categories)), points)
    renumber = np.full(len(squares), -1, dtype=np.int64)
    renumber[kept] = np.arange(len(kept))
    member = renumber[group[grouped]]
    return ClusteredView(
        cells,
        _clusters(points.where(grouped), member, len(kept), sizes[kept]),
        points.where(alone),
    )


def _no_clusters(categories: int) -> Clusters:
    empty = np.zeros(0, dtype=np.int64)
    return Clusters(empty, empty, empty, np.zeros((0, categories), dtype=np.int64),
                    np.zeros((0, 4), dtype=np.int64))  # fmt: skip


def _clusters(points: MapPoints, member: np.ndarray, n: int, count: np.ndarray) -> Clusters:
    """The clusters of ``points``, the i-th point a member of cluster ``member[i]``."""
    categories = len(points.categories)
    by_category = np.bincount(member * categories + points.category, minlength=n * categories)
    order = np.argsort(member, kind="stable")
    starts = np.concatenate(([0], np.cumsum(count)[:-1]))
    lat, lon = points.lat[order], points.lon[order]
    bounds = np.column_stack([np.minimum.reduceat(lat, starts), np.minimum.reduceat(lon, starts),
                              np.maximum.reduceat(lat, starts), np.maximum.reduceat(lon, starts)])  # fmt: skip  # noqa: E501
    return Clusters(
        lat=np.rint(np.bincount(member, weights=points.lat, minlength=n) / count).astype(np.int64),
        lon=np.rint(np.bincount(member, weights=points.lon, minlength=n) / count).astype(np.int64),
        count=count.astype(np.int64),
        by_category=by_category.reshape(n, categories),
        bounds=bounds,
    )


@dataclass(frozen=True)
class Fit:
    """The view that frames every point in a map of ``width`` x ``height`` pixels, as
    Leaflet's ``fitBounds`` with 20 px of padding and no deeper than zoom 12: its centre,
    its zoom, and the box the browser asks for (the view widened by half on each side)."""

    lat: float
    lon: float
    zoom: int
    box: Box

    def as_json(self) -> dict:
        return {"center": [self.lat, self.lon], "zoom": self.zoom}


def fit(points: MapPoints, width: int, height: int) -> Fit | None:
    """The view framing ``points`` (None without points)."""
    if not len(points):
        return None
    x, y = world_x(points.lon / SCALE), world_y(points.lat / SCALE)
    (x_min, x_max), (y_min, y_max) = (x.min(), x.max()), (y.min(), y.max())
    room_x, room_y = max(1, width - 2 * FIT_PADDING_PX), max(1, height - 2 * FIT_PADDING_PX)
    zoom = FIT_MIN_ZOOM
    for candidate in range(FIT_MAX_ZOOM, FIT_MIN_ZOOM - 1, -1):
        scale = TILE_PX * 2**candidate
        if (x_max - x_min) * scale <= room_x and (y_max - y_min) * scale <= room_y:
            zoom = candidate
            break
    centre_x, centre_y = (x_min + x_max) / 2, (y_min + y_max) / 2
    scale = TILE_PX * 2**zoom
    half_x, half_y = width / scale, height / scale  # the view is 2x wide, padded by half
    box = Box(
        south=_latitude(min(1.0, centre_y + half_y)),
        west=_longitude(max(0.0, centre_x - half_x)),
        north=_latitude(max(0.0, centre_y - half_y)),
        east=_longitude(min(1.0, centre_x + half_x)),
    )
    return Fit(_latitude(centre_y), _longitude(centre_x), zoom, box)
