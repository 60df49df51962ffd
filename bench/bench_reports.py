"""Saved-revenue reports at 1,000,000 and 10,000,000 sessions, read from the daily rollups, each
beside the same figures aggregated from the sessions table itself (the baseline).

Empties the PostgreSQL database `saveflow_bench`, migrates it and makes one app, then for each
size: generates decided sessions in the database (`report_data.py`) over the same 365 days (a
bigger customer, not a longer history), rebuilds the rollups with `saveflow.reports.rebuild`
(timed), and times every query the finance dashboard runs over the last 12 months: the
saved-revenue report by each grouping, the save cohorts and the experiment lift. Each query's
median and best run over `--runs` are printed beside the median of the bare aggregate over the
sessions, their ratio, and the verdicts: a median of at most 200 ms, and at a later size a best
run no slower than at the first (the best run is the one least disturbed by whatever else the
machine was doing).

    .venv/bin/python bench/bench_reports.py [--sizes 1000000,10000000] [--quick] [--runs 15]
        [--pause 4] [--baseline-runs 3] [--database-url URL]
"""

import argparse
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from cryptography.fernet import Fernet  # noqa: E402
from flask_migrate import upgrade  # noqa: E402
from report_data import generate  # noqa: E402
from sqlalchemy import create_engine, func, select, text  # noqa: E402

from saveflow.app import MIGRATIONS, create_app  # noqa: E402
from saveflow.config import Config  # noqa: E402
from saveflow.extensions import db  # noqa: E402
from saveflow.reports import sources  # noqa: E402
from saveflow.reports.cohorts import cohorts  # noqa: E402
from saveflow.reports.experiments import lifts  # noqa: E402
from saveflow.reports.rebuild import rebuild, total_months  # noqa: E402
from saveflow.reports.saved_revenue import ReportQuery, rows  # noqa: E402
from saveflow.rollups.models import ReportDay  # noqa: E402
from saveflow.sessions.models import SAVES, Session  # noqa: E402

BUDGET_MS = 200.0
# Even best runs move by a few milliseconds on a shared machine: "no slower" allows this factor,
# or this many milliseconds, before it calls a later size slower than the first.
NOISE = 1.25
NOISE_MS = 5.0
DAYS = 365
BATCH = 250_000
GROUPINGS = [(), ("month",), ("offer_type",), ("reason_category",), ("plan",), ("variant",)]
GROUPINGS += [("month", "offer_type")]


class Progress:
    """One bar on stderr for one phase."""

    def __init__(self, label: str, total: int):
        self.label, self.total, self.done = label, max(total, 1), 0
        self.step(0)

    def step(self, amount: int = 1) -> None:
        self.done += amount
        width = 30
        filled = int(width * min(self.done, self.total) / self.total)
        end = "\n" if self.done >= self.total else ""
        print(
            f"\r{self.label:<28} [{'#' * filled}{'.' * (width - filled)}] "
            f"{self.done:,}/{self.total:,}",
            end=end,
            file=sys.stderr,
            flush=True,
        )


def bench_config(url: str) -> type[Config]:
    class BenchConfig(Config):
        SQLALCHEMY_DATABASE_URI = url.replace("postgresql://", "postgresql+psycopg://", 1)
        SECRET_KEY = "bench"
        SAVEFLOW_ENCRYPTION_KEY = Fernet.generate_key().decode()
        # The bare aggregates over ten million sessions run far longer than a request's 5 s.
        SAVEFLOW_DB_STATEMENT_TIMEOUT_MS = 3_600_000

    return BenchConfig


def reset_database(url: str) -> None:
    subprocess.run(
        ["bash", str(ROOT / ".ci" / "ensure-postgres"), url], check=True, capture_output=True
    )
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def grow(url: str, app_id: str, have: int, want: int, start: date) -> float:
    """Generate sessions `have + 1` to `want`; return the seconds it took."""
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    bar = Progress(f"generating to {want:,}", want - have)
    began = time.perf_counter()
    with engine.connect() as conn:
        # Compiling this statement costs PostgreSQL's JIT far more than running it saves.
        conn.execute(text("SET jit = off"))
        conn.execute(text("SELECT setseed(0.42)"))  # the same sessions every run
        for first in range(have + 1, want + 1, BATCH):
            last = min(first + BATCH - 1, want)
            generate(conn, app_id, first, last, start, DAYS)
            conn.commit()
            bar.step(last - first + 1)
    took = time.perf_counter() - began
    analyze(engine)
    engine.dispose()
    return took


