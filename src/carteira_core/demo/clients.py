"""Who the demo company sells to: location, identity and buying profile per client."""

from __future__ import annotations

import random
from dataclasses import dataclass

import numpy as np
import polars as pl

from carteira_core.demo.geo import LAT_RANGE, LON_RANGE, Municipalities
from carteira_core.demo.vocabulary import (
    FIRST_NAMES,
    LEGAL_ACTIVITY,
    LEGAL_FORMS,
    SEGMENTS,
    SURNAMES,
    TRADE_NAME_WORDS,
    slug,
)
from carteira_core.documents import generate_cnpj, generate_cpf

SEGMENT_NAMES = tuple(SEGMENTS)
# Heavier weight on the state of São Paulo: the distributor is based there.
STATE_WEIGHT = {"SP": 2.5, "RJ": 1.2, "MG": 1.2, "PR": 1.2, "SC": 1.2, "RS": 1.2}
RURAL_SHARE = 0.15  # clients spread uniformly over municipalities, not by population
ALPHANUMERIC_SHARE = 0.02
CPF_SHARE = 0.01


@dataclass(frozen=True)
class Places:
    municipality: np.ndarray
    lat: np.ndarray
    lon: np.ndarray


def locate(rng: np.random.Generator, n: int, places: Municipalities) -> Places:
    """Municipality per client, weighted by population (capitals dense) plus a rural
    spread, and a point jittered around the seat by a radius that grows with the city."""
    boost = np.array([STATE_WEIGHT.get(uf, 0.8) for uf in places.uf])
    weight = places.population**0.95 * boost
    by_population = rng.choice(len(places), size=n, p=weight / weight.sum())
    uniform = rng.integers(0, len(places), size=n)
    municipality = np.where(rng.random(n) < RURAL_SHARE, uniform, by_population)
    radius_km = 1.0 + 0.004 * np.sqrt(places.population[municipality])
    lat = places.lat[municipality] + rng.normal(0, 1, n) * radius_km / 111.0
    lon = places.lon[municipality] + rng.normal(0, 1, n) * radius_km / (
        111.0 * np.cos(np.radians(lat))
    )
    return Places(
        municipality=municipality,
        lat=np.round(np.clip(lat, *LAT_RANGE), 6),
        lon=np.round(np.clip(lon, *LON_RANGE), 6),
    )


def pick_segments(rng: np.random.Generator, n: int) -> np.ndarray:
    share = np.array([spec[0] for spec in SEGMENTS.values()])
    return rng.choice(len(SEGMENTS), size=n, p=share / share.sum())


def documents(seed: int, alphanumeric: np.ndarray, is_person: np.ndarray) -> list[str]:
    """Unique valid documents: CPFs where ``is_person``, else CNPJs (alphanumeric where
    asked). ``documents.generate_cnpj`` draws from a seeded ``random.Random``."""
    pyrng = random.Random(seed)
    seen: set[str] = set()
    out = []
    for person, alnum in zip(is_person.tolist(), alphanumeric.tolist(), strict=True):
        while True:
            value = generate_cpf(pyrng) if person else generate_cnpj(pyrng, alphanumeric=alnum)
            if value not in seen:
                break
        seen.add(value)
        out.append(value)
    return out


def _pick(rng: np.random.Generator, words: tuple[str, ...], n: int) -> np.ndarray:
    return np.array(words, dtype=object)[rng.integers(0, len(words), size=n)]


def names(
    rng: np.random.Generator, segment: np.ndarray, is_person: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(legal name, trade name, e-mail domain stem) per client."""
    n = len(segment)
    prefixes = [SEGMENTS[s][4] for s in SEGMENT_NAMES]
    prefix = np.empty(n, dtype=object)
    for code, options in enumerate(prefixes):
        rows = np.flatnonzero(segment == code)
        prefix[rows] = _pick(rng, options, len(rows))
    word = _pick(rng, TRADE_NAME_WORDS, n)
    trade = prefix + " " + word
    activity = np.array([LEGAL_ACTIVITY[s] for s in SEGMENT_NAMES], dtype=object)[segment]
    surname = _pick(rng, SURNAMES, n)
    form = _pick(rng, LEGAL_FORMS, n)
    style = rng.integers(0, 3, size=n)
    legal = np.where(
        style == 0,
        word + " " + activity + " " + form,
        np.where(style == 1, surname + " & " + _pick(rng, SURNAMES, n) + " " + form,
                 prefix + " " + word + " " + surname + " " + form),
    )  # fmt: skip
    person = _pick(rng, FIRST_NAMES, n) + " " + surname + " " + _pick(rng, SURNAMES, n)
    legal = np.where(is_person, person, legal)
    slugs = {w: slug(w) for w in (*TRADE_NAME_WORDS, *(p for ps in prefixes for p in ps))}
    stem = np.array([slugs[p] + slugs[w] for p, w in zip(prefix, word, strict=True)], dtype=object)
    return legal, trade, stem


def phones(rng: np.random.Generator, ddd: np.ndarray, *, mobile: bool) -> np.ndarray:
    first = (
        rng.integers(90000, 100000, size=len(ddd))
        if mobile
        else rng.integers(2000, 4000, size=len(ddd))
    )
    last = rng.integers(0, 10000, size=len(ddd))
    frame = pl.DataFrame({"d": ddd, "f": first, "l": last})
    return (
        frame.select(
            pl.format(
                "({}) {}-{}",
                pl.col("d"),
                pl.col("f"),
                pl.col("l").cast(pl.String).str.zfill(4),
            )
        )
        .to_series()
        .to_numpy()
    )


def postal_codes(rng: np.random.Generator, prefix: np.ndarray) -> np.ndarray:
    n = len(prefix)
    first5 = prefix + rng.integers(0, 60, size=n)
    suffix = rng.integers(0, 1000, size=n)
    frame = pl.DataFrame({"a": first5, "b": suffix})
    return (
        frame.select(
            pl.format(
                "{}-{}",
                pl.col("a").cast(pl.String).str.zfill(5),
                pl.col("b").cast(pl.String).str.zfill(3),
            )
        )
        .to_series()
        .to_numpy()
    )
