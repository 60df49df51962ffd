"""Session start + answer latency and start throughput over HTTP, against a real server.

Starts gunicorn (2 workers) on DATABASE_URL (default: the local PostgreSQL `saveflow_bench`),
seeds an app, then measures with the same server and client in one run:
  - p50/p95 of start + answer (budget: p95 ≤ 30 ms), and
  - start throughput as a ratio of the trivial /healthz endpoint's (budget: ≥ 0.40).

    .venv/bin/python bench/bench_flow.py [--n 300] [--database-url URL]
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from saveflow.sessions.tokens import sign  # noqa: E402

SNAPSHOT = {
    "plan": "pro",
    "amount": 4900,
    "currency": "usd",
    "interval": "month",
    "started_at": "2025-03-15T10:00:00+00:00",
}
PORT = 5099
BASE = f"http://127.0.0.1:{PORT}"


def call(path, body=None, token=None):
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(BASE + path, data=data, method="POST" if data else "GET")
    request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())


def flask_cmd(env, *args):
    flask = str(ROOT / ".venv" / "bin" / "flask")
    return subprocess.run(
        [flask, "--app", "wsgi", "saveflow", *args],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout


def progress(label, done, total):
    width = 30
    filled = int(width * done / total)
    print(
        f"\r{label:<22} [{'#' * filled}{'.' * (width - filled)}] {done}/{total}",
        end="" if done < total else "\n",
        file=sys.stderr,
        flush=True,
    )


def percentiles(samples):
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[int(0.95 * (len(ordered) - 1))]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=300)
    parser.add_argument(
        "--database-url", default="postgresql://postgres:postgres@127.0.0.1:5432/saveflow_bench"
    )
    args = parser.parse_args()
    if args.database_url.startswith("postgresql"):
        subprocess.run(
            ["bash", str(ROOT / ".ci" / "ensure-postgres"), args.database_url],
            check=True,
            capture_output=True,
        )
    env = {**os.environ, "DATABASE_URL": args.database_url, "SECRET_KEY": "bench"}
    app = json.loads(flask_cmd(env, "init", "--json", "--name", "Bench").strip().splitlines()[-1])
    server = subprocess.Popen(
        [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            "--bind",
            f"127.0.0.1:{PORT}",
            "--workers",
            "2",
            "wsgi:app",
        ],
        cwd=ROOT,
        env=env,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(50):
            try:
                call("/healthz")
                break
            except OSError:
                time.sleep(0.2)

        def start(i):
            claims = {
                "app": app["app_id"],
                "customer": f"cus_{time.time_ns()}_{i}",
                "subscription": f"sub_{i}",
                "mode": "live",
                "exp": int(time.time()) + 600,
                "snapshot": SNAPSHOT,
            }
            return call(
                "/api/v1/sessions", {"app_id": app["app_id"], "token": sign(app["secret"], claims)}
            )

        latencies = []
        for i in range(args.n):
            t0 = time.perf_counter()
            started = start(i)
            call(
                f"/api/v1/sessions/{started['session_id']}/answer",
                {"reason_id": "too_expensive"},
                started["session_token"],
            )
            latencies.append((time.perf_counter() - t0) * 1000)
            progress("start + answer", i + 1, args.n)
        # Baseline in the same run: two trivial round trips, the floor under start + answer.
        floor = []
        for _ in range(args.n):
            t0 = time.perf_counter()
            call("/healthz")
            call("/healthz")
            floor.append((time.perf_counter() - t0) * 1000)
        p50, p95 = percentiles(latencies)
        floor50, floor95 = percentiles(floor)

        def throughput(fn, n):
            t0 = time.perf_counter()
            with ThreadPoolExecutor(4) as pool:
                list(pool.map(fn, range(n)))
            return n / (time.perf_counter() - t0)

        trivial = throughput(lambda _i: call("/healthz"), args.n)
        starts = throughput(start, args.n)
    finally:
        server.terminate()
        server.wait()
    print(
        f"start + answer over HTTP ({args.n} flows, gunicorn 2 workers, "
        f"{args.database_url.split('://')[0]}): p50 {p50:.1f} ms, p95 {p95:.1f} ms; "
        f"p95/budget(30 ms) = {p95 / 30:.2f}"
    )
    print(
        f"baseline 2 × /healthz: p50 {floor50:.1f} ms, p95 {floor95:.1f} ms; "
        f"start+answer p95 / baseline p95 = {p95 / floor95:.1f}"
    )
    print(
        f"throughput: /healthz {trivial:.0f}/s, start {starts:.0f}/s; "
        f"start/trivial = {starts / trivial:.2f} (budget ≥ 0.40)"
    )


if __name__ == "__main__":
    main()
