"""The proposal on a map: every client of the proposal's sellers coloured by the seller
proposed, the moving ones ringed in the colour of today's seller (the diff: from → to),
and each seller's base (the input of the map's JS)."""

from django.urls import reverse
from django.utils.translation import gettext as _

from carteira.distribution.access import Scope
from carteira.distribution.models import Proposal
from carteira.organization.models import Seller
from carteira.territory.basemap import base_map_config

MAX_POINTS = 20_000  # beyond this, the moving clients and a sample of the others
# Twelve colours told apart by most colour-blind readers too (Tableau 10 + two).
PALETTE = ["#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948", "#b07aa1",
           "#ff9da7", "#9c755f", "#bab0ac", "#1b9e77", "#7570b3"]  # fmt: skip


def proposal_map(scope: Scope, proposal: Proposal) -> dict:
    rows = proposal.summary.get("sellers", [])
    order = {r["seller"]: i for i, r in enumerate(rows)}
    moved = {cid: new for cid, _old, new in proposal.moves}
    clients = scope.clients.filter(seller_id__in=list(order)) | scope.clients.filter(
        pk__in=list(moved)
    )
    homes = {
        pk: (lat, lon)
        for pk, lat, lon in Seller.objects.filter(pk__in=list(order)).values_list(
            "pk", "home_latitude", "home_longitude"
        )
    }
    located = clients.filter(latitude__isnull=False, longitude__isnull=False)
    points, sums = [], {}
    for pk, lat, lon, seller in located.order_by("pk").values_list(
        "pk", "latitude", "longitude", "seller_id"
    )[:MAX_POINTS]:
        proposed = moved.get(pk, seller) if proposal.status == Proposal.State.DRAFT else seller
        if proposed not in order:
            continue
        point = [round(lat, 5), round(lon, 5), order[proposed], int(pk in moved)]
        if pk in moved and proposal.status == Proposal.State.DRAFT:
            point.append(order.get(seller, -1))  # today's seller's row: the map's "from"
        points.append(point)
        s = sums.setdefault(seller, [0.0, 0.0, 0])  # today's portfolio: the base if no home
        s[0], s[1], s[2] = s[0] + lat, s[1] + lon, s[2] + 1
    return {
        "points": points,
        "sellers": [_seller(r, i, sums, homes) for i, r in enumerate(rows)],
        **base_map_config(scope.user),
        "cardUrl": reverse("territory:card", args=[0]),
        "text": {"moved": _("from %(from)s to %(to)s"), "base": _("Base of %s"),
                 "nobody": _("no seller")},
    }  # fmt: skip


def _seller(row: dict, i: int, sums: dict, homes: dict) -> dict:
    """A seller's colour, counts and base: the home, else the centre of their clients."""
    lat, lon = homes.get(row["seller"], (None, None))
    if lat is None or lon is None:
        s = sums.get(row["seller"])
        lat, lon = (s[0] / s[2], s[1] / s[2]) if s else (None, None)
    return {
        "name": row["name"],
        "colour": PALETTE[i % len(PALETTE)],
        "base": [round(lat, 5), round(lon, 5)] if lat is not None else None,
        "before": row["before"]["clients"],
        "after": row["after"]["clients"],
    }
