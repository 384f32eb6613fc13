"""Writes: apply rules, reassign, propose, apply or discard a proposal, return covers,
undo a batch of moves. Every change of hands goes through
clients.services.do_assign_clients_bulk, so history, Client.seller (hence permissions),
open tasks and the audit trail follow; a reassignment, an applied proposal, an application
of the rules (and the undoing of any of them) is also one MoveBatch, listed in the
history. The covers' nightly return is not: it ends what a batch started."""

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass, replace

from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from carteira.accounts.models import User
from carteira.audit.services import do_record
from carteira.clients.models import Assignment, Client
from carteira.clients.services import do_assign_clients_bulk
from carteira.distribution import engine_input
from carteira.distribution.access import Scope, access_distribution
from carteira.distribution.models import Cover, DistributionRule, MoveBatch, MoveBatchItem, Proposal
from carteira.distribution.selectors import ReversalPreview, reversal_preview
from carteira.organization.models import Seller, Team
from carteira_core.distribution.metrics import measure
from carteira_core.distribution.model import Options
from carteira_core.distribution.propose import propose
from carteira_core.distribution.rules import match_rules

log = logging.getLogger(__name__)

RULES_REASON = "carteirização"
RETURN_REASON = "fim de cobertura"  # stored words, like the rules' reason


@dataclass(frozen=True)
class RulesPreview:
    unmatched: list[Client]
    conflicts: list[tuple[Client, list[DistributionRule]]]  # winner first
    changes: list[tuple[Client, Seller | None, Seller]]


def rules_preview(scope: Scope) -> RulesPreview:
    rules = {r.pk: r for r in scope.rules().filter(active=True)}
    clients = list(scope.clients.select_related("seller").order_by("name", "pk"))
    found = match_rules(
        [engine_input.rule_spec(r) for r in rules.values()], engine_input.client_facts(clients)
    )
    unmatched, conflicts, changes = [], [], []
    for client, ids in zip(clients, found.rules, strict=True):
        if not ids:
            unmatched.append(client)
            continue
        if len(ids) > 1:
            conflicts.append((client, [rules[i] for i in ids]))
        winner = rules[ids[0]]
        if winner.seller_id != client.seller_id:
            changes.append((client, client.seller, winner.seller))
    return RulesPreview(unmatched, conflicts, changes)


@transaction.atomic
def do_apply_rules(scope: Scope, *, on: dt.date, by: User) -> int:
    preview = rules_preview(scope)
    changes = {client.pk: target.pk for client, _old, target in preview.changes}
    batch = do_move_clients(changes, kind=MoveBatch.Kind.RULES, on=on, reason=RULES_REASON, by=by)
    return batch.moved


def _covers(moved_from: dict[int, int], until: dt.date) -> None:
    open_ = Assignment.objects.filter(client_id__in=list(moved_from), end_date__isnull=True)
    Cover.objects.bulk_create(
        Cover(
            client_id=a.client_id, assignment=a, returns_to_id=moved_from[a.client_id], until=until
        )
        for a in open_
    )
    for sid in set(moved_from.values()):
        mine = [cid for cid, old in moved_from.items() if old == sid]
        open_.filter(client_id__in=mine).update(returns_to_id=sid)


