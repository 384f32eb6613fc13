"""The one gate for distribution: who may move clients, and which ones.

Managers act on their teams' sellers and clients; directors, analysts and admins on all;
everyone else gets a 404 (the pages do not exist for them)."""

from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.http import Http404

from carteira.accounts.capabilities import MANAGEMENT
from carteira.accounts.models import User
from carteira.clients.access import clients_visible_to, sellers_visible_to
from carteira.clients.models import Client
from carteira.distribution.models import DistributionRule, MoveBatch, MoveBatchItem, Proposal
from carteira.organization.models import Seller, Team


@dataclass(frozen=True)
class Scope:
    user: User
    sellers: QuerySet[Seller]
    clients: QuerySet[Client]
    teams: QuerySet[Team]
    whole_company: bool

    def seller(self, seller_id) -> Seller:
        try:
            return self.sellers.get(pk=seller_id)
        except (Seller.DoesNotExist, ValueError, TypeError):
            raise Http404 from None

    def rules(self) -> QuerySet[DistributionRule]:
        return DistributionRule.objects.filter(seller__in=self.sellers).select_related("seller")

    def rule(self, rule_id) -> DistributionRule:
        try:
            return self.rules().get(pk=rule_id)
        except (DistributionRule.DoesNotExist, ValueError, TypeError):
            raise Http404 from None

    def proposals(self) -> QuerySet[Proposal]:
        proposals = Proposal.objects.select_related("team", "leaving")
        return proposals if self.whole_company else proposals.filter(team__in=self.teams)

    def proposal(self, proposal_id) -> Proposal:
        try:
            return self.proposals().get(pk=proposal_id)
        except (Proposal.DoesNotExist, ValueError, TypeError):
            raise Http404 from None

    def batches(self) -> QuerySet[MoveBatch]:
        """The history: every batch for the whole company; for a manager, the batches that
        moved a client from or to a seller of their teams."""
        batches = MoveBatch.objects.select_related("created_by", "reverses")
        if self.whole_company:
            return batches
        mine = MoveBatchItem.objects.filter(
            Q(seller_from__in=self.sellers) | Q(seller_to__in=self.sellers)
        ).values("batch")
        return batches.filter(pk__in=mine)

    def batch(self, batch_id) -> MoveBatch:
        try:
            return self.batches().get(pk=batch_id)
        except (MoveBatch.DoesNotExist, ValueError, TypeError):
            raise Http404 from None


def access_distribution(user: User) -> Scope:
    if not MANAGEMENT.held_by(user):  # anonymous and inactive users hold nothing
        raise Http404
    whole = user.sees_whole_portfolio
    teams = Team.objects.all() if whole else Team.objects.filter(manager=user)
    return Scope(user, sellers_visible_to(user), clients_visible_to(user), teams, whole)
