"""Segmentation rules (carteirização): which rules each client matches.

A rule matches a client when every criterion it fills in matches (AND); a criterion with
several values matches any of them (OR). The rule with the lowest priority number wins;
a client matching more than one rule is a conflict worth showing, even when priority
settles it."""

from dataclasses import dataclass, field

import numpy as np

from carteira_core.distribution.geo import points_in_polygon


@dataclass(frozen=True)
class RuleSpec:
    id: int
    priority: int
    seller: int
    states: frozenset[str] = frozenset()
    cities: frozenset[str] = frozenset()  # compared case- and accent-sensitively, trimmed
    postal_ranges: tuple[tuple[int, int], ...] = ()  # inclusive 8-digit CEP ranges
    polygon: tuple[tuple[float, float], ...] = ()  # GeoJSON order: (lon, lat)
    segments: frozenset[str] = frozenset()
    abc: frozenset[str] = frozenset()
    clients: frozenset[str] = frozenset()  # client codes (named key accounts)


@dataclass(frozen=True)
class ClientFacts:
    """Columns, one entry per client."""

    code: list[str]
    state: list[str]
    city: list[str]
    postal_code: list[str]
    latitude: list[float | None]
    longitude: list[float | None]
    segment: list[str]
    abc: list[str]


@dataclass(frozen=True)
class Matches:
    rules: list[tuple[int, ...]]  # per client: ids of the matching rules, winner first
    winner: list[int | None] = field(default_factory=list)


def _in(values: list[str], wanted: frozenset[str], *, fold: bool = False) -> np.ndarray:
    if fold:
        wanted = frozenset(w.strip().casefold() for w in wanted)
        return np.fromiter((v.strip().casefold() in wanted for v in values), bool, len(values))
    return np.fromiter((v in wanted for v in values), bool, len(values))


def postal_number(text: str) -> int | None:
    digits = "".join(ch for ch in text if ch.isdigit())
    return int(digits) if len(digits) == 8 else None


def _mask(rule: RuleSpec, facts: ClientFacts, cep: np.ndarray, lat, lon) -> np.ndarray:
    mask = np.ones(len(facts.code), dtype=bool)
    if rule.states:
        mask &= _in(facts.state, frozenset(s.upper() for s in rule.states))
    if rule.cities:
        mask &= _in(facts.city, rule.cities, fold=True)
    if rule.segments:
        mask &= _in(facts.segment, rule.segments, fold=True)
    if rule.abc:
        mask &= _in(facts.abc, rule.abc)
    if rule.clients:
        mask &= _in(facts.code, rule.clients)
    if rule.postal_ranges:
        hit = np.zeros_like(mask)
        for low, high in rule.postal_ranges:
            hit |= (cep >= low) & (cep <= high)
        mask &= hit
    if rule.polygon:
        mask &= points_in_polygon(lat, lon, rule.polygon)
    return mask


def match_rules(rules: list[RuleSpec], facts: ClientFacts) -> Matches:
    """Every client's matching rules, in priority order (priority, then id)."""
    ordered = sorted(rules, key=lambda r: (r.priority, r.id))
    cep = np.array([postal_number(p) or -1 for p in facts.postal_code], dtype=np.int64)
    lat = np.array([np.nan if v is None else v for v in facts.latitude], dtype=float)
    lon = np.array([np.nan if v is None else v for v in facts.longitude], dtype=float)
    masks = [_mask(rule, facts, cep, lat, lon) for rule in ordered]
    found: list[tuple[int, ...]] = []
    for i in range(len(facts.code)):
        found.append(tuple(rule.id for rule, mask in zip(ordered, masks, strict=True) if mask[i]))
    return Matches(rules=found, winner=[ids[0] if ids else None for ids in found])
