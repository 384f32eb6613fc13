from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from carteira_core.documents import normalize_document


def validate_document(value: str) -> None:
    """A CNPJ (numeric or alphanumeric) or CPF with valid check digits."""
    if not value:
        return
    try:
        normalize_document(value)
    except ValueError as error:
        raise ValidationError(
            _("Invalid CNPJ/CPF: %(value)s"), code="invalid_document", params={"value": value}
        ) from error
