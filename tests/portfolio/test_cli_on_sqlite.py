"""The CLI on a real SQLite workspace, in its own processes: import the standard files,
`carteira snapshot` (which reads SQLite through ADBC), and the JSON report — equal to a
reading of the same workspace through Django's connection."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "import"
CARTEIRA = str(Path(sys.executable).parent / "carteira")
AS_OF = "2025-06-30"

DJANGO_READING = """
import datetime as dt, json
from carteira.portfolio import engine_input
from carteira.portfolio.rules_store import current_rules
from carteira_core.engine import read_portfolio
data = engine_input.load_input(dt.date.fromisoformat("{as_of}"), use_adbc=False)
clients = read_portfolio(data, dt.date.fromisoformat("{as_of}"), current_rules()).clients
print(json.dumps(sorted(clients.select("external_id", "status", "abc",
      "revenue_in_abc_window_cents").rows())))
"""


def carteira(home: Path, *args: str) -> str:
    env = {**os.environ, "CARTEIRA_HOME": str(home)}
    env.pop("DATABASE_URL", None)
    done = subprocess.run(
        [CARTEIRA, *args], env=env, capture_output=True, text=True, check=False, timeout=120
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.mark.slow
@pytest.mark.skipif(bool(os.environ.get("DATABASE_URL")), reason="a SQLite workspace test")
def test_the_cli_snapshot_through_adbc_equals_the_django_reading(tmp_path):
    home = tmp_path / "workspace"
    carteira(home, "manage", "migrate", "-v0")
    for kind in ("sellers", "clients", "orders", "interactions"):
        carteira(home, "import", kind, str(FIXTURES / f"{kind}.csv"))
    carteira(home, "snapshot", "--as-of", AS_OF)
    report = json.loads(carteira(home, "report", "clients", "--as-of", AS_OF, "--format", "json"))
    via_django = json.loads(carteira(home, "manage", "shell", "--no-imports", "-c",
                                     DJANGO_READING.format(as_of=AS_OF)))  # fmt: skip
    via_cli = sorted(
        [r["external_id"], r["status"], r["abc"], round(r["revenue_in_abc_window"] * 100)]
        for r in report
    )
    assert via_cli == via_django
    assert len(via_cli) == 8
