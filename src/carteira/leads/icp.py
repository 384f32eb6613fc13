"""The ideal client profile: how much a lead looks like the company's class A clients.

A simple, explainable lookalike over the attributes leads and clients share (segment,
state, city). From the official reading:

- ``share_A(a, x)``: the share of class A clients whose attribute ``a`` is ``x``;
- ``share_all(a, x)``: the same over every client with a class (A, B or C);
- an attribute's weight is how differently class A spreads over its values than all
  clients do (total variation distance, ½ Σ |share_A − share_all|), the weights scaled to
  sum 1: an attribute where A clients are like everyone else weighs nothing;
- a lead's score = 100 × Σ weight × share_A(its value) / the largest share_A of that
  attribute (its most typical value scores 1); an unknown or unseen value scores 0.

Each lead stores its score and its factors (attribute, value, share of A, weight) so the
page shows which attributes weighed. Refreshed when an official reading is stored (the
receiver below) and when a lead is created or imported.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from carteira.audit.events import OFFICIAL_READING
from carteira.leads.models import Lead
from carteira.portfolio.models import ClientSnapshot
from carteira.portfolio.selectors import latest_official_run
from carteira_core.ingest.values import fold

ATTRIBUTES = {"segment": _("Segment"), "state": _("State"), "city": _("City")}


@dataclass(frozen=True)
class Profile:
    run_id: int
    weights: dict[str, float]
    shares: dict[str, dict[str, float]]  # attribute → folded value → share of class A
    tops: dict[str, float]

    def score(self, lead: Lead) -> None:
        lead.icp_score, lead.icp_factors = self.factors(lead)

    def factors(self, lead: Lead) -> tuple[int, list[dict]]:
        score, factors = 0.0, []
        for attribute, label in ATTRIBUTES.items():
            value = getattr(lead, attribute) or ""
            share = self.shares[attribute].get(_key(attribute, value), 0.0)
            weight = self.weights[attribute]
            top = self.tops[attribute]
            score += weight * (share / top if top else 0.0)
            factors.append({"attribute": attribute, "label": str(label), "value": value,
                            "share": round(share, 4), "weight": round(weight, 4)})  # fmt: skip
        return round(100 * score), factors


def _key(attribute: str, value: str) -> str:
    return value.upper() if attribute == "state" else fold(value)


def _shares(rows: list[tuple[str, ...]], index: int, attribute: str) -> dict[str, float]:
    raw = Counter(row[index] or "" for row in rows)
    counts: Counter[str] = Counter()
    for value, n in raw.items():  # fold each distinct value once, not once per client
        counts[_key(attribute, value)] += n
    counts.pop("", None)
    total = len(rows)
    return {value: n / total for value, n in counts.items()} if total else {}


def profile_of(run_id: int) -> Profile | None:
    """The profile of the class A clients of reading ``run_id``; None without any."""
    readings = ClientSnapshot.objects.filter(run_id=run_id).exclude(abc="")
    rows = list(readings.values_list("abc", "client__segment", "client__state", "client__city"))
    best = [row for row in rows if row[0] == "A"]
    if not best:
        return None
    weights, shares, tops = {}, {}, {}
    for index, attribute in enumerate(ATTRIBUTES, start=1):
        in_a, in_all = _shares(best, index, attribute), _shares(rows, index, attribute)
        values = set(in_a) | set(in_all)
        weights[attribute] = sum(abs(in_a.get(v, 0) - in_all.get(v, 0)) for v in values) / 2
        shares[attribute] = in_a
        tops[attribute] = max(in_a.values(), default=0.0)
    total = sum(weights.values())
    if total == 0:  # class A spreads like everyone: every attribute weighs the same
        weights = dict.fromkeys(ATTRIBUTES, 1 / len(ATTRIBUTES))
    else:
        weights = {a: w / total for a, w in weights.items()}
    return Profile(run_id, weights, shares, tops)


def current_profile() -> Profile | None:
    run = latest_official_run()
    return profile_of(run.pk) if run else None


def do_score_leads(leads=None, *, profile: Profile | None = None) -> int:
    """Score ``leads`` (default: every lead not yet a client) with ``profile`` (default:
    the latest official reading's). Returns how many were scored."""
    profile = profile or current_profile()
    if profile is None:
        return 0
    leads = Lead.objects.filter(client__isnull=True) if leads is None else leads
    scored, changed = 0, []
    for lead in leads.only("pk", "segment", "state", "city", "icp_score", "icp_factors"):
        before = (lead.icp_score, lead.icp_factors)
        profile.score(lead)
        scored += 1
        if (lead.icp_score, lead.icp_factors) != before:  # most leads keep their score
            changed.append(lead)
    Lead.objects.bulk_update(changed, ["icp_score", "icp_factors"], batch_size=1000)
    return scored


def event_happened(sender, **data):
    """An official reading was stored: every open lead is scored against its class A."""
    if sender == OFFICIAL_READING:
        profile = profile_of(data["run_id"])
        if profile is not None:
            do_score_leads(profile=profile)