@transaction.atomic
def do_move_clients(
    changes: dict[int, int],
    *,
    kind: str,
    on: dt.date,
    reason: str,
    by: User,
    until: dt.date | None = None,
    query: dict | None = None,
    reverses: MoveBatch | None = None,
) -> MoveBatch:
    """Give each client of ``changes`` (client id → seller id) to its seller as ONE batch:
    the assignments, the batch with every client's from → to and one audit event. With
    ``until``, a temporary cover: the clients return on that day (return_covers)."""
    before = dict(Client.objects.filter(pk__in=list(changes)).values_list("pk", "seller_id"))
    moving = {cid: sid for cid, sid in changes.items() if cid in before and before[cid] != sid}
    batch = MoveBatch.objects.create(
        kind=kind, reason=reason, on=on, until=until, query=query or {}, reverses=reverses,
        created_by=by if getattr(by, "is_authenticated", False) else None,
    )  # fmt: skip
    batch.moved = do_assign_clients_bulk(moving, on=on, reason=reason, by=by)
    batch.save(update_fields=["moved"])
    opened = dict(
        Assignment.objects.filter(client_id__in=list(moving), end_date__isnull=True).values_list(
            "client_id", "pk"
        )
    )
    MoveBatchItem.objects.bulk_create(
        MoveBatchItem(batch=batch, client_id=cid, seller_from_id=before[cid], seller_to_id=sid,
                      assignment_id=opened[cid])
        for cid, sid in sorted(moving.items())
    )  # fmt: skip
    if until is not None:
        _covers({cid: before[cid] for cid in moving if before[cid] is not None}, until)
    do_record("distribution.batch", actor=by, obj=batch, kind=kind, moved=batch.moved,
              reverses=reverses.pk if reverses else None)  # fmt: skip
    return batch


def do_reassign(
    clients: QuerySet[Client],
    seller: Seller,
    *,
    on: dt.date,
    reason: str,
    by: User,
    until: dt.date | None = None,
    kind: str = MoveBatch.Kind.REASSIGN,
    query: dict | None = None,
) -> MoveBatch:
    """Give every client of ``clients`` to ``seller`` (one batch); with ``until``, only
    until that day."""
    ids = clients.exclude(seller=seller).values_list("pk", flat=True)
    return do_move_clients(dict.fromkeys(ids, seller.pk), kind=kind, on=on, reason=reason,
                           by=by, until=until, query=query)  # fmt: skip


class AlreadyUndone(Exception):
    """A batch is undone once; undo its undoing to move the clients again."""


@transaction.atomic
def do_undo_batch(scope: Scope, batch: MoveBatch, *, on: dt.date, by: User) -> MoveBatch:
    """Give back the clients of ``batch`` to their sellers of before, as one batch. Clients
    moved again since (their open assignment is no longer the batch's), and clients whose
    seller of before left or is outside the user's scope, stay where they are."""
    batch = MoveBatch.objects.select_for_update().get(pk=batch.pk)
    if MoveBatch.objects.filter(reverses=batch).exists():
        raise AlreadyUndone
    preview: ReversalPreview = reversal_preview(scope, batch)
    changes = {item.client_id: item.seller_from_id for item in preview.back}
    undo = do_move_clients(
        changes, kind=MoveBatch.Kind.REVERSAL, on=on, by=by, reverses=batch,
        reason=_("Undo of #%(n)d: %(reason)s") % {"n": batch.pk, "reason": batch.reason},
    )  # fmt: skip
    Cover.objects.filter(
        assignment_id__in=[item.assignment_id for item in preview.back], returned_on__isnull=True
    ).update(returned_on=on)
    return undo


def _summary(sellers, clients, after: dict[int, int], names: dict[int, str]) -> dict:
    today = {c.id: c.seller for c in clients if c.seller is not None}
    # Today, the leaving seller still serves: their load counts in today's balance.
    serving = [replace(s, can_receive=True) if s.capacity > 0 else s for s in sellers]
    before_m, after_m = measure(serving, clients, today), measure(sellers, clients, after)
    rows = [
        {
            "seller": b.seller,
            "name": names[b.seller],
            "capacity": b.capacity,
            "before": {
                "clients": b.clients,
                "workload": round(b.workload, 2),
                "revenue": b.revenue,
            },
            "after": {"clients": a.clients, "workload": round(a.workload, 2), "revenue": a.revenue},
        }
        for b, a in zip(before_m.loads, after_m.loads, strict=True)
    ]
    overall = {
        key: {"max_over_mean": round(m.max_over_mean, 3), "cv": round(m.cv, 3),
              "revenue_cv": round(m.revenue_cv, 3), "mean_km": round(m.mean_km, 1),
              "revenue_max_over_mean": round(m.revenue_max_over_mean, 3)}
        for key, m in (("before", before_m), ("after", after_m))
    }  # fmt: skip
    return {"sellers": rows, **overall}


