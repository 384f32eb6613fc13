"""Template tags of the distribution app: the client list's "select → move" form."""

from django import template
from django.http import Http404

from carteira.distribution.access import access_distribution
from carteira.distribution.forms import BulkMoveForm

register = template.Library()


@register.simple_tag(takes_context=True)
def bulk_move_form(context) -> BulkMoveForm | None:
    """The move form for users who may distribute clients (None for sellers and others)."""
    request = context.get("request")
    if request is None:
        return None
    try:
        scope = access_distribution(request.user)
    except Http404:
        return None
    return BulkMoveForm(sellers=scope.sellers.filter(active=True))
