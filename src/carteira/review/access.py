"""Who may do what in the review: everyone reads it within their scope; the central
team and managers record and follow up decisions."""

from carteira.accounts.capabilities import MANAGEMENT
from carteira.accounts.models import User


def can_decide(user: User) -> bool:
    return MANAGEMENT.held_by(user)


def check_can_decide(user: User) -> None:
    MANAGEMENT.check(user)
