from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class WorkspaceSettings(models.Model):
    """The company's settings: one row per workspace."""

    company_name = models.CharField(_("company name"), max_length=200, default="")
    currency = models.CharField(_("currency"), max_length=3, default="BRL")
    contact_retention_days = models.PositiveIntegerField(
        _("contact retention (days)"),
        default=5 * 365,
        help_text=_("Contacts without activity for longer than this are anonymised."),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("workspace settings")
        verbose_name_plural = _("workspace settings")

    def __str__(self) -> str:
        return self.company_name or str(_("Workspace"))

    @classmethod
    def current(cls) -> "WorkspaceSettings":
        return cls.objects.order_by("pk").first() or cls.objects.create()


class Team(models.Model):
    name = models.CharField(_("name"), max_length=120, unique=True)
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("manager"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="managed_teams",
    )
    region = models.CharField(_("region"), max_length=60, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("team")
        verbose_name_plural = _("teams")

    def __str__(self) -> str:
        return self.name


class Seller(models.Model):
    """Someone who owns part of the portfolio; may exist without a login."""

    external_id = models.CharField(_("code"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("e-mail"), blank=True)
    team = models.ForeignKey(
        Team,
        verbose_name=_("team"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="sellers",
    )
    manager = models.ForeignKey(
        "self",
        verbose_name=_("manager"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reports",
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("login"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="seller",
    )
    active = models.BooleanField(_("active"), default=True)
    home_city = models.CharField(_("home city"), max_length=120, blank=True)
    home_latitude = models.FloatField(_("home latitude"), null=True, blank=True)
    home_longitude = models.FloatField(_("home longitude"), null=True, blank=True)
    weekly_capacity = models.PositiveIntegerField(
        _("contacts per week"),
        default=60,
        help_text=_("How many contacts a week the seller can make."),
    )
    segments = models.CharField(
        _("segments served"),
        max_length=400,
        blank=True,
        help_text=_("Comma-separated; empty = all."),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("seller")
        verbose_name_plural = _("sellers")

    def __str__(self) -> str:
        return self.name
