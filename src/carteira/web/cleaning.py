"""Control characters never reach the database through Carteira's writes: every CharField
of a Carteira model is stored as one line and every TextField without stray control
characters (`carteira_core.text`). A pre_save receiver covers every door that saves a model
(web forms, the API, the admin, services and tasks); writes that bypass ``save()`` (the
client edit's optimistic ``update()``) call :func:`clean_values`; bulk imports call
``carteira_core.text`` themselves."""

from __future__ import annotations

from functools import cache

from django.db import models
from django.db.models.signals import pre_save

from carteira_core.text import clean_line, clean_text, has_control


@cache
def _cleaners(model: type[models.Model]) -> dict[str, object]:
    """attname → the cleaning function for that field (text fields without choices)."""
    cleaners: dict[str, object] = {}
    for field in model._meta.concrete_fields:
        if isinstance(field, models.TextField):
            cleaners[field.attname] = clean_text
        elif isinstance(field, models.CharField) and not field.choices:
            cleaners[field.attname] = clean_line
    return cleaners


def clean_values(model: type[models.Model], values: dict) -> dict:
    """``values`` (field name → value) with control characters cleaned from text fields."""
    cleaners = _cleaners(model)
    return {
        name: cleaners[name](value)  # type: ignore[operator]
        if name in cleaners and isinstance(value, str) and has_control(value)
        else value
        for name, value in values.items()
    }


def clean_text_fields(sender, instance, raw=False, **kwargs) -> None:
    if raw or not sender.__module__.startswith("carteira."):
        return  # fixtures load as written; other apps' models (sessions, tasks) are theirs
    for name, clean in _cleaners(sender).items():
        value = getattr(instance, name)
        if isinstance(value, str) and has_control(value):
            setattr(instance, name, clean(value))  # type: ignore[operator]


def connect() -> None:
    pre_save.connect(clean_text_fields, dispatch_uid="carteira.web.cleaning")
