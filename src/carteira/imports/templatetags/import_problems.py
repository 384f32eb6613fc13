"""``{{ error|problem }}``: an import problem's message in the active language."""

from django import template

from carteira.imports.messages import problem_message

register = template.Library()


@register.filter
def problem(value) -> str:
    return problem_message(value)
