from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from carteira.accounts.capabilities import CENTRAL_TEAM, PRIVACY_OFFICERS
from carteira.accounts.roles import Role

__all__ = ["LoginFailure", "Role", "User", "UserSession"]


class User(AbstractUser):
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.SELLER)
    language = models.CharField(
        _("language"),
        max_length=8,
        choices=[("pt-br", "Português (Brasil)"), ("es", "Español"), ("en", "English")],
        default="pt-br",
    )
    # The data-protection officer (LGPD "encarregado"): handles data subjects' requests.
    is_dpo = models.BooleanField(_("data-protection officer"), default=False)
    # The last filter of each list ({"clients": {"segment": …}}), restored when the user
    # comes back to the list without one (clients.filters.remembered_query).
    saved_filters = models.JSONField(_("saved filters"), default=dict, blank=True)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    @property
    def sees_whole_portfolio(self) -> bool:
        """The central team reads the whole portfolio; managers their teams', sellers
        their own (clients.access)."""
        return self.is_superuser or self.role in CENTRAL_TEAM.roles

    @property
    def handles_privacy(self) -> bool:
        """Admins and the data-protection officer answer data subjects' requests."""
        return PRIVACY_OFFICERS.held_by(self)


class LoginFailure(models.Model):
    """A failed login, kept for throttling. The username is stored only as a hash."""

    username_hash = models.CharField(max_length=64, db_index=True)
    ip = models.GenericIPAddressField(null=True, blank=True, db_index=True)
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("failed login")
        verbose_name_plural = _("failed logins")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.ip}"


class UserSession(models.Model):
    """Which sessions belong to whom, so deactivating a user can end them at once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    session_key = models.CharField(max_length=40, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.user_id} {self.created_at:%Y-%m-%d %H:%M}"
