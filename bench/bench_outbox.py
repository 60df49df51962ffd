"""Outbox delivery rate: one, two and four workers against the same HTTP posts sent directly.

Empties the PostgreSQL database `saveflow_bench`, migrates it, makes one app with one webhook
endpoint on a loopback receiver (its own process), then for each round queues `--n` events and
times their delivery:

- baseline: the same signed posts sent one after another by `post_event`, no database at all;
- 1, 2 and 4 `flask saveflow worker` processes, already running and polling, on the same
  outbox: the clock runs from the commit that queues the events to the last one settled.

It prints events per second and the ratio to the baseline, and checks that the receiver got
every event exactly once (no delivery id twice, none missing).

    .venv/bin/python bench/bench_outbox.py [--n 2000] [--database-url URL]
"""

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from urllib.request import urlopen

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from cryptography.fernet import Fernet  # noqa: E402
from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import func, select  # noqa: E402

from bench.bench_reports import Progress, reset_database  # noqa: E402
from saveflow.app import MIGRATIONS, create_app  # noqa: E402
from saveflow.config import Config  # noqa: E402
from saveflow.db import new_id, utcnow  # noqa: E402
from saveflow.extensions import db  # noqa: E402
from saveflow.messaging.models import Delivery, WebhookEndpoint  # noqa: E402
from saveflow.messaging.publish import event_body, publish  # noqa: E402
from saveflow.messaging.webhook_http import post_event  # noqa: E402

KEY = Fernet.generate_key().decode()

RECEIVER = r"""
import json, sys, threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
seen, lock = {}, threading.Lock()
class H(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def log_message(self, *a): pass
    def _reply(self, body):
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def do_POST(self):
        self.rfile.read(int(self.headers["Content-Length"]))
        with lock:
            key = self.headers["Saveflow-Delivery"]
            seen[key] = seen.get(key, 0) + 1
        self._reply(b"ok")
    def do_GET(self):
        with lock:
            stats = {"requests": sum(seen.values()), "unique": len(seen)}
            if self.path == "/reset":
                seen.clear()
        self._reply(json.dumps(stats).encode())
server = ThreadingHTTPServer(("127.0.0.1", 0), H)
server.daemon_threads = True
print(server.server_port, flush=True)
server.serve_forever()
"""


def bench_config(url: str) -> type[Config]:
    class BenchConfig(Config):
        SQLALCHEMY_DATABASE_URI = url.replace("postgresql://", "postgresql+psycopg://", 1)
        SECRET_KEY = "bench"
        SAVEFLOW_ENCRYPTION_KEY = KEY

    return BenchConfig


def stats(base: str, reset: bool = False) -> dict:
    with urlopen(f"{base}/{'reset' if reset else 'stats'}") as reply:
        return json.loads(reply.read())


def baseline(url: str, secret: str, n: int) -> float:
    """Send n signed events straight to the receiver; return events per second."""
    bar = Progress("baseline (direct posts)", n)
    started = time.perf_counter()
    for i in range(n):
        delivery_id = new_id("dlv")
        body = event_body(delivery_id, "session.completed", {"n": i}, utcnow())
        outcome = post_event(url, body, secret, delivery_id, "session.completed", "json", 10)
        assert outcome.ok, outcome.error
        bar.step()
    return n / (time.perf_counter() - started)


def settled() -> int:
    done = db.session.scalar(
        select(func.count()).select_from(Delivery).where(Delivery.status != "pending")
    )
    db.session.rollback()
    return done or 0


def run_workers(count: int, env: dict, app_id: str, n: int, round_name: str) -> float:
    """Start `count` polling workers, queue n events in one commit once they are up, and time
    until every one is settled; return events per second."""
    command = [
        *(sys.executable, "-m", "flask", "--app", "wsgi", "saveflow", "worker"),
        *("--poll", "0.05"),
    ]
    workers = [
        subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True)
        for _ in range(count)
    ]
    for worker in workers:  # each prints a line once it polls
        assert worker.stdout is not None
        worker.stdout.readline()
    time.sleep(1.0)  # let the first round of periodic jobs pass
    before = settled()
    now = utcnow()
    for i in range(n):
        publish(app_id, "session.completed", {"n": i}, now, f"{round_name}:{i}")
    db.session.commit()
    started = time.perf_counter()
    bar = Progress(f"{count} worker(s)", n)
    while (done := settled() - before) < n:
        bar.step(done - bar.done)
        time.sleep(0.05)
    elapsed = time.perf_counter() - started
    bar.step(n - bar.done)
    for worker in workers:
        worker.terminate()
        worker.wait(30)
    return n / elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=2000, help="events per round")
    parser.add_argument(
        "--database-url", default="postgresql://postgres:postgres@127.0.0.1:5432/saveflow_bench"
    )
    args = parser.parse_args()
    reset_database(args.database_url)
    receiver = subprocess.Popen(
        [sys.executable, "-c", RECEIVER], stdout=subprocess.PIPE, text=True
    )
    assert receiver.stdout is not None
    base = f"http://127.0.0.1:{receiver.stdout.readline().strip()}"
    env = {
        **os.environ,
        "DATABASE_URL": args.database_url,
        "SAVEFLOW_ENCRYPTION_KEY": KEY,
        "SECRET_KEY": "bench",
    }
    flask_app = create_app(bench_config(args.database_url))
    try:
        with flask_app.app_context():
            from saveflow.apps.setup import create_app_with_defaults

            upgrade(directory=str(MIGRATIONS))
            app_id = create_app_with_defaults("Bench", ["https://bench.example"]).id
            endpoint = WebhookEndpoint(app_id=app_id, url=f"{base}/hooks", kind="json")
            db.session.add(endpoint)
            db.session.commit()
            rows = [("baseline: direct posts", baseline(endpoint.url, endpoint.secret, args.n))]
            ok = stats(base, reset=True)["unique"] == args.n
            for count in (1, 2, 4):
                rate = run_workers(count, env, app_id, args.n, f"w{count}")
                got = stats(base, reset=True)
                ok = ok and got["requests"] == got["unique"] == args.n
                rows.append((f"{count} worker(s), outbox", rate))
                print(f"  receiver got {got['requests']:,} posts, {got['unique']:,} distinct ids")
            db.engine.dispose()
    finally:
        receiver.terminate()
    first = rows[0][1]
    print(f"\n{args.n:,} events per round, PostgreSQL, {os.cpu_count()} cores")
    print(f"{'':<28} {'events/s':>10} {'ratio':>7}")
    for name, rate in rows:
        print(f"{name:<28} {rate:>10,.0f} {rate / first:>7.2f}")
    print(f"\nEvery event delivered exactly once: {'MET' if ok else 'FAILED'}")


if __name__ == "__main__":
    main()
