"""E-mails: each seller's digest holds only their tasks; reminders go to the late."""

import io

import pytest
from django.core.management import call_command
from django.utils import translation

from carteira.plans.planner import do_plan
from tests.plans.story import T


@pytest.mark.django_db
def test_the_digest_lists_only_each_sellers_own_tasks(readings, smtp):
    do_plan(T)
    out = io.StringIO()
    with translation.override("en"):
        call_command("plan", "--digest", "--as-of", T.isoformat(), stdout=out)
    assert out.getvalue() == "digest 2026-06-30: 3 e-mails sent\n"
    assert sorted(rcpt for rcpt, _m in smtp.messages) == [
        ["ana@exemplo.com.br"], ["bruno@exemplo.com.br"], ["carla@exemplo.com.br"]
    ]  # fmt: skip
    (ana,) = smtp.bodies_to("ana@exemplo.com.br")
    assert "Cliente A1 LTDA" in ana and "Cliente A2 LTDA" in ana
    assert "B1" not in ana and "B2" not in ana and "C1" not in ana
    assert ana.index("Cliente A1 LTDA") < ana.index("Cliente A2 LTDA")  # class A first
