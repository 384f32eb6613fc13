"""QuickSelect renders the same <select> as Django's Select, without a template per option."""

import re

from django import forms

from carteira.clients.widgets import QuickSelect

CHOICES = [("", "Todos"), (1, "Ana <Souza> & Cia"), (2, "Bruno")]


def form(data, widget):
    class Form(forms.Form):
        seller = forms.TypedChoiceField(
            required=False, coerce=int, empty_value=None, choices=CHOICES, widget=widget
        )

    return Form(data)


def squeezed(html) -> str:
    return re.sub(r">\s+<", "><", str(html))


def test_the_markup_equals_djangos_select_for_a_chosen_and_an_empty_value():
    for data in ({"seller": "2"}, {}):
        assert squeezed(form(data, QuickSelect)["seller"]) == squeezed(
            form(data, forms.Select)["seller"]
        )


def test_labels_are_escaped_and_the_chosen_option_is_selected():
    html = squeezed(form({"seller": "1"}, QuickSelect(attrs={"data-bulk": ""}))["seller"])
    assert html == (
        '<select name="seller" data-bulk="" id="id_seller"><option value="">Todos</option>'
        '<option value="1" selected>Ana &lt;Souza&gt; &amp; Cia</option>'
        '<option value="2">Bruno</option></select>'
    )
