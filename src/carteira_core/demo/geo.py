"""Real Brazilian municipalities, telephone area codes (DDD) and postal-code ranges.

``data/municipios.csv`` holds the ~3,000 most populous municipalities (GeoNames seat
coordinates and populations, IBGE codes; see ``data/README.md``).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources

import numpy as np
import polars as pl

# Roughly the mainland's bounding box; every generated point is clipped into it.
LAT_RANGE = (-33.7, 5.2)
LON_RANGE = (-73.9, -34.8)

# One anchor city per area code; a municipality takes the DDD of the nearest anchor in
# its state, which reproduces the real map closely enough for a demo.
DDD_ANCHORS = (
    ("SP", "São Paulo", 11), ("SP", "São José dos Campos", 12), ("SP", "Santos", 13),
    ("SP", "Bauru", 14), ("SP", "Sorocaba", 15), ("SP", "Ribeirão Preto", 16),
    ("SP", "São José do Rio Preto", 17), ("SP", "Presidente Prudente", 18),
    ("SP", "Campinas", 19), ("RJ", "Rio de Janeiro", 21), ("RJ", "Campos dos Goytacazes", 22),
    ("RJ", "Volta Redonda", 24), ("ES", "Vitória", 27), ("ES", "Cachoeiro de Itapemirim", 28),
    ("MG", "Belo Horizonte", 31), ("MG", "Juiz de Fora", 32), ("MG", "Governador Valadares", 33),
    ("MG", "Uberlândia", 34), ("MG", "Varginha", 35), ("MG", "Divinópolis", 37),
    ("MG", "Montes Claros", 38), ("PR", "Curitiba", 41), ("PR", "Ponta Grossa", 42),
    ("PR", "Londrina", 43), ("PR", "Maringá", 44), ("PR", "Cascavel", 45),
    ("PR", "Francisco Beltrão", 46), ("SC", "Joinville", 47), ("SC", "Florianópolis", 48),
    ("SC", "Chapecó", 49), ("RS", "Porto Alegre", 51), ("RS", "Pelotas", 53),
    ("RS", "Caxias do Sul", 54), ("RS", "Santa Maria", 55), ("DF", "Brasília", 61),
    ("GO", "Goiânia", 62), ("GO", "Rio Verde", 64), ("TO", "Palmas", 63), ("MT", "Cuiabá", 65),
    ("MT", "Rondonópolis", 66), ("MS", "Campo Grande", 67), ("AC", "Rio Branco", 68),
    ("RO", "Porto Velho", 69), ("BA", "Salvador", 71), ("BA", "Ilhéus", 73),
    ("BA", "Juazeiro", 74), ("BA", "Feira de Santana", 75), ("BA", "Vitória da Conquista", 77),
    ("SE", "Aracaju", 79), ("PE", "Recife", 81), ("PE", "Petrolina", 87), ("AL", "Maceió", 82),
    ("PB", "João Pessoa", 83), ("RN", "Natal", 84), ("CE", "Fortaleza", 85),
    ("CE", "Juazeiro do Norte", 88), ("PI", "Teresina", 86), ("PI", "Picos", 89),
    ("PA", "Belém", 91), ("PA", "Santarém", 93), ("PA", "Marabá", 94), ("AM", "Manaus", 92),
    ("AM", "Tefé", 97), ("RR", "Boa Vista", 95), ("AP", "Macapá", 96), ("MA", "São Luís", 98),
    ("MA", "Imperatriz", 99),
)  # fmt: skip

# First five CEP digits per state (the Correios ranges, simplified to one span each).
CEP_RANGES = {
    "SP": (1000, 19999), "RJ": (20000, 28999), "ES": (29000, 29999), "MG": (30000, 39999),
    "BA": (40000, 48999), "SE": (49000, 49999), "PE": (50000, 56999), "AL": (57000, 57999),
    "PB": (58000, 58999), "RN": (59000, 59999), "CE": (60000, 63999), "PI": (64000, 64999),
    "MA": (65000, 65999), "PA": (66000, 68899), "AP": (68900, 68999), "AM": (69000, 69299),
    "RR": (69300, 69399), "AC": (69900, 69999), "DF": (70000, 72799), "GO": (72800, 76799),
    "RO": (76800, 76999), "TO": (77000, 77999), "MT": (78000, 78899), "MS": (79000, 79999),
    "PR": (80000, 87999), "SC": (88000, 89999), "RS": (90000, 99999),
}  # fmt: skip

REGIONS = {
    "Sul": ("PR", "SC", "RS"),
    "Sudeste": ("RJ", "MG", "ES"),
    "Nordeste": ("BA", "SE", "PE", "AL", "PB", "RN", "CE", "PI", "MA"),
    "Centro-Norte": ("DF", "GO", "MT", "MS", "TO", "PA", "AM", "AP", "RR", "AC", "RO"),
}

# The São Paulo metropolitan area served by the capital team.
GREATER_SAO_PAULO = frozenset(
    {
        "São Paulo", "Guarulhos", "Osasco", "Santo André", "São Bernardo do Campo",
        "Diadema", "Mauá", "Carapicuíba", "Barueri", "Taboão da Serra", "Cotia",
        "Itaquaquecetuba", "Mogi das Cruzes", "Suzano", "São Caetano do Sul",
        "Embu das Artes", "Itapevi", "Ferraz de Vasconcelos", "Francisco Morato",
        "Franco da Rocha", "Santana de Parnaíba", "Poá", "Caieiras", "Cajamar",
    }
)  # fmt: skip


def great_circle_km(lat1, lon1, lat2, lon2) -> np.ndarray:
    """Great-circle distance in km between points in degrees; arguments broadcast."""
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dp, dl = p2 - p1, np.radians(np.subtract(lon2, lon1))
    a = np.sin(dp / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    return 2 * 6371.0088 * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))


@dataclass(frozen=True)
class Municipalities:
    """Column arrays, one entry per municipality."""

    name: np.ndarray
    uf: np.ndarray
    ibge: np.ndarray
    lat: np.ndarray
    lon: np.ndarray
    population: np.ndarray
    ddd: np.ndarray
    cep_prefix: np.ndarray  # first five CEP digits of the municipality's seat
    team: np.ndarray  # index into TEAMS

    def __len__(self) -> int:
        return len(self.name)


TEAMS = (
    ("Equipe Capital SP", "Capital SP", "capital-sp"),
    ("Equipe Interior SP", "Interior SP", "interior-sp"),
    ("Equipe Sul", "Sul", "sul"),
    ("Equipe Sudeste", "Sudeste", "sudeste"),
    ("Equipe Nordeste", "Nordeste", "nordeste"),
    ("Equipe Centro-Norte", "Centro-Norte", "centro-norte"),
)


def _team_of(name: str, uf: str) -> int:
    if uf == "SP":
        return 0 if name in GREATER_SAO_PAULO else 1
    for index, (_, region, _) in enumerate(TEAMS[2:], start=2):
        if uf in REGIONS[region]:
            return index
    raise ValueError(f"no team for {uf}")


def _nearest_ddd(uf: np.ndarray, lat: np.ndarray, lon: np.ndarray, lookup: dict) -> np.ndarray:
    ddd = np.zeros(len(uf), dtype=np.int16)
    for state in np.unique(uf):
        anchors = [(lookup[(s, n)], d) for s, n, d in DDD_ANCHORS if s == state]
        rows = np.flatnonzero(uf == state)
        points = np.array([p for p, _ in anchors])  # (k, 2)
        dist = (lat[rows, None] - points[None, :, 0]) ** 2 + (
            (lon[rows, None] - points[None, :, 1]) * np.cos(np.radians(lat[rows, None]))
        ) ** 2
        ddd[rows] = np.array([d for _, d in anchors])[dist.argmin(axis=1)]
    return ddd


def _cep_prefixes(uf: np.ndarray, population: np.ndarray, ibge: np.ndarray) -> np.ndarray:
    """The state's most populous municipality (usually the capital) gets the start of
    the range; the others a deterministic spot in the rest of it."""
    prefix = np.zeros(len(uf), dtype=np.int32)
    for state, (low, high) in CEP_RANGES.items():
        rows = np.flatnonzero(uf == state)
        if len(rows) == 0:
            continue
        capital = rows[population[rows].argmax()]
        span = high - low
        interior_low = low + span // 4
        prefix[rows] = interior_low + (ibge[rows] * 7919) % max(1, high - interior_low - 99)
        prefix[capital] = low
    return prefix


@cache
def municipalities() -> Municipalities:
    source = resources.files("carteira_core.demo").joinpath("data/municipios.csv")
    with source.open("rb") as handle:
        frame = pl.read_csv(handle, schema_overrides={"ibge": pl.Int64})
    name = frame["name"].to_numpy().astype(object)
    uf = frame["uf"].to_numpy().astype(object)
    lat = frame["lat"].to_numpy()
    lon = frame["lon"].to_numpy()
    population = frame["population"].to_numpy()
    ibge = frame["ibge"].to_numpy()
    lookup = {(u, n): (a, o) for u, n, a, o in zip(uf, name, lat, lon, strict=True)}
    return Municipalities(
        name=name,
        uf=uf,
        ibge=ibge,
        lat=lat,
        lon=lon,
        population=population,
        ddd=_nearest_ddd(uf, lat, lon, lookup),
        cep_prefix=_cep_prefixes(uf, population, ibge),
        team=np.array([_team_of(n, u) for n, u in zip(name, uf, strict=True)], dtype=np.int8),
    )
