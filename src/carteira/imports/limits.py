"""The bounds every imported file is read within: the core's ``Limits``, with what the
settings change (``CARTEIRA_IMPORT_LIMITS``, from the ``CARTEIRA_IMPORT_MAX_*`` variables)
and the web upload's own size cap."""

from __future__ import annotations

import dataclasses

from django.conf import settings

from carteira_core.ingest import DEFAULT_LIMITS, Limits


def import_limits() -> Limits:
    return dataclasses.replace(DEFAULT_LIMITS, **settings.CARTEIRA_IMPORT_LIMITS)


def max_problems() -> int:
    """Rows with problems listed before a file is refused without reading further."""
    return settings.CARTEIRA_IMPORT_MAX_PROBLEMS