def analyze(engine) -> None:
    """VACUUM ANALYZE what changed, as autovacuum would (this server may run with it off)."""
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        for table in ("sessions", "report_days", "report_cohorts"):
            conn.execute(text(f"VACUUM ANALYZE {table}"))


def timed_rebuild(url: str, app_id: str) -> float:
    bar = Progress("rebuilding rollups (months)", total_months([app_id]))
    began = time.perf_counter()
    rebuild([app_id], bar.step)
    took = time.perf_counter() - began
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    analyze(engine)
    engine.dispose()
    return took


def window(today: date) -> tuple[date, date]:
    """Return the dashboard's 12 months: from the 1st eleven months back to next month's 1st."""
    first = date(today.year - (today.month <= 11), (today.month - 12) % 12 + 1, 1)
    after = date(today.year + (today.month == 12), today.month % 12 + 1, 1)
    return first, after


def cohort_sessions(app_id: str, start: date, end: date) -> list:
    """The cohort table's figures aggregated from the sessions table (the baseline)."""
    month = sources.month_start(Session.report_day, "postgresql")
    kept = func.coalesce(Session.months_kept, -1)
    query = (
        select(month, Session.currency, kept, *sources.cohort_session_measures().values())
        .where(
            Session.app_id == app_id,
            Session.mode == "live",
            Session.outcome.in_(SAVES),
            Session.report_day >= start,
            Session.report_day < end,
        )
        .group_by(month, Session.currency, kept)
    )
    return list(db.session.execute(query))


def queries(app_id: str, today: date) -> list[tuple[str, Callable, Callable]]:
    """Return (name, the report, its bare aggregate over the sessions) for the dashboard."""
    start, end = window(today)
    found = []
    for group_by in GROUPINGS:
        q = ReportQuery(app_id, start, end, group_by)
        name = "rows(" + (", ".join(group_by) or "total") + ")"
        found.append((name, lambda q=q: rows(q), lambda q=q: rows(q, source="sessions")))
    found.append(
        (
            "cohorts()",
            lambda: cohorts(app_id, start, end, today),
            lambda: cohort_sessions(app_id, start, end),
        )
    )
    variants = ReportQuery(app_id, start, end, ("variant",))
    found.append(
        (
            "lifts()",
            lambda: lifts(app_id, start, end),
            lambda: rows(variants, source="sessions"),
        )
    )
    return found


def timed_ms(fn: Callable) -> float:
    began = time.perf_counter()
    fn()
    took = (time.perf_counter() - began) * 1000
    db.session.rollback()
    return took


def measure(
    app_id: str, today: date, runs: int, baseline_runs: int, pause: float
) -> dict[str, tuple]:
    """Return each query's (median, best) from the rollups and its bare aggregate's median.

    The reports run in rounds, every query once a round, so a busy moment on the machine falls
    on all of them alike; each is run once untimed first. The bare aggregates come after them on
    the same connection, which they would slow down (JIT) and whose buffers they would fill.
    """
    found = queries(app_id, today)
    bar = Progress("timing queries (runs)", len(found) * (1 + runs + baseline_runs))
    # A fresh connection, as a web worker's would be: once a PostgreSQL backend has JIT-compiled
    # a query (the rebuild's and the bare aggregates' are big enough), even its small queries run
    # about 1.6 times slower, which would weigh on whichever size came later.
    db.session.remove()
    db.engine.dispose()
    samples: dict[str, list[float]] = {name: [] for name, _, _ in found}
    for round_ in range(runs + 1):
        for name, report, _ in found:
            took = timed_ms(report)
            if round_:
                samples[name].append(took)
            bar.step()
        # Rounds spread over a minute or so: a best run then stands for a quiet moment of the
        # machine, not whichever few seconds the rounds happened to fall in.
        time.sleep(pause)
    bare = {}
    for name, _, aggregate in found:
        bare[name] = statistics.median(timed_ms(aggregate) for _ in range(baseline_runs))
        bar.step(baseline_runs)
    return {
        name: (statistics.median(samples[name]), min(samples[name]), bare[name])
        for name, _, _ in found
    }


