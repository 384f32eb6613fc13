"""Carteira: the Django project (web app, API, CLI) around the pure ``carteira_core``."""
