"""pymc-marketing's BG/NBD on a CSV of (frequency, recency, T): run by bench/value_bench.py
in a throw-away environment of its own (``uv run --no-project --with pymc-marketing``),
because pymc-marketing pins an older numpy than Carteira's. Prints one JSON line: the best
wall time of ``repeat`` MAP fits and the fitted parameters (a script, not a test).

    python bench/value_pymc.py SUMMARY.csv [REPEAT]
"""

import json
import sys
import time

import pandas as pd
from pymc_marketing.clv import BetaGeoModel


def main() -> None:
    data = pd.read_csv(sys.argv[1])
    data.insert(0, "customer_id", range(len(data)))
    repeat = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    times, summary = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        model = BetaGeoModel()
        model.fit(data, method="map", progressbar=False)
        times.append(time.perf_counter() - started)
        summary = model.fit_summary()
    params = {name: float(summary[name]) for name in ("r", "alpha", "a", "b")}
    print(json.dumps({"wall": min(times), "params": params}))


if __name__ == "__main__":
    main()
