from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMIN = "admin", _("Administrator")
    DIRECTOR = "director", _("Director")
    MANAGER = "manager", _("Manager")
    ANALYST = "analyst", _("Portfolio analyst")
    SELLER = "seller", _("Seller")


# Roles that read the whole portfolio; managers read their teams', sellers their own.
COMPANY_WIDE_ROLES = frozenset({Role.ADMIN, Role.DIRECTOR, Role.ANALYST})


class User(AbstractUser):
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.SELLER)
    language = models.CharField(
        _("language"),
        max_length=8,
        choices=[("pt-br", "Português (Brasil)"), ("es", "Español"), ("en", "English")],
        default="pt-br",
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    @property
    def sees_whole_portfolio(self) -> bool:
        return self.is_superuser or self.role in COMPANY_WIDE_ROLES
