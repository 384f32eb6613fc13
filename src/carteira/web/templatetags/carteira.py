from django import template

from carteira.web import formats, labels, menu

register = template.Library()


@register.filter
def money(value):
    return formats.money(value)


@register.filter
def number(value, digits=0):
    return formats.number(value, int(digits))


@register.filter
def percent(value, digits=1):
    return formats.percent(value, int(digits))


@register.filter
def phone(value):
    return formats.phone(value)


@register.filter
def phone_uri(value):
    return formats.phone_uri(value)


@register.simple_tag(takes_context=True)
def query_with(context, **changes):
    """The current query string with some parameters replaced (for sort/page links)."""
    params = context["request"].GET.copy()
    for key, value in changes.items():
        if value in (None, ""):
            params.pop(key, None)
        else:
            params[key] = value
    return "?" + params.urlencode() if params else "?"


@register.filter
def status_label(code):
    return labels.label("status", code)


@register.filter
def document(value):
    """A CNPJ or CPF with its usual punctuation."""
    if not value:
        return ""
    if len(value) == 14:
        return f"{value[:2]}.{value[2:5]}.{value[5:8]}/{value[8:12]}-{value[12:]}"
    if len(value) == 11:
        return f"{value[:3]}.{value[3:6]}.{value[6:9]}-{value[9:]}"
    return value


@register.filter
def signed(value):
    """+12 / −3 for a change in a count."""
    if value in (None, ""):
        return ""
    text = formats.number(abs(value))
    return ("+" if value > 0 else "−" if value < 0 else "±") + text


@register.filter
def signed_money(value):
    if value in (None, ""):
        return ""
    text = formats.money(abs(value))
    return ("+" if value > 0 else "−" if value < 0 else "±") + text


@register.filter
def points(value):
    """A change between two rates, in percentage points: +2,5 p.p."""
    if value in (None, ""):
        return ""
    text = formats.number(abs(float(value)) * 100, 1)
    return ("+" if value > 0 else "−" if value < 0 else "±") + text + " p.p."


@register.filter
def field(form, name):
    """A bound field by name (templates cannot index with a variable)."""
    return form[name]


@register.filter
def add_decimal(left, right):
    return left + right


@register.inclusion_tag("web/_menu.html", takes_context=True)
def main_menu(context):
    """The main menu (web/menu.py) for the signed-in person, the current page marked."""
    return {"groups": menu.menu_for(context.get("user"), context.get("nav"))}
