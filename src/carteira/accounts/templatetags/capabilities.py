"""``{% load capabilities %}`` … ``{% if user|holds:"management" %}``: the menu shows a
page to the people its ``@policy`` lets in, from the same definition."""

from django import template

from carteira.accounts.capabilities import CAPABILITIES

register = template.Library()


@register.filter
def holds(user, capability: str) -> bool:
    return CAPABILITIES[capability].held_by(user)