def proposal_sellers(scope: Scope, team: Team | None) -> QuerySet[Seller]:
    return scope.sellers.filter(team=team) if team is not None else scope.sellers


def _taking_part(scope: Scope, team: Team | None) -> QuerySet[Seller]:
    """The team's sellers (all, for the whole company) an inactive one takes no part,
    unless they still hold clients (who must move)."""
    sellers_qs = proposal_sellers(scope, team)
    holding = scope.clients.filter(seller__in=sellers_qs).values("seller")
    return sellers_qs.filter(Q(active=True) | Q(pk__in=holding))


def _nothing_to_distribute() -> ValueError:
    return ValueError(_("Nothing to distribute: no clients or no seller who can receive."))


def _draft(
    scope: Scope,
    *,
    team: Team | None,
    leaving: Seller | None,
    tradeoff: dict | None,
    progress: Callable[[str], None] | None = None,
) -> dict:
    """The optimiser's proposal for the team: a Proposal's ``moves`` and ``summary``."""
    sellers_qs = _taking_part(scope, team)
    sellers = engine_input.seller_inputs(sellers_qs, leaving={leaving.pk} if leaving else set())
    clients = engine_input.client_inputs(scope.clients.filter(seller__in=sellers_qs))
    if not clients or not any(s.can_receive for s in sellers):
        raise _nothing_to_distribute()
    options = Options(**(tradeoff or {}))
    result = propose(sellers, clients, options, progress)
    names = dict(sellers_qs.values_list("pk", "name"))
    return {
        "moves": [[m.client, m.seller_from, m.seller_to] for m in result.moves],
        "summary": {
            **_summary(sellers, clients, result.assignment, names),
            "move_km": options.move_km,
            "revenue_weight": options.revenue_weight,
            "compactness": options.compactness,
            "tolerance": options.tolerance,
            "fewest_moves": options.fewest_moves,
            "clients": len(clients),
        },
    }


@transaction.atomic
def do_propose(
    scope: Scope,
    *,
    team: Team | None,
    reason: str,
    by: User,
    leaving: Seller | None = None,
    until: dt.date | None = None,
    tradeoff: dict[str, float] | None = None,
) -> Proposal:
    """Draft a balanced distribution of the team's clients (all, for the whole company),
    here and now. ``tradeoff``: Options fields (ProposalForm.TRADEOFFS); None: the
    defaults. The pages ask the task worker instead (do_request_proposal)."""
    fields = _draft(scope, team=team, leaving=leaving, tradeoff=tradeoff)
    return Proposal.objects.create(
        team=team, leaving=leaving, reason=reason, until=until, options=tradeoff,
        created_by=by, computed_at=timezone.now(), **fields,
    )  # fmt: skip


def do_request_proposal(
    scope: Scope,
    *,
    team: Team | None,
    reason: str,
    by: User,
    leaving: Seller | None = None,
    until: dt.date | None = None,
    tradeoff: dict[str, float] | None = None,
) -> Proposal:
    """Ask the task worker for a proposal: what can be checked at once is (clients to
    distribute, a seller who can receive: ValueError), then a proposal 'computing' is
    stored and ``compute_proposal`` queued; its page follows the passes until the draft is
    ready. The request answers at once, however long the optimiser takes."""
    from carteira.distribution.tasks import compute_proposal  # tasks import the services

    sellers_qs = _taking_part(scope, team)
    receiving = sellers_qs.filter(active=True).exclude(pk=leaving.pk if leaving else None)
    if not scope.clients.filter(seller__in=sellers_qs).exists() or not receiving.exists():
        raise _nothing_to_distribute()
    proposal = Proposal.objects.create(
        team=team, leaving=leaving, reason=reason, until=until, options=tradeoff,
        created_by=by, status=Proposal.State.COMPUTING,
    )  # fmt: skip
    # The database backend keeps the task in the same database: the proposal is committed
    # first (no surrounding transaction), so the worker always finds it.
    compute_proposal.enqueue(proposal.pk)
    proposal.refresh_from_db()  # an immediate backend has computed it already
    return proposal


