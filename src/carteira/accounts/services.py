"""Writes on logins: the CLI's `carteira createuser` and any later door go through here."""

from __future__ import annotations

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from carteira.accounts.models import Role, User
from carteira.audit.services import do_record
from carteira.organization.models import Seller, Team


def check_new_user(*, username: str, role: str, seller_code: str | None) -> Seller | None:
    """The seller a new login is tied to; ValidationError when the request cannot be met."""
    if not username.strip():
        raise ValidationError(_("the username is empty"))
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError(_("the username %(username)s is taken") % {"username": username})
    if role not in Role.values:
        raise ValidationError(_("unknown role %(role)s") % {"role": role})
    if role != Role.SELLER:
        return None
    if not seller_code:
        raise ValidationError(
            _("a seller's login needs --seller CODE: the seller whose portfolio it sees")
        )
    seller = Seller.objects.filter(external_id=seller_code).first()
    if seller is None:
        raise ValidationError(_("no seller with code %(code)s") % {"code": seller_code})
    if seller.user_id is not None:
        raise ValidationError(_("seller %(code)s already has a login") % {"code": seller_code})
    return seller


@transaction.atomic
def do_create_user(
    *,
    username: str,
    password: str,
    role: str,
    email: str = "",
    language: str = "pt-br",
    seller_code: str | None = None,
    manages: list[str] | tuple[str, ...] = (),
    is_dpo: bool = False,
    actor: User | None = None,
) -> User:
    """A new login with its role; a seller's login is tied to the seller it sees, a
    manager's to the teams it manages. Nothing is written when a part is refused."""
    seller = check_new_user(username=username, role=role, seller_code=seller_code)
    teams = list(Team.objects.filter(name__in=manages))
    if missing := sorted(set(manages) - {team.name for team in teams}):
        raise ValidationError(_("no team named %(names)s") % {"names": ", ".join(missing)})
    user = User(
        username=username,
        email=email,
        role=role,
        language=language,
        is_dpo=is_dpo,
        is_staff=role == Role.ADMIN,
        is_superuser=role == Role.ADMIN,
    )
    validate_password(password, user)
    user.set_password(password)
    user.save()
    if seller is not None:
        seller.user = user
        seller.save(update_fields=["user"])
    for team in teams:
        team.manager = user
        team.save(update_fields=["manager"])
    do_record("user.create", actor=actor, obj=user, role=role, teams=len(teams))
    return user
