"""What every map needs from the server: the tile server (a setting) or, without one, the
states' abbreviations to draw on a plain background, so maps work offline."""

import os

from django.conf import settings

from carteira.territory import places


def tile_url() -> str:
    """The tile server's URL template; empty: points on a plain background (works offline)."""
    return getattr(settings, "CARTEIRA_TILE_URL", "") or os.environ.get("CARTEIRA_TILE_URL", "")


def base_map_config() -> dict:
    """The input of ``carteira/basemap.js``."""
    url = tile_url()
    return {
        "tileUrl": url,
        "tileAttribution": os.environ.get("CARTEIRA_TILE_ATTRIBUTION", ""),
        "states": [] if url else places.state_labels(),
        "statesAttribution": places.ATTRIBUTION,
    }
