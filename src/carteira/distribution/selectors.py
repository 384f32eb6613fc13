"""Reads of the distribution: what a move would do (the confirmation), what undoing a
batch would do, and the history of batches in a user's scope."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from carteira.agenda.models import Task
from carteira.clients.models import Assignment, Client
from carteira.distribution.access import Scope
from carteira.distribution.models import MoveBatch, MoveBatchItem
from carteira.organization.models import Seller
from carteira.portfolio.models import ClientSnapshot
from carteira.portfolio.rules_store import current_rules
from carteira.portfolio.selectors import latest_official_run
from carteira.web.formats import number, percent

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class FromSeller:
    seller: Seller | None  # None: clients without a seller today
    clients: int
    revenue: Decimal


@dataclass(frozen=True)
class MovePreview:
    """What moving ``clients`` to ``seller`` does, before anyone confirms it."""

    seller: Seller
    selected: int  # clients chosen
    moving: int  # of them, the ones another seller serves today
    revenue: Decimal  # of the moving clients, over the ABC window of the latest reading
    window_days: int
    sources: list[FromSeller] = field(default_factory=list)  # from whom, most clients first
    with_tasks: int = 0  # moving clients with open tasks
    tasks_follow: int = 0  # open tasks that go to the new seller with their client
    tasks_stay: int = 0  # open tasks given to a named user: they stay with that user
    has_reading: bool = True


def move_preview(clients: QuerySet[Client], seller: Seller) -> MovePreview:
    moving = clients.exclude(seller=seller)
    run = latest_official_run()
    revenue: dict[int | None, Decimal] = {}
    if run is not None:
        rows = (
            ClientSnapshot.objects.filter(run=run, client__in=moving.values("pk"))
            .values("client__seller")
            .annotate(total=Sum("revenue_in_abc_window"))
        )
        revenue = {r["client__seller"]: r["total"] or ZERO for r in rows}
    counts = moving.order_by().values("seller").annotate(n=Count("pk"))
    names = Seller.objects.in_bulk([c["seller"] for c in counts if c["seller"] is not None])
    sources = sorted(
        (
            FromSeller(names.get(c["seller"]), c["n"], revenue.get(c["seller"], ZERO))
            for c in counts
        ),
        key=lambda s: (-s.clients, str(s.seller or "")),
    )
    tasks = Task.objects.filter(client__in=moving.values("pk"), status=Task.Status.OPEN)
    numbers = tasks.aggregate(
        clients=Count("client", distinct=True),
        follow=Coalesce(Count("pk", filter=Q(assignee_user__isnull=True)), 0),
        stay=Coalesce(Count("pk", filter=Q(assignee_user__isnull=False)), 0),
    )
    return MovePreview(
        seller=seller,
        selected=clients.count(),
        moving=sum(s.clients for s in sources),
        revenue=sum((s.revenue for s in sources), ZERO),
        window_days=current_rules().abc.window_days,
        sources=sources,
        with_tasks=numbers["clients"],
        tasks_follow=numbers["follow"],
        tasks_stay=numbers["stay"],
        has_reading=run is not None,
    )


@dataclass(frozen=True)
class ReversalPreview:
    """Undoing a batch: who goes back, and who stays (and why)."""

    back: list[MoveBatchItem]
    moved_since: list[MoveBatchItem]  # moved again after the batch: they stay
    seller_gone: list[MoveBatchItem]  # their seller of before left, or had none
    outside: list[MoveBatchItem]  # a seller outside the user's scope: not theirs to undo

    @property
    def staying(self) -> int:
        return len(self.moved_since) + len(self.seller_gone) + len(self.outside)


def reversal_preview(scope: Scope, batch: MoveBatch) -> ReversalPreview:
    items = list(batch.items.select_related("client", "seller_from", "seller_to"))
    open_now = set(
        Assignment.objects.filter(
            pk__in=[i.assignment_id for i in items], end_date__isnull=True
        ).values_list("pk", flat=True)
    )
    mine = set(scope.sellers.values_list("pk", flat=True))
    back, since, gone, outside = [], [], [], []
    for item in items:
        if item.assignment_id not in open_now:
            since.append(item)
        elif item.seller_from is None or not item.seller_from.active:
            gone.append(item)
        elif item.seller_from_id not in mine or item.seller_to_id not in mine:
            outside.append(item)
        else:
            back.append(item)
    return ReversalPreview(back, since, gone, outside)


def proposal_in_words(summary: dict, moved: int) -> list[str]:
    """A proposal's figures as a manager reads them: how many clients change seller, and
    how far the most loaded seller (workload, then revenue, per unit of capacity) is above
    the average, today and proposed."""
    before, after = summary.get("before", {}), summary.get("after", {})
    total = summary.get("clients") or sum(r["before"]["clients"] for r in summary["sellers"])
    lines = [
        ngettext(
            "%(n)s of %(total)s clients changes seller (%(share)s).",
            "%(n)s of %(total)s clients change seller (%(share)s).",
            moved,
        )
        % {
            "n": number(moved),
            "total": number(total),
            "share": percent(moved / total if total else 0),
        }
    ]
    for key, text in (
        ("max_over_mean", _("Workload: today the most loaded seller has %(before)s more than "
                            "the average; with the proposal, %(after)s.")),
        ("revenue_max_over_mean", _("Revenue: today the seller with the most revenue for their "
                                    "capacity has %(before)s more than the average; with the "
                                    "proposal, %(after)s.")),
    ):  # fmt: skip
        if before.get(key) and after.get(key):  # 0: nothing to compare (no revenue yet)
            lines.append(text % {"before": percent(before[key] - 1, 0),
                                 "after": percent(after[key] - 1, 0)})  # fmt: skip
    if summary.get("tolerance") is not None:
        lines.append(_("Balance asked: every seller within ±%(tolerance)s of the average "
                       "workload.") % {"tolerance": percent(summary["tolerance"], 0)})  # fmt: skip
    return lines
