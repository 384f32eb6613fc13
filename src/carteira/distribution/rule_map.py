"""The segmentation rule's map: where its polygon is drawn (the input of rule_map.js)."""

from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from carteira.distribution.access import Scope
from carteira.distribution.models import DistributionRule
from carteira.territory.basemap import base_map_config

# Leaflet-Geoman's own translations of its toolbar.
GEOMAN_LANGUAGES = {"pt-br": "pt_br", "es": "es", "en": "en"}


def rule_map_config(scope: Scope, rule: DistributionRule | None) -> dict:
    others = scope.rules().exclude(polygon=[])
    if rule is not None:
        others = others.exclude(pk=rule.pk)
    return {
        **base_map_config(scope.user),
        "pointsUrl": reverse("territory:points"),
        "others": [{"name": r.name, "ring": r.polygon} for r in others.order_by("priority")],
        "geomanLang": GEOMAN_LANGUAGES.get((get_language() or "pt-br").lower(), "pt_br"),
        "text": {
            "none": _("No polygon yet: draw one with the tools on the map, or type it below."),
            "drawn": _("Polygon drawn."),
            "inside": _("Clients inside the polygon: %s"),
            "error": _("The map could not load the clients. The polygon can still be drawn."),
        },
    }
