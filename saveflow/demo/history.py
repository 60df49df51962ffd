"""Seed the demo app with months of history, or take the seeded history out again.

Sessions are spread over the months before today, more of them lately (a growing product) and
fewer at weekends; each is played by `journey` and, if saved, by `aftercare`. The rows are
written with bulk Core inserts in one transaction, and the report rollups are rebuilt from the
sessions in the same commit, so the reports agree with the sessions the moment it is done.
"""

import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from flask import current_app
from sqlalchemy import func, insert, select

from saveflow.apps.models import App
from saveflow.billing.models import PaidInvoice, SubscriptionState
from saveflow.demo import catalog
from saveflow.demo.aftercare import aftercare
from saveflow.demo.journey import journey
from saveflow.demo.stage import MARK, SEEDED, Journey, Stage
from saveflow.extensions import db
from saveflow.offers import service
from saveflow.offers.experiment_setup import change, experiment_of, with_experiment
from saveflow.offers.models import OfferAcceptance
from saveflow.offers.rules import compile_rule_set
from saveflow.reports import rebuild
from saveflow.rollups import ledger
from saveflow.saves.settings import current_rules
from saveflow.sessions.models import SAVES, Session, SessionEvent
from saveflow.sessions.outcomes import horizon_months
from saveflow.sessions.setup_cache import setup_for

BATCH = 1000
# Sessions start in their customers' working hours, late enough in the last day to finish by
# the cutoff (the longest journey, a payment recovered by webhook, takes under two hours).
LAST_START = timedelta(hours=3)


@dataclass(frozen=True)
class Seeded:
    sessions: int
    events: int
    invoices: int
    first_day: date
    last_day: date


def is_seeded():
    """Return the condition that picks seeded sessions (any database)."""
    return Session.attributes[MARK].as_string() == SEEDED


def seeded_count(app_id: str) -> int:
    """Return how many seeded sessions the app has."""
    query = select(func.count()).where(Session.app_id == app_id, is_seeded())
    return db.session.scalar(query) or 0


def stage_for(app: App, today: date, months: int) -> Stage:
    """Return what the seeding of `app` shares, for history up to the start of `today` (UTC)."""
    cutoff = datetime.combine(today, time(0), tzinfo=UTC)
    start = cutoff - timedelta(days=round(months * 30.44))
    setup = setup_for(app)
    published = service.published(app.id)
    document = published.document if published else None
    experiment = _experiment(document, setup) if document else None
    before = setup.rules
    if document and experiment:
        # The published rules may already run it (a reseed): before it began, they did not.
        before = compile_rule_set(with_experiment(document, experiment[0], None))
    return Stage(
        app=app,
        setup=setup,
        rules=before,
        experiment_rules=(
            compile_rule_set(with_experiment(document, *experiment))
            if document and experiment
            else None
        ),
        experiment_from=cutoff - timedelta(days=round(catalog.EXPERIMENT_MONTHS * 30.44))
        if experiment
        else None,
        zone=ledger.timezone_of(app.settings),
        horizon=horizon_months(app),
        idle_minutes=int(current_app.config["SAVEFLOW_IDLE_MINUTES"]),
        save_rules=current_rules(),
        start=start,
        cutoff=cutoff,
    )


def _experiment(document: dict, setup) -> tuple[str, dict] | None:
    """Return the rule the demo's experiment ran on and the experiment: which offer first."""
    rules = [r for r in document.get("rules", []) if len(r.get("offers", [])) >= 2]
    rule = next((r for r in rules if r["id"] == "too_expensive"), rules[0] if rules else None)
    if rule is None:
        return None
    if rule.get("experiment"):
        # Left running by an earlier seeding: the same experiment; anyone else's: none.
        running = rule["experiment"]
        return (rule["id"], running) if running.get("key") == catalog.EXPERIMENT_KEY else None
    first, second, *rest = rule["offers"]
    names = [setup.offers[k].type if k in setup.offers else k for k in (first, second)]
    if names[0] == names[1]:
        names = ["a", "b"]
    variants = [
        {"name": f"{names[0]}_first", "weight": 1, "offers": [first, second, *rest]},
        {"name": f"{names[1]}_first", "weight": 1, "offers": [second, first, *rest]},
    ]
    experiment = {
        "key": catalog.EXPERIMENT_KEY,
        "holdout": catalog.EXPERIMENT_HOLDOUT,
        "variants": variants,
    }
    return rule["id"], experiment


