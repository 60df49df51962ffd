"""Session API throughput and latency over HTTP against a real server, as ratios to /healthz.

Starts gunicorn (2 workers) on a free loopback port with DATABASE_URL (default: the local
PostgreSQL `saveflow_bench`), seeds an app, then measures in one run, 4 clients at a time:
  - /healthz throughput (the trivial baseline every ratio divides by),
  - session start throughput            (budget: ≥ 0.40 × /healthz),
  - start + answer flow throughput      (budget: ≥ 0.20 × /healthz),
  - start + answer p95 latency          (budget: ≤ 30 ms at 4 clients; also shown one at a time).
The three throughput phases are interleaved over several rounds so load from other processes
hits all of them alike. On a server with autovacuum off, ANALYZE runs before each round in its
place (see PlannerStatistics).

    .venv/bin/python bench/bench_flow.py [--n 2000] [--rounds 5] [--threads 1] [--database-url URL]
"""

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from cryptography.fernet import Fernet  # noqa: E402

from saveflow.sessions.tokens import sign  # noqa: E402

CLIENTS = 4
BUDGETS = {"start": 0.40, "flow": 0.20, "p95_ms": 30.0}
SNAPSHOT = {
    "plan": "pro",
    "amount": 4900,
    "currency": "usd",
    "interval": "month",
    "started_at": "2025-03-15T10:00:00+00:00",
}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Progress:
    """One bar on stderr over every request the run makes."""

    def __init__(self, total: int):
        self.total, self.done, self.label = total, 0, ""

    def step(self, label: str) -> None:
        self.done += 1
        self.label = label
        width = 30
        filled = int(width * self.done / self.total)
        end = "\n" if self.done >= self.total else ""
        print(
            f"\r{label:<16} [{'#' * filled}{'.' * (width - filled)}] {self.done}/{self.total}",
            end=end,
            file=sys.stderr,
            flush=True,
        )


class Client:
    def __init__(self, base: str, app: dict):
        self.base, self.app = base, app

    def call(self, path, body=None, token=None):
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(
            self.base + path, data=data, method="POST" if data else "GET"
        )
        request.add_header("Content-Type", "application/json")
        if token:
            request.add_header("Authorization", f"Bearer {token}")
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.loads(response.read())

    def healthz(self, _i=None):
        return self.call("/healthz")

    def start(self, i):
        claims = {
            "app": self.app["app_id"],
            "customer": f"cus_{time.time_ns()}_{i}",
            "subscription": f"sub_{i}",
            "mode": "live",
            "exp": int(time.time()) + 600,
            "snapshot": SNAPSHOT,
        }
        token = sign(self.app["secret"], claims)
        return self.call("/api/v1/sessions", {"app_id": self.app["app_id"], "token": token})

    def flow(self, i) -> float:
        """Run start + answer; return its latency in milliseconds."""
        t0 = time.perf_counter()
        started = self.start(i)
        answered = self.call(
            f"/api/v1/sessions/{started['session_id']}/answer",
            {"reason_id": "too_expensive"},
            started["session_token"],
        )
        assert answered["step"] == "offers", answered
        return (time.perf_counter() - t0) * 1000


def p95(samples) -> float:
    ordered = sorted(samples)
    return ordered[int(0.95 * (len(ordered) - 1))]


def flask_cmd(env, *args) -> str:
    return subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", "saveflow", *args],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout


def serve(env, port, threads=1):
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}", "--workers", "2"]
        + ["--threads", str(threads)]
        + ["wsgi:app"],
        cwd=ROOT,
        env=env,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(100):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2):
                return server
        except OSError:
            if server.poll() is not None:
                raise SystemExit("gunicorn exited; is the database reachable?") from None
            time.sleep(0.1)
    server.terminate()
    raise SystemExit("gunicorn did not answer /healthz within 10 s")


def verdict(ok: bool) -> str:
    return "MET" if ok else "OVER"


class PlannerStatistics:
    """Keep the planner's statistics current, as autovacuum would in production.

    PostgreSQL plans a foreign-key check once per connection and keeps the plan until the
    table's statistics change. Planned on the empty tables of a fresh run and never analyzed
    again, the check on `session_events → sessions` walks every session of the app, so each
    start and answer gets slower as the run goes on. Autovacuum re-analyzes a table once a tenth
    of it has changed; on a server where it is off (as on some CI machines) this stands in for it.
    """

    def __init__(self, url: str | None):
        self.engine = None
        if url and url.startswith("postgres"):
            from sqlalchemy import create_engine, text

            self.text = text
            self.engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
            with self.engine.connect() as conn:
                if conn.execute(text("SHOW autovacuum")).scalar() == "on":
                    self.engine.dispose()
                    self.engine = None

    @property
    def active(self) -> bool:
        return self.engine is not None

    def refresh(self) -> None:
        if self.engine is not None:
            with self.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.execute(self.text("ANALYZE"))

    def close(self) -> None:
        if self.engine is not None:
            self.engine.dispose()


