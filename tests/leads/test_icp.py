import pytest

from carteira.leads.models import Lead
from carteira.portfolio.services import do_snapshot
from tests.histories import T
from tests.leads.factories import make_lead

pytestmark = pytest.mark.django_db


def test_a_lead_scores_by_how_much_it_looks_like_class_a_with_its_factors(
    history, seller_ana, seller_carla
):
    """Class A: A1 and A2 (supermarket and pharmacy, Porto Alegre/RS); with a class: also
    B1, B2 (Porto Alegre) and C2 (pharmacy, Recife/PE). Weights (half the distance between
    A's spread and everyone's): segment 0.1, state 0.2, city 0.2 → 0.2, 0.4, 0.4."""
    early = make_lead("Antes da leitura", seller_carla, segment="farmácias", city="Recife",
                      state="PE")  # fmt: skip
    assert early.icp_score is None
    do_snapshot(T)
    early.refresh_from_db()
    assert early.icp_score == 20  # pharmacy is half of A (0.5 / top 0.5): 0.2 × 1
    best = make_lead("Mercado POA", seller_ana, segment="supermercados", city="porto alegre",
                     state="RS")  # fmt: skip
    near = make_lead("Mercado Canoas", seller_ana, segment="supermercados", city="Canoas",
                     state="RS")  # fmt: skip
    assert (best.icp_score, near.icp_score) == (100, 60)
    assert Lead.objects.get(pk=near.pk).icp_factors == [
        {"attribute": "segment", "label": "Segmento", "value": "supermercados", "share": 0.5,
         "weight": 0.2},
        {"attribute": "state", "label": "UF", "value": "RS", "share": 1.0, "weight": 0.4},
        {"attribute": "city", "label": "Cidade", "value": "Canoas", "share": 0.0, "weight": 0.4},
    ]  # fmt: skip


def test_without_a_reading_with_class_a_no_lead_is_scored(seller_ana):
    lead = make_lead("Sem leitura", seller_ana, segment="x")
    assert (lead.icp_score, lead.icp_factors) == (None, None)
