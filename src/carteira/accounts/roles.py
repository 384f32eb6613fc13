from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMIN = "admin", _("Administrator")
    DIRECTOR = "director", _("Director")
    MANAGER = "manager", _("Manager")
    ANALYST = "analyst", _("Portfolio analyst")
    SELLER = "seller", _("Seller")
