"""A light geographic reference for the map when no tile server is configured."""

from functools import cache

import numpy as np

from carteira_core.demo.geo import municipalities

ATTRIBUTION = "GeoNames (CC BY 4.0)"


@cache
def state_labels() -> list[list]:
    """[UF, lat, lon] for each state: the mean position of its listed municipal seats,
    where the map writes the state's abbreviation."""
    towns = municipalities()
    labels = []
    for uf in sorted(set(towns.uf)):
        rows = towns.uf == uf
        labels.append(
            [
                uf,
                round(float(np.mean(towns.lat[rows])), 2),
                round(float(np.mean(towns.lon[rows])), 2),
            ]
        )
    return labels