def start_times(stage: Stage, rng: random.Random, count: int) -> list[tuple[datetime, str]]:
    """Return `count` session starts and their currencies, in order: growing over time, quieter
    at weekends, in working hours where the customer is."""
    days = (stage.cutoff - stage.start).days
    weights = []
    for n in range(days):
        day = stage.start + timedelta(days=n)
        weights.append((0.6 + 0.8 * n / days) * (0.55 if day.weekday() >= 5 else 1.0))
    picked = rng.choices(range(days), weights=weights, k=count)
    times = []
    for n in picked:
        currency = str(catalog.pick(rng, catalog.CURRENCIES))
        low, high = catalog.WORKING_HOURS_UTC[currency]
        day = stage.start + timedelta(days=n)
        latest = min(high * 3600, int((stage.cutoff - LAST_START - day).total_seconds()))
        times.append((day + timedelta(seconds=rng.randint(low * 3600, latest)), currency))
    return sorted(times)


def seed(
    app: App,
    count: int,
    today: date,
    months: int = 8,
    seed_value: int = 2025,
    progress: Callable[[int], object] | None = None,
) -> Seeded:
    """Seed `count` decided sessions of history for `app` and rebuild its rollups (commits)."""
    rng = random.Random(seed_value)
    stage = stage_for(app, today, months)
    totals = {"sessions": 0, "events": 0, "invoices": 0}
    batch: list[tuple[Journey, object]] = []
    for created_at, currency in start_times(stage, rng, count):
        trip = journey(stage, rng, created_at, currency)
        billed = aftercare(stage, rng, trip) if trip.values["outcome"] in SAVES else None
        batch.append((trip, billed))
        if len(batch) >= BATCH:
            _write(batch, totals)
            if progress:
                progress(len(batch))
            batch = []
    if batch:
        _write(batch, totals)
        if progress:
            progress(len(batch))
    rebuild.rebuild([app.id])
    _leave_running(app, stage)
    return Seeded(
        totals["sessions"],
        totals["events"],
        totals["invoices"],
        stage.start.date(),
        (stage.cutoff - timedelta(days=1)).date(),
    )


def _leave_running(app: App, stage: Stage) -> None:
    """Publish the experiment the history ran, so the experiments page shows it running."""
    published = service.published(app.id)
    if published is None:
        return
    found = _experiment(published.document, stage.setup)
    if found is not None and experiment_of(published.document, found[0]) is None:
        rule_id, experiment = found
        change(app.id, rule_id, experiment, "saveflow demo", publish_pending=True)
        db.session.commit()


def _write(batch: list, totals: dict) -> None:
    sessions, events, states, invoices, acceptances = [], [], [], [], []
    for trip, billed in batch:
        logged = list(_numbered(trip))
        sessions.append({**trip.values, "event_seq": len(logged)})
        events.extend(logged)
        if billed is not None:
            if billed.state is not None:
                states.append(billed.state)
            invoices.extend(billed.invoices)
            if billed.acceptance is not None:
                acceptances.append(billed.acceptance)
    for model, rows in (
        (Session, sessions),
        (SessionEvent, events),
        (SubscriptionState, states),
        (PaidInvoice, invoices),
        (OfferAcceptance, acceptances),
    ):
        if rows:
            db.session.execute(insert(model), rows)
    totals["sessions"] += len(sessions)
    totals["events"] += len(events)
    totals["invoices"] += len(invoices)


def _numbered(trip: Journey) -> Iterator[dict]:
    # Events are numbered in the order they happened (the log is written as they happen).
    ordered = sorted(trip.events, key=lambda event: event[0])
    for seq, (at, type_, data) in enumerate(ordered, start=1):
        yield {
            "app_id": trip.values["app_id"],
            "session_id": trip.values["id"],
            "seq": seq,
            "type": type_,
            "data": data,
            "at": at,
        }
