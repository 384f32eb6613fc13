"""The value model's leads for the action plan (agenda.hooks.value_leads): the clients with
room to grow and the ones worth recovering at an official reading, each with its reason.

- **upsell**: a client still buying (revenue in the reading's window, and not probably
  gone) that buys less than ``UPSELL_BELOW_SHARE`` of its potential; the amount is the
  year's gap (potential − revenue), the largest first.
- **recover**: a client the fitted model says has probably left (P(alive) under
  ``RECOVERY_BELOW``) whose recovery is worth something (CLV / P(alive) − CLV), the
  largest first.

Only a reliable fit (purchase and spend models ``ok``) gives recovery leads and keeps the
probably-gone clients out of the upsell ones; the potentials do not need the model.
"""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _

from carteira.agenda.hooks import RecoveryOutlook, ValueLead
from carteira.value import selectors
from carteira.value.models import ClientPotential, ClientValue, ValueFit
from carteira.value.selectors import RECOVERY_BELOW, recovery_worth
from carteira.value.templatetags.value import whole_percent
from carteira.web import formats

# a client buying less than this share of its potential has room to grow
UPSELL_BELOW_SHARE = 0.5
UPSELL = "upsell"
RECOVER = "recover"


def value_leads(run_id: int) -> list[ValueLead]:
    """The reading's upsell leads (largest gap first), then its recovery leads (largest
    worth first)."""
    fit = ValueFit.objects.filter(run_id=run_id).first()
    gone: dict[int, float] = {}
    recover: list[ValueLead] = []
    if fit is not None and fit.ok and fit.spend_ok:
        rows = ClientValue.objects.filter(
            fit=fit, p_alive__lt=RECOVERY_BELOW, clv__isnull=False
        ).values_list("client_id", "p_alive", "clv")
        for client_id, p_alive, clv in rows:
            gone[client_id] = p_alive
            worth = recovery_worth(clv, p_alive)
            if worth is not None and worth > 0:
                recover.append(_recover(client_id, p_alive, worth, fit.horizon_months))
    upsell = [
        _upsell(*row)
        for row in _room_rows(run_id)
        if row[2] < UPSELL_BELOW_SHARE and row[0] not in gone
    ]
    upsell.sort(key=lambda lead: (-lead.amount, lead.client_id))
    recover.sort(key=lambda lead: (-lead.amount, lead.client_id))
    return upsell + recover


def room_to_grow(run_id: int) -> dict[int, ValueLead]:
    """Every client of the reading still buying (revenue in its window) with a positive
    yearly gap to its potential, whatever its share of wallet: its upsell lead, the reason
    worded for the seller (agenda.hooks.room_to_grow: the action plan's upsell cells)."""
    return {row[0]: _upsell(*row) for row in _room_rows(run_id)}


def _room_rows(run_id: int) -> list[tuple[int, Decimal, float, str]]:
    """(client, gap, share, source) of the clients buying below their potential."""
    rows = ClientPotential.objects.filter(run_id=run_id, revenue__gt=0, gap__gt=0).values_list(
        "client_id", "gap", "share", "source"
    )
    return [(client_id, gap, share or 0.0, source) for client_id, gap, share, source in rows]


def _upsell(client_id: int, gap: Decimal, share: float, source: str) -> ValueLead:
    reason = _(
        "Room to grow: %(gap)s a year. It buys %(share)s of what it could (potential from "
        "%(source)s): find out what it buys elsewhere and offer it."
    ) % {
        "gap": formats.money(gap),
        "share": _chance(share),
        "source": ClientPotential.Source(source).label,
    }
    facts = {"gap": str(gap), "share": round(share, 4), "source": source}
    return ValueLead(client_id, UPSELL, gap, reason, facts)


def _recover(client_id: int, p_alive: float, worth: Decimal, months: int) -> ValueLead:
    reason = _(
        "Worth recovering: %(p_alive)s chance it is still a client; winning it back is worth "
        "%(worth)s in the next %(months)s months. Ask what changed and what it would take."
    ) % {
        "p_alive": _chance(p_alive),
        "worth": formats.money(worth),
        "months": months,
    }
    facts = {"p_alive": round(p_alive, 4), "worth": str(worth)}
    return ValueLead(client_id, RECOVER, worth, reason, facts)


def recovery_outlooks(run_id: int, client_ids) -> dict[int, RecoveryOutlook]:
    """The clients' chance of still being a client and the worth of winning them back at
    the reading (agenda.hooks: the lost clients' page)."""
    return {
        client_id: RecoveryOutlook(p_alive, _chance(p_alive), worth, months)
        for client_id, (p_alive, worth, months) in selectors.recovery_outlooks(
            run_id, client_ids
        ).items()
    }


def _chance(fraction: float) -> str:
    """As the client page shows it (34 %); "under 1 %" rather than a 0 % that is not."""
    return whole_percent(fraction) if fraction >= 0.005 else _("under 1 %")
