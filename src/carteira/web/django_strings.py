"""Django's own strings that its catalogs do not translate yet (new in Django 6): listed
here so `make messages` puts them in ours, which Django reads after its own."""

from django.utils.translation import gettext_noop

gettext_noop("- Select an option -")  # the empty choice of a select (ModelChoiceField)
