"""Every API operation declared for a capability refuses every persona outside it with
the same 403 and message, before touching anything; and the declaration is the guard."""

import pytest

from carteira.accounts.models import Role
from carteira.api.api import operations
from carteira.api.policy import capability_of
from tests.api.conftest import caller_for, checksum
from tests.personas import make_user

PERSONAS = ("seller_ana", "dpo", "manager_sul", "analyst", "director", "admin_user")
CAPABILITY_OPERATIONS = sorted(
    (method, path) for method, path, op in operations() if capability_of(op.openapi_extra)
)
# A well-formed request for each (ninja answers 422 to a malformed one before any check).
REQUESTS = {
    ("POST", "/assignments"): lambda p: (
        "/assignments",
        {"client_id": p["A1"].pk, "seller_id": p["B1"].seller_id},
    ),
    ("POST", "/receivables/bulk"): lambda p: (
        "/receivables/bulk",
        {
            "receivables": [
                {
                    "invoice": "NF-1",
                    "client_external_id": "A1",
                    "issue_date": "2026-05-01",
                    "due_date": "2026-05-31",
                    "amount": "10.00",
                }
            ]
        },
    ),
    ("POST", "/receivables/limits"): lambda p: (
        "/receivables/limits",
        {"limits": [{"client_external_id": "A1", "limit": "1.00"}]},
    ),
}


@pytest.fixture
def dpo(db):
    return make_user("encarregada", Role.SELLER, is_dpo=True)


def test_every_capability_operation_is_guarded_by_its_declaration():
    unguarded = [
        (method, path)
        for method, path, op in operations()
        if capability_of(op.openapi_extra) is not None
        and getattr(op.view_func, "carteira_capability", None)
        is not capability_of(op.openapi_extra)
    ]
    assert unguarded == []
    assert sorted(REQUESTS) == CAPABILITY_OPERATIONS


@pytest.mark.django_db
@pytest.mark.parametrize(("method", "path"), CAPABILITY_OPERATIONS)
def test_everyone_outside_the_capability_gets_the_same_403_and_nothing_changes(
    method, path, request, portfolio
):
    capability = next(
        capability_of(op.openapi_extra) for m, p, op in operations() if (m, p) == (method, path)
    )
    url, body = REQUESTS[(method, path)](portfolio)
    answers = {}
    for name in PERSONAS:
        persona = request.getfixturevalue(name)
        user = getattr(persona, "user", persona)
        if capability.held_by(user):
            continue
        caller = caller_for(user)
        before = checksum()
        response = caller.call(method, url, body)
        answers[name] = (response.status_code, response.json()["detail"])
        assert checksum() == before, name
    assert set(answers) == {"seller_ana", "dpo"}
    assert set(answers.values()) == {(403, "This operation is for managers and the central team.")}