def measure(
    client: Client, n: int, rounds: int, progress: Progress, planner: PlannerStatistics
) -> dict:
    """Interleave the throughput phases over `rounds`; return rates and latencies."""
    per_round = max(n // rounds, CLIENTS)
    elapsed = {"healthz": 0.0, "start": 0.0, "flow": 0.0}
    counts = dict.fromkeys(elapsed, 0)
    concurrent_latencies: list[float] = []

    def timed(kind, fn):
        def run(i):
            result = fn(i)
            progress.step(kind)
            return result

        t0 = time.perf_counter()
        with ThreadPoolExecutor(CLIENTS) as pool:
            results = list(pool.map(run, range(per_round)))
        elapsed[kind] += time.perf_counter() - t0
        counts[kind] += per_round
        return results

    for _ in range(rounds):
        planner.refresh()  # between timed phases, never inside one
        timed("healthz", client.healthz)
        timed("start", client.start)
        concurrent_latencies += timed("flow", client.flow)
    planner.refresh()
    sequential = []
    for i in range(per_round):
        sequential.append(client.flow(i))
        progress.step("flow, 1 client")
    rates = {kind: counts[kind] / elapsed[kind] for kind in elapsed}
    return {
        "rates": rates,
        "p95_4": p95(concurrent_latencies),
        "p50_4": statistics.median(concurrent_latencies),
        "p95_1": p95(sequential),
        "p50_1": statistics.median(sequential),
    }


def report(result: dict, database: str, threads: int, analyzed: bool) -> None:
    rates = result["rates"]
    base = rates["healthz"]
    start, flow = rates["start"] / base, rates["flow"] / base
    print(
        f"session API over HTTP: gunicorn 2 workers × {threads} thread(s), {database}, "
        f"{CLIENTS} clients"
    )
    if analyzed:
        print("  (autovacuum is off on this server: ANALYZE ran before each round in its place)")
    print(f"  /healthz         {base:7.0f}/s   (baseline)")
    print(
        f"  start            {rates['start']:7.0f}/s   {start:.2f} × /healthz  "
        f"(budget ≥ {BUDGETS['start']:.2f})  {verdict(start >= BUDGETS['start'])}"
    )
    print(
        f"  start + answer   {rates['flow']:7.0f}/s   {flow:.2f} × /healthz  "
        f"(budget ≥ {BUDGETS['flow']:.2f})  {verdict(flow >= BUDGETS['flow'])}"
    )
    limit = BUDGETS["p95_ms"]
    for clients, key in ((CLIENTS, "4"), (1, "1")):
        high = result[f"p95_{key}"]
        print(
            f"  start + answer latency, {clients} client{'s' if clients > 1 else ''}: "
            f"p50 {result[f'p50_{key}']:.1f} ms, p95 {high:.1f} ms = {high / limit:.2f} × "
            f"budget ({limit:.0f} ms)  {verdict(high <= limit)}"
        )


def reset_database(url: str) -> None:
    """Start every run on an empty database: same data size each run, nothing from other runs."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=2000, help="requests per phase (all rounds)")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument(
        "--threads", type=int, default=1, help="gunicorn threads per worker (make run uses 4)"
    )
    parser.add_argument(
        "--database-url", default="postgresql://postgres:postgres@127.0.0.1:5432/saveflow_bench"
    )
    args = parser.parse_args()
    if args.database_url.startswith("postgres"):
        subprocess.run(
            ["bash", str(ROOT / ".ci" / "ensure-postgres"), args.database_url],
            check=True,
            capture_output=True,
        )
        reset_database(args.database_url)
    env = {
        **os.environ,
        "DATABASE_URL": args.database_url,
        "SECRET_KEY": "bench",
        # Its own key, so a database seeded by another checkout can never be undecryptable here.
        "SAVEFLOW_ENCRYPTION_KEY": Fernet.generate_key().decode(),
        # Rate limits would throttle the load generator, not measure the server.
        "SAVEFLOW_RATE_LIMITS": "off",
    }
    app = json.loads(flask_cmd(env, "init", "--json", "--name", "Bench").strip().splitlines()[-1])
    port = free_port()
    server = serve(env, port, args.threads)
    per_round = max(args.n // args.rounds, CLIENTS)
    progress = Progress(per_round * (3 * args.rounds + 1))
    planner = PlannerStatistics(args.database_url)
    try:
        client = Client(f"http://127.0.0.1:{port}", app)
        result = measure(client, args.n, args.rounds, progress, planner)
    finally:
        server.terminate()
        server.wait()
        planner.close()
    report(result, args.database_url.split("://")[0], args.threads, planner.active)


if __name__ == "__main__":
    main()
