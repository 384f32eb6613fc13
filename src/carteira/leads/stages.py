"""The company's funnel: its stages in order, and reading a stage by key or label."""

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from carteira.interactions.models import Channel
from carteira.leads.models import DEFAULT_LABELS, DEFAULT_STAGES, Source, Stage
from carteira_core.ingest.values import fold

OUTCOMES = {"won": Stage.Outcome.WON, "lost": Stage.Outcome.LOST}


# The cadence of the default funnel (the sources' step by step): on entering a stage, the
# next step, by which channel and how many days later it is due. A company's own stage
# without a row here: "Contact again" by phone in DEFAULT_CADENCE_DAYS (or its own days).
CADENCE = {
    "listed": (gettext_lazy("Research the company"), Channel.OTHER, 2),
    "researched": (gettext_lazy("First contact"), Channel.PHONE, 1),
    "contacted": (gettext_lazy("Contact again"), Channel.PHONE, 3),
    "follow_up": (gettext_lazy("Qualify: need, budget, who decides"), Channel.PHONE, 4),
    "qualified": (gettext_lazy("Schedule the meeting"), Channel.PHONE, 2),
    "meeting": (gettext_lazy("Meeting"), Channel.VISIT, 3),
    "proposal": (gettext_lazy("Follow up the proposal"), Channel.PHONE, 5),
}
DEFAULT_CADENCE_DAYS = 3


def cadence_of(stage: Stage) -> tuple[str, str, int]:
    """(next step, channel, days until it is due) for a lead entering ``stage``."""
    text, channel, days = CADENCE.get(
        stage.key, (gettext_lazy("Contact again"), Channel.PHONE, DEFAULT_CADENCE_DAYS)
    )
    return str(text), channel, days if stage.cadence_days is None else stage.cadence_days


def stage_of(key: str) -> Stage | None:
    return next((s for s in funnel_stages(with_inactive=True) if s.key == key), None)


def default_stages() -> list[Stage]:
    """The default funnel as (unsaved) rows: what the migration writes."""
    return [
        Stage(key=key, position=n, outcome=OUTCOMES.get(key, Stage.Outcome.OPEN))
        for n, (key, _label) in enumerate(DEFAULT_STAGES, start=1)
    ]


def funnel_stages(*, with_inactive: bool = False) -> list[Stage]:
    """The stages in the funnel's order (the open ones, then won and lost); the default
    funnel when the company has none stored (a flushed test database)."""
    stages = Stage.objects.all() if with_inactive else Stage.objects.filter(active=True)
    return list(stages.order_by("position", "pk")) or default_stages()


def stage_keys() -> list[str]:
    return [stage.key for stage in funnel_stages()]


def stage_labels() -> dict[str, str]:
    return {stage.key: str(stage) for stage in funnel_stages(with_inactive=True)}


def closing_keys(outcome: str) -> set[str]:
    return {stage.key for stage in funnel_stages(with_inactive=True) if stage.outcome == outcome}


def _names_of(stage: Stage) -> set[str]:
    """Every way a file may spell the stage: its key, its own name, and the default
    label in each language the product speaks."""
    names = {fold(stage.key), fold(stage.name)} - {""}
    if stage.key in DEFAULT_LABELS:
        for code, _name in settings.LANGUAGES:
            with translation.override(code):
                names.add(fold(str(DEFAULT_LABELS[stage.key])))
    return names


def stage_lookup() -> dict[str, str]:
    """folded key or label → key, for every active stage."""
    return {name: stage.key for stage in funnel_stages() for name in _names_of(stage)}


def check_stage(text: str, lookup: dict[str, str] | None = None) -> str:
    """The stage's key for a key or label; ValueError with a pt-BR message otherwise."""
    key = (lookup if lookup is not None else stage_lookup()).get(fold(text or ""))
    if key is None:
        raise ValueError(_("Unknown stage: %(value)s") % {"value": text})
    return key


def source_lookup() -> dict[str, str]:
    """folded key or label (in every language) → the source's key."""
    lookup = {}
    for key, label in Source.choices:
        lookup[fold(key)] = key
        for code, _name in settings.LANGUAGES:
            with translation.override(code):
                lookup[fold(str(label))] = key
    lookup.update({fold(alias): key for alias, key in SOURCE_ALIASES.items()})
    return lookup


# Words ERP and spreadsheet files use for the sources (pt-BR, es).
SOURCE_ALIASES = {
    "indicação": "referral", "indicacao": "referral", "referência": "referral",
    "evento": "event", "feira": "event", "site": "inbound", "website": "inbound",
    "lista": "list", "lista comprada": "list", "ligação fria": "cold_call",
    "prospecção ativa": "cold_call", "parceiro": "partner", "outro": "other", "outros": "other",
}  # fmt: skip


def check_source(text: str, lookup: dict[str, str] | None = None) -> str:
    key = (lookup if lookup is not None else source_lookup()).get(fold(text or ""))
    if key is None:
        raise ValueError(_("Unknown source: %(value)s") % {"value": text})
    return key
