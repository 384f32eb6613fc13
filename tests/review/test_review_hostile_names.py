"""The review PDF with hostile names (issue 24, plan [18]): a seller and a decision named
``Ramos & Alves <b>"O'Brien"</b>`` are printed as typed — no entity, no bold markup."""

import io

import pytest
import time_machine
from pypdf import PdfReader

from carteira.organization.models import Seller
from carteira.review.models import Decision
from tests.review.test_review import OCT, ON_12_NOV, october  # noqa: F401 -- fixtures

HOSTILE = 'Ramos & Alves <b>"O\'Brien"</b>'


@pytest.fixture(autouse=True)
def _on_12_november():
    with time_machine.travel(ON_12_NOV, tick=False):
        yield


def test_the_review_pdf_prints_hostile_names_as_typed(client, director, october, seller_ana):  # noqa: F811
    Seller.objects.filter(pk=seller_ana.pk).update(name=HOSTILE)
    Decision.objects.create(text=f"Visitar {HOSTILE}", owner=director, kind="plan", **OCT)
    client.force_login(director)
    response = client.get("/review/pdf/?period=2026-10")
    assert response.status_code == 200
    pages = PdfReader(io.BytesIO(response.content)).pages
    text = "\n".join(page.extract_text() for page in pages)
    assert f"Visitar {HOSTILE}" in text  # the decision
    assert text.count(HOSTILE) >= 2  # and the seller's goal line
    assert "&amp;" not in text and "&lt;" not in text and "&#x27;" not in text