def do_compute_proposal(proposal_id: int) -> str:
    """The task's work: compute a proposal still 'computing' as the user who asked for
    it (their scope today), reporting each pass on the row; 'draft' when done, 'failed'
    with a reason a manager can act on. Running it twice changes nothing."""
    proposal = Proposal.objects.filter(pk=proposal_id, status=Proposal.State.COMPUTING).first()
    if proposal is None:
        return "gone"

    def progress(step: str) -> None:
        Proposal.objects.filter(pk=proposal_id).update(step=step)

    try:
        if proposal.created_by is None:
            raise ValueError(_("The user who asked for this proposal no longer exists."))
        scope = access_distribution(proposal.created_by)
        fields = _draft(scope, team=proposal.team, leaving=proposal.leaving,
                        tradeoff=proposal.options, progress=progress)  # fmt: skip
    except (ValueError, Http404) as error:
        reason = (
            str(error)
            if isinstance(error, ValueError)
            else _("The user who asked for this proposal may no longer distribute clients.")
        )
        return _finish(proposal_id, status=Proposal.State.FAILED, failure=reason)
    except Exception:
        log.exception("distribution proposal %s failed", proposal_id)
        failure = _("The proposal could not be computed. Try again; if it fails again, tell "
                    "the administrator (the error is in the worker's log).")  # fmt: skip
        return _finish(proposal_id, status=Proposal.State.FAILED, failure=failure)
    return _finish(proposal_id, status=Proposal.State.DRAFT, **fields)


def _finish(proposal_id: int, *, status: str, **fields) -> str:
    Proposal.objects.filter(pk=proposal_id, status=Proposal.State.COMPUTING).update(
        status=status, step="", computed_at=timezone.now(), **fields
    )
    return status


@transaction.atomic
def do_apply_proposal(scope: Scope, proposal: Proposal, *, on: dt.date, by: User) -> int:
    """Apply a draft. Clients that changed hands since the draft was made are left alone."""
    proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
    if proposal.status != Proposal.State.DRAFT:
        return 0
    wanted = {cid: (old, new) for cid, old, new in proposal.moves}
    today = dict(scope.clients.filter(pk__in=list(wanted)).values_list("pk", "seller_id"))
    valid = set(scope.sellers.values_list("pk", flat=True))
    changes = {
        cid: new for cid, (old, new) in wanted.items() if cid in today and today[cid] == old
        and new in valid
    }  # fmt: skip
    # One batch (history, undo); with ``until`` its clients are covers that return.
    moved = do_move_clients(changes, kind=MoveBatch.Kind.PROPOSAL, on=on, by=by,
                            reason=proposal.reason, until=proposal.until).moved  # fmt: skip
    if proposal.until is None and proposal.leaving is not None:
        Seller.objects.filter(pk=proposal.leaving_id).update(active=False)
    proposal.status = Proposal.State.APPLIED
    proposal.decided_by, proposal.decided_at = by, timezone.now()
    proposal.save(update_fields=["status", "decided_by", "decided_at"])
    return moved


def do_discard_proposal(proposal: Proposal, *, by: User) -> None:
    """Discard a draft, or cancel one still computing (its task then leaves it alone)."""
    if proposal.status in {Proposal.State.DRAFT, Proposal.State.COMPUTING}:
        proposal.status = Proposal.State.DISCARDED
        proposal.decided_by, proposal.decided_at = by, timezone.now()
        proposal.save(update_fields=["status", "decided_by", "decided_at"])


@transaction.atomic
def do_return_covers(on: dt.date) -> int:
    """Give back the clients whose cover ended on or before ``on``. A client someone moved
    again meanwhile, or whose seller is no longer active, stays where it is."""
    due = list(
        Cover.objects.filter(returned_on__isnull=True, until__lte=on).select_related(
            "assignment", "returns_to"
        )
    )
    changes = {
        c.client_id: c.returns_to_id
        for c in due
        if c.assignment.end_date is None and c.returns_to.active
    }
    moved = do_assign_clients_bulk(changes, on=on, reason=RETURN_REASON)
    Cover.objects.filter(pk__in=[c.pk for c in due]).update(returned_on=on)
    return moved
