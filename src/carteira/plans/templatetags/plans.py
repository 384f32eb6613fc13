from django import template

from carteira.interactions.models import Channel
from carteira.plans.models import Escalation, Objective

register = template.Library()


def _label(choices, code):
    try:
        return choices(code).label
    except ValueError:
        return code or "—"


@register.filter
def objective_label(code):
    return _label(Objective, code)


@register.filter
def channel_label(code):
    return _label(Channel, code)


@register.filter
def escalation_label(code):
    return _label(Escalation, code)


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None
