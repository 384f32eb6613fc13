"""The one mapper between the ORM and carteira_core.distribution."""

from django.db.models import QuerySet

from carteira.clients.models import Client
from carteira.distribution.models import DistributionRule
from carteira.organization.models import Seller
from carteira.plans.models import ActionPlanCell
from carteira.portfolio.models import ClientSnapshot, Status
from carteira.portfolio.selectors import latest_official_run
from carteira_core.distribution.model import ClientIn, SellerIn
from carteira_core.distribution.rules import ClientFacts, RuleSpec, postal_number

DEFAULT_FREQUENCY_DAYS = 30  # clients no action-plan cell covers: one contact a month


def readings(client_ids: list[int]) -> dict[int, tuple[str, str, int]]:
    """client id -> (abc, status, revenue in cents) from the latest official run."""
    run = latest_official_run()
    if run is None:
        return {}
    rows = ClientSnapshot.objects.filter(run=run, client_id__in=client_ids).values_list(
        "client_id", "abc", "status", "revenue_in_abc_window"
    )
    return {cid: (abc, status, int(revenue * 100)) for cid, abc, status, revenue in rows}


def weekly_contacts() -> dict[tuple[str, str, str], float]:
    cells = ActionPlanCell.objects.filter(active=True).values_list(
        "abc", "status", "segment", "frequency_days"
    )
    return {(abc, status, seg): 7 / max(days, 1) for abc, status, seg, days in cells}


def seller_inputs(sellers: QuerySet[Seller], *, leaving: set[int] = frozenset()) -> list[SellerIn]:
    return [
        SellerIn(
            id=s.pk,
            latitude=s.home_latitude,
            longitude=s.home_longitude,
            capacity=float(s.weekly_capacity),
            segments=frozenset(x.strip() for x in s.segments.split(",") if x.strip()),
            can_receive=s.active and s.pk not in leaving,
        )
        for s in sellers.order_by("pk")
    ]


def client_inputs(clients: QuerySet[Client]) -> list[ClientIn]:
    rows = list(
        clients.order_by("pk").values_list("pk", "latitude", "longitude", "segment", "seller_id")
    )
    read = readings([r[0] for r in rows])
    plan = weekly_contacts()
    result = []
    for pk, lat, lon, segment, seller in rows:
        abc, status, revenue = read.get(pk, ("", Status.PROSPECT, 0))
        weekly = plan.get((abc, status, segment)) or plan.get((abc, status, ""))
        result.append(
            ClientIn(pk, lat, lon, weekly or 7 / DEFAULT_FREQUENCY_DAYS, revenue, segment, seller)
        )
    return result


def rule_spec(rule: DistributionRule) -> RuleSpec:
    ranges = []
    for low, high in rule.postal_ranges:
        ranges.append((postal_number(str(low)) or 0, postal_number(str(high)) or 0))
    return RuleSpec(
        id=rule.pk,
        priority=rule.priority,
        seller=rule.seller_id,
        states=frozenset(rule.states),
        cities=frozenset(rule.cities),
        postal_ranges=tuple(ranges),
        polygon=tuple(tuple(point) for point in rule.polygon),
        segments=frozenset(rule.segments),
        abc=frozenset(rule.abc),
        clients=frozenset(rule.key_accounts),
    )


def client_facts(clients: list[Client]) -> ClientFacts:
    read = readings([c.pk for c in clients])
    return ClientFacts(
        code=[c.external_id for c in clients],
        state=[c.state.upper() for c in clients],
        city=[c.city for c in clients],
        postal_code=[c.postal_code for c in clients],
        latitude=[c.latitude for c in clients],
        longitude=[c.longitude for c in clients],
        segment=[c.segment for c in clients],
        abc=[read.get(c.pk, ("",))[0] for c in clients],
    )
