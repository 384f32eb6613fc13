"""The territory map in real Chromium on a workspace (issue 25: a 100k portfolio's map
ready in <= 1 s). Not a test; docs/benchmarks.md.

Starts ``carteira serve`` (one worker, no task worker) on the workspace of ``--home``,
logs each user in with the demo's password (``demo-<username>``) and, ``--runs`` times
in a fresh page each: opens /territory/map/ and times from navigation to the map's
``data-state=ready`` (clusters drawn), then zooms on São Paulo (zoom 10) and to street
level (zoom 16) and times each redraw; prints the bytes of the clusters' answers on the
wire, min and median, and ``uptime``.

    .venv/bin/python bench/map_browser_bench.py --home /tmp/hE/home --runs 3 --users diretor
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

CARTEIRA = str(Path(sys.executable).parent / "carteira")
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
# When the map's element turns ready, the page's clock (ms since navigation) is kept.
READY_CLOCK = """
new MutationObserver((changes, observer) => {
  const el = document.getElementById("map");
  if (el && el.dataset.state === "ready" && window.__mapReady === undefined) {
    window.__mapReady = performance.now();
  }
}).observe(document, {subtree: true, attributes: true, attributeFilter: ["data-state"]});
"""


ZOOM_ON_SAO_PAULO = "document.getElementById('map').leafletMap.setView([-23.55, -46.63], %d)"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_for(port: int, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise SystemExit("the server did not start")


def _redraw(page, script: str) -> float:
    """Seconds from running ``script`` (which moves the map) to the map ready again."""
    page.evaluate("document.getElementById('map').dataset.state = 'moved'")
    started = time.perf_counter()
    page.evaluate(script)
    page.wait_for_selector("#map[data-state=ready]", timeout=60_000)
    return time.perf_counter() - started


def measure(base: str, username: str, runs: int) -> list[dict]:
    from playwright.sync_api import sync_playwright

    rows = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--headless", "--no-sandbox", "--disable-gpu"]
        )
        context = browser.new_context(locale="pt-BR", viewport={"width": 1280, "height": 900})
        login = context.new_page()
        login.goto(f"{base}/login/")
        login.get_by_label("Usuário").fill(username)
        login.get_by_label("Senha").fill(f"demo-{username}")
        login.get_by_role("button", name="Entrar").click()
        login.wait_for_url(f"{base}/portfolio/", timeout=120_000)
        login.close()
        for _run in range(runs):
            page = context.new_page()
            page.add_init_script(READY_CLOCK)
            sizes: list[int] = []

            def answered(response, sizes=sizes):
                if "clusters.json" in response.url:
                    sizes.append(int(response.headers.get("content-length") or 0))

            page.on("response", answered)
            page.goto(f"{base}/territory/map/")
            page.wait_for_selector("#map[data-state=ready]", timeout=120_000)
            ready = page.evaluate("window.__mapReady") / 1000
            first_bytes = sizes[0] if sizes else 0
            held = int(page.get_attribute("#map", "data-points"))
            city = _redraw(page, ZOOM_ON_SAO_PAULO % 10)
            street = _redraw(page, ZOOM_ON_SAO_PAULO % 16)
            rows.append({"ready": ready, "bytes": first_bytes, "clients": held, "city": city,
                         "street": street})  # fmt: skip
            page.close()
        browser.close()
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", type=Path, required=True)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--users", default="diretor")
    args = parser.parse_args(argv)
    port = _free_port()
    env = {**os.environ, "CARTEIRA_HOME": str(args.home)}
    server = subprocess.Popen(  # noqa: S603 -- our own command
        [CARTEIRA, "serve", "--port", str(port), "--workers", "1", "--no-task-worker"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        _wait_for(port)
        load = os.getloadavg()
        print("| user | map ready s (min / median) | first answer, bytes on the wire | "
              "clients on the map | zoom 10 redraw s (min) | zoom 16 redraw s (min) |")  # fmt: skip
        print("|---|---|---|---|---|---|")
        for username in args.users.split(","):
            rows = measure(f"http://127.0.0.1:{port}", username, args.runs)
            ready = [r["ready"] for r in rows]
            city, street = min(r["city"] for r in rows), min(r["street"] for r in rows)
            size, held = rows[0]["bytes"], rows[0]["clients"]
            print(f"| {username} | {min(ready):.2f} / {statistics.median(ready):.2f} | "
                  f"{size:,} | {held:,} | {city:.2f} | {street:.2f} |")  # fmt: skip
        after = os.getloadavg()
        print(f"\nload average {load[0]:.2f} before, {after[0]:.2f} after")
    finally:
        server.terminate()
        server.wait(timeout=30)
    return 0


if __name__ == "__main__":
    sys.exit(main())
