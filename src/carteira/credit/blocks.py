"""The credit block of the client page: the client's credit at today under the rules in
force, worded for the reader (queried only for a client with receivables)."""

from __future__ import annotations

import datetime as dt

from carteira.clients.models import Client
from carteira.credit.selectors import client_credit
from carteira.credit.words import GRADES, bucket_names, score_sentence, suggested_sentence
from carteira.portfolio.rules_store import current_rules


def client_credit_block(client: Client, *, today: dt.date) -> dict:
    rules = current_rules().credit
    credit = client_credit(client, as_of=today, rules=rules)
    names = bucket_names(rules)
    return {
        "figures": credit,
        "buckets": [
            {"name": name, "amount": amount, "overdue": index > 0, "rate": rate}
            for index, (name, amount, rate) in enumerate(
                zip(names, credit.buckets, rules.provision_rates, strict=True)
            )
        ],
        "grade": credit.score.grade,
        "grade_label": GRADES[credit.score.grade],
        "score_sentence": score_sentence(credit.score),
        "collection_after_days": rules.collection_after_days,
        "suggested_sentence": suggested_sentence(credit.suggested),
    }
