"""Widget weight and speed, each as a ratio to its budget (≤ 1.00 is within budget).

  - gzipped size of the loader (/embed.js)                                  budget 10 KB
  - gzipped size of the whole widget: loader + flow page HTML + flow.js + flow.css   30 KB
  - median ms from the Cancel click to the survey on screen, headless Chromium,
    saveflow under gunicorn (2 workers, SQLite) and the demo host on loopback    300 ms

Each run opens a fresh browser context (cold cache: every widget file is fetched) and, in the
same context, a second time (warm: the pinned flow.js/flow.css come from cache).

    .venv/bin/python bench/bench_widget.py [--runs 9]
"""

import argparse
import gzip
import logging
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from werkzeug.serving import make_server  # noqa: E402

from saveflow.app import MIGRATIONS, create_app  # noqa: E402
from saveflow.apps.demo import DEMO_DOWNGRADES  # noqa: E402
from saveflow.config import Config  # noqa: E402
from saveflow.extensions import db  # noqa: E402
from saveflow.widget.demo_host import create_demo_host  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
KB = 1024
BUDGETS = {"loader": 10 * KB, "widget": 30 * KB, "click_to_survey_ms": 300}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.read()


def gz(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=6))


def setup(database_url: str, host_origin: str) -> tuple[str, str]:
    """Migrate a fresh database and create an app that the host origin may embed."""
    from flask_migrate import upgrade

    from saveflow.apps.setup import create_app_with_defaults

    class BenchConfig(Config):
        SQLALCHEMY_DATABASE_URI = database_url

    app = create_app(BenchConfig)
    with app.app_context():
        upgrade(directory=str(MIGRATIONS))
        record = create_app_with_defaults(
            "Bench", [host_origin], downgrade_targets=DEMO_DOWNGRADES, actor="bench"
        )
        db.session.commit()
        result = record.id, record.live_secret
        db.engine.dispose()
    return result


def sizes(base: str, app_id: str) -> dict[str, int]:
    """Return the gzipped bytes of each widget file exactly as saveflow serves it."""
    page = fetch(f"{base}/flow/{app_id}?origin=http://x")
    files = {"embed.js": fetch(f"{base}/embed.js"), "flow.html": page}
    for path in re.findall(rb"/widget/flow\.(?:js|css)\?v=[0-9a-f]+", page):
        files[path.decode().split("/")[-1].split("?")[0]] = fetch(base + path.decode())
    return {name: gz(body) for name, body in files.items()}


def click_to_survey(page) -> float:
    """Click Cancel on the host page; return ms until the flow page shows the survey."""
    page.wait_for_function("window.Saveflow && window.Saveflow.open")
    page.evaluate(
        "document.getElementById('cancel').addEventListener('click',"
        " () => { window.clickedAt = performance.now(); }, {capture: true, once: true})"
    )
    page.click("#cancel")
    page.frame_locator("iframe[title]").locator('#sf-dialog[data-step="survey"]').wait_for()
    page.wait_for_function(
        "window.saveflowEvents.some(e => e.type === 'step' && e.step === 'survey')"
    )
    return page.evaluate(
        "window.saveflowEvents.find(e => e.type === 'step' && e.step === 'survey').at"
        " - window.clickedAt"
    )


def timings(host_url: str, runs: int) -> tuple[list[float], list[float]]:
    from playwright.sync_api import sync_playwright

    cold, warm = [], []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        for _ in range(runs):
            context = browser.new_context(viewport={"width": 1000, "height": 760})
            page = context.new_page()
            page.goto(host_url)
            cold.append(click_to_survey(page))
            page.goto(host_url)
            warm.append(click_to_survey(page))
            context.close()
        browser.close()
    return cold, warm


def ratio_line(label: str, value: float, budget: float, unit: str) -> str:
    shown = f"{value / KB:.2f} KB" if unit == "KB" else f"{value:.0f} ms"
    limit = f"{budget / KB:.0f} KB" if unit == "KB" else f"{budget:.0f} ms"
    return f"{label:<34} {shown:>10}   budget {limit:>6}   ratio {value / budget:.2f}"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args()
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    workdir = tempfile.mkdtemp(prefix="saveflow-bench-widget-")
    database_url = f"sqlite:///{workdir}/bench.db"
    saveflow_port, host_port = free_port(), free_port()
    saveflow_url = f"http://127.0.0.1:{saveflow_port}"
    host_url = f"http://127.0.0.1:{host_port}"
    app_id, secret = setup(database_url, host_url)
    env = {**os.environ, "DATABASE_URL": database_url, "SECRET_KEY": "bench"}
    gunicorn = str(ROOT / ".venv" / "bin" / "gunicorn")
    demo_host = create_demo_host(saveflow_url, host_url + "/", lambda: (app_id, secret))
    host = make_server("127.0.0.1", host_port, demo_host, True)
    threading.Thread(target=host.serve_forever, daemon=True).start()
    server = subprocess.Popen(
        [gunicorn, "--bind", f"127.0.0.1:{saveflow_port}", "--workers", "2", "wsgi:app"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(50):
            try:
                fetch(saveflow_url + "/healthz")
                break
            except OSError:
                time.sleep(0.2)
        gzipped = sizes(saveflow_url, app_id)
        cold, warm = timings(host_url, args.runs)
    finally:
        host.shutdown()
        server.terminate()
        server.wait(timeout=10)
    print("gzipped (level 6): " + ", ".join(f"{k} {v} B" for k, v in gzipped.items()))
    print(ratio_line("loader (embed.js)", gzipped["embed.js"], BUDGETS["loader"], "KB"))
    print(ratio_line("whole widget", sum(gzipped.values()), BUDGETS["widget"], "KB"))
    budget = BUDGETS["click_to_survey_ms"]
    print(
        ratio_line(
            f"click → survey, cold (median/{args.runs})", statistics.median(cold), budget, "ms"
        )
    )
    print(
        ratio_line(
            f"click → survey, warm (median/{args.runs})", statistics.median(warm), budget, "ms"
        )
    )
    print(f"  cold runs ms: {', '.join(f'{v:.0f}' for v in cold)}")
    print(f"  warm runs ms: {', '.join(f'{v:.0f}' for v in warm)}")


if __name__ == "__main__":
    main()
