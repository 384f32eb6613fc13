from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Coalesce, Lower
from django.utils.translation import gettext_lazy as _

from carteira.clients.validators import validate_document
from carteira.organization.models import Seller


# The name a client is shown by (``Client.__str__``: the trade name, else the legal name),
# without regard to case: lists sort by what they show, through an index on it.
class EmptyAsNull(models.Func):
    """NULLIF(x, '') with the '' written into the SQL, not bound as a parameter: SQLite uses
    an index on an expression only when the query's expression is the same text."""

    template = "NULLIF(%(expressions)s, '')"
    arity = 1


SHOWN_NAME = Lower(Coalesce(EmptyAsNull(F("trade_name")), F("name")))


class HiddenImport(models.Model):
    """An import still writing its rows in short batches (SQLite, ADR 0024): the rows
    whose ``hidden_by`` is its run id (clients, their assignments, orders) stay invisible
    while this row exists. The import deletes it in its final transaction, with its run's
    status: that is the moment they all appear."""

    run_id = models.BigIntegerField(primary_key=True)

    def __str__(self) -> str:
        return f"import run {self.run_id}"


def visible() -> Q:
    """Not written by an import still hiding its rows (a model with ``hidden_by``)."""
    return Q(hidden_by__isnull=True) | ~Q(hidden_by__in=HiddenImport.objects.values("run_id"))


# The same rule for raw SQL (``alias``: the table's alias and its dot, or "").
VISIBLE_SQL = (
    "({alias}hidden_by IS NULL OR {alias}hidden_by NOT IN (SELECT run_id FROM "
    "clients_hiddenimport))"
)


class VisibleManager(models.Manager):
    """The default manager of a model with ``hidden_by``: every query through it (and its
    related managers, forms, the admin, the API) sees only visible rows; the base manager
    (deletes, cascades, ``refresh_from_db``) sees them all."""

    def get_queryset(self):
        return super().get_queryset().filter(visible())


def hidden_by_field():
    # The import run that wrote this row and has not yet settled it (NULL: settled, or
    # never hidden). Hidden while that run's ``HiddenImport`` exists.
    return models.BigIntegerField(null=True, blank=True, editable=False)


def hidden_by_index(name: str) -> models.Index:
    return models.Index(fields=["hidden_by"], name=name, condition=Q(hidden_by__isnull=False))


class Client(models.Model):
    """A company or person the business sells to, or wants to (prospects included)."""

    external_id = models.CharField(_("code"), max_length=64, unique=True)
    name = models.CharField(_("legal name"), max_length=200)
    trade_name = models.CharField(_("trade name"), max_length=200, blank=True)
    # CNPJ (14, may be alphanumeric) or CPF (11), normalised: no punctuation, upper case.
    document = models.CharField(
        _("CNPJ/CPF"), max_length=14, blank=True, validators=[validate_document]
    )
    segment = models.CharField(_("segment"), max_length=80, blank=True, db_index=True)
    city = models.CharField(_("city"), max_length=120, blank=True)
    state = models.CharField(_("state"), max_length=2, blank=True, db_index=True)
    postal_code = models.CharField(_("postal code"), max_length=9, blank=True)
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    created_date = models.DateField(_("registered on"), null=True, blank=True)
    potential = models.DecimalField(
        _("potential (monthly)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    # The seller in force today: kept in step with the open Assignment by
    # clients.services.do_assign_client, so scoping a list never needs a join.
    seller = models.ForeignKey(
        Seller,
        verbose_name=_("seller"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="clients",
    )
    is_key_account = models.BooleanField(_("key account"), default=False)
    version = models.PositiveIntegerField(default=1, editable=False)
    updated_at = models.DateTimeField(auto_now=True)
    hidden_by = hidden_by_field()

    objects = VisibleManager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("client")
        verbose_name_plural = _("clients")
        constraints = [
            models.UniqueConstraint(
                fields=["document"], condition=~Q(document=""), name="client_document_unique"
            )
        ]
        indexes = [
            models.Index(fields=["seller", "name"]),
            models.Index(fields=["name"]),
            models.Index(SHOWN_NAME, name="client_shown_name"),
            models.Index(F("seller"), SHOWN_NAME, name="client_seller_shown_name"),
            hidden_by_index("clients_hidden_by"),
        ]

    def __str__(self) -> str:
        return self.trade_name or self.name


class Contact(models.Model):
    """A person at a client: personal data under LGPD."""

    class LegalBasis(models.TextChoices):
        CONTRACT = "contract", _("Contract execution")
        LEGITIMATE_INTEREST = "legitimate_interest", _("Legitimate interest")
        CONSENT = "consent", _("Consent")

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="contacts")
    external_id = models.CharField(_("code"), max_length=64, null=True, blank=True, unique=True)
    name = models.CharField(_("name"), max_length=200)
    role = models.CharField(_("role"), max_length=120, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    legal_basis = models.CharField(
        _("legal basis"),
        max_length=24,
        choices=LegalBasis.choices,
        default=LegalBasis.LEGITIMATE_INTEREST,
    )
    consent_at = models.DateTimeField(_("consent given at"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=120, blank=True)
    blocked_at = models.DateTimeField(_("blocked at"), null=True, blank=True)
    anonymized_at = models.DateTimeField(_("anonymised at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")

    def __str__(self) -> str:
        return self.name


class Assignment(models.Model):
    """Which seller owns a client, from when to when. Never deleted: the history
    is the company's (the portfolio belongs to the company, not to the seller)."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="assignments")
    seller = models.ForeignKey(Seller, on_delete=models.PROTECT, related_name="assignments")
    # None: since the beginning of the client's history (first known seller).
    start_date = models.DateField(_("from"), null=True, blank=True)
    # None: still in force. Exclusive: the assignment holds on start_date <= day < end_date.
    end_date = models.DateField(_("until"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    # A temporary cover (leave, vacation) returns the client to this seller at end_date.
    returns_to = models.ForeignKey(
        Seller, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(auto_now_add=True)
    hidden_by = hidden_by_field()

    objects = VisibleManager()

    class Meta:
        ordering = ["client", "start_date"]
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        constraints = [
            models.UniqueConstraint(
                fields=["client"],
                condition=Q(end_date__isnull=True),
                name="one_open_assignment_per_client",
            )
        ]
        indexes = [hidden_by_index("assignments_hidden_by")]

    def __str__(self) -> str:
        return f"{self.client_id} → {self.seller_id} ({self.start_date} – {self.end_date})"
