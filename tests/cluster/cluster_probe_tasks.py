"""A task for the cluster test only (its workers have tests/cluster on PYTHONPATH)."""

import os
import time
from pathlib import Path

from django.tasks import task


@task()
def slow_probe(seconds: float, name: str) -> str:
    """Note each start in the shared folder, then work for ``seconds``."""
    folder = Path(os.environ["CARTEIRA_MEDIA_DIR"]) / "probe"
    folder.mkdir(exist_ok=True)
    with open(folder / f"{name}.starts", "a", encoding="utf-8") as starts:
        starts.write(f"{os.getpid()}\n")
    time.sleep(seconds)
    return f"{name} done by {os.getpid()}"
