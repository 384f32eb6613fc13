"""Form widgets for long choice lists."""

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

SELECTED = mark_safe(" selected")


class QuickSelect(forms.Select):
    """A ``<select>`` rendered in Python, same markup as Django's. Django renders each
    option through a template (~0.3 ms an option): the 400 sellers of a 100k-client
    company cost 0.15 s on every page that lets you pick one (docs/benchmarks.md)."""

    def render(self, name, value, attrs=None, renderer=None):
        choices = list(self.choices)
        if any(isinstance(label, (list, tuple)) for _value, label in choices):
            return super().render(name, value, attrs, renderer)  # option groups
        selected = set(self.format_value(value))
        values = (("" if option is None else str(option), label) for option, label in choices)
        options = format_html_join(
            "\n",
            '  <option value="{}"{}>{}</option>',
            ((option, SELECTED if option in selected else "", label) for option, label in values),
        )
        final = self.build_attrs(self.attrs, attrs)
        return format_html('<select name="{}"{}>\n{}\n</select>', name, flatatt(final), options)
