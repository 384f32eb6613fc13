"""The cluster suite (`make cluster-test`, marker ``cluster``): one cluster for the module,
started from the system's PostgreSQL and HAProxy (tests/cluster/harness.py)."""

import os
import shutil

import pytest

from tests.cluster import harness


def pytest_collection_modifyitems(config, items):
    cluster_items = [item for item in items if "cluster" in item.keywords]
    if not cluster_items:
        return
    missing = [name for name, ok in (
        ("postgresql-15", harness.find_bindir() is not None),
        ("haproxy", os.path.exists(harness.HAPROXY)),
    ) if not ok]  # fmt: skip
    if not missing:
        return
    message = f"the cluster test needs {', '.join(missing)} (apt-get install {' '.join(missing)})"
    if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
        raise pytest.UsageError(f"CI=true: {message}")
    for item in cluster_items:
        item.add_marker(pytest.mark.skip(reason=message))


@pytest.fixture(scope="module")
def cluster():
    running = harness.start(apps=2, workers=2)
    yield running
    running.stop()
    if not os.environ.get("CARTEIRA_KEEP_CLUSTER"):
        shutil.rmtree(running.root, ignore_errors=True)