def verdict(ok: bool) -> str:
    return "MET" if ok else "OVER"


def server_facts() -> str:
    """Return what the timings depend on: the server's version and its planner settings."""
    show = {n: db.session.execute(text(f"SHOW {n}")).scalar_one() for n in ("jit", "autovacuum")}
    version = db.session.execute(text("SHOW server_version")).scalar_one().split()[0]
    db.session.rollback()
    return (
        f"PostgreSQL {version}, jit {show['jit']}, autovacuum {show['autovacuum']} "
        "(VACUUM ANALYZE runs after each load and rebuild, as autovacuum would)"
    )


def print_table(size: int, timings: dict, first: dict | None, first_size: int, facts: dict) -> None:
    print()
    print(
        f"saved-revenue reports at {size:,} sessions ({DAYS} days, 12-month window; "
        f"{facts['rollup_rows']:,} rollup rows; sessions generated in {facts['generated']:.0f} s, "
        f"rollups rebuilt in {facts['rebuilt']:.1f} s)"
    )
    print(f"  (1-minute load average over the timing: {facts['load']}, on {os.cpu_count()} cores)")
    head = (
        f"  {'query':<26} {'rollups':>9} {'best':>8} {'sessions':>10} {'ratio':>7}  "
        f"≤ {BUDGET_MS:.0f} ms"
    )
    print(head + (f"  best vs {first_size:,}" if first is not None else ""))
    for name, (report, best, bare) in timings.items():
        line = (
            f"  {name:<26} {report:6.1f} ms {best:5.1f} ms {bare:7.0f} ms {report / bare:7.3f}  "
            f"{verdict(report <= BUDGET_MS):<6}"
        )
        if first is not None:
            before = first[name][1]
            slower = best / before
            same = slower <= NOISE or best - before <= NOISE_MS
            line += f"  {slower:5.2f} ×  {verdict(same)}"
        print(line, flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000000,10000000", help="comma-separated, growing")
    parser.add_argument("--quick", action="store_true", help="20,000 then 200,000; fewer runs")
    parser.add_argument("--runs", type=int, default=15, help="timed runs per report query")
    parser.add_argument("--pause", type=float, default=4.0, help="seconds between rounds")
    parser.add_argument("--baseline-runs", type=int, default=3, help="runs per bare aggregate")
    parser.add_argument(
        "--database-url", default="postgresql://postgres:postgres@127.0.0.1:5432/saveflow_bench"
    )
    args = parser.parse_args()
    sizes = [20_000, 200_000] if args.quick else [int(s) for s in args.sizes.split(",")]
    runs, baseline_runs = (3, 1) if args.quick else (args.runs, args.baseline_runs)
    if args.quick:
        args.pause = 0.0
    if sizes != sorted(sizes):
        parser.error("--sizes must grow")
    reset_database(args.database_url)
    flask_app = create_app(bench_config(args.database_url))
    today = datetime.now(UTC).date()
    start = today - timedelta(days=DAYS)
    with flask_app.app_context():
        from saveflow.apps.setup import create_app_with_defaults

        upgrade(directory=str(MIGRATIONS))
        app_id = create_app_with_defaults("Bench", ["https://bench.example"]).id
        db.session.commit()
        have, first = 0, None
        print(server_facts(), flush=True)
        for size in sizes:
            generated = grow(args.database_url, app_id, have, size, start)
            have = size
            rebuilt = timed_rebuild(args.database_url, app_id)
            count = db.session.scalar(select(func.count()).select_from(ReportDay)) or 0
            db.session.rollback()
            load = os.getloadavg()[0]
            timings = measure(app_id, today, runs, baseline_runs, args.pause)
            load = f"{load:.2f} → {os.getloadavg()[0]:.2f}"
            facts = {"rollup_rows": count, "generated": generated, "rebuilt": rebuilt, "load": load}
            print_table(size, timings, first, sizes[0], facts)
            first = first or timings
        db.engine.dispose()


if __name__ == "__main__":
    main()
