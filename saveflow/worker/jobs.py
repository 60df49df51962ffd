"""Periodic jobs any number of workers share: each run is taken by exactly one of them.

A job's row holds its next due time; a worker runs the job only if its compare-and-set moves
that time forward, so two workers polling at the same moment never both run it.
"""

import base64
from collections.abc import Callable
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from saveflow.apps.models import App
from saveflow.billing.settings import current_settings
from saveflow.extensions import db
from saveflow.messaging import outbox
from saveflow.messaging.models import WorkerJob
from saveflow.reasons.app_model import rebuild_due
from saveflow.reports import digest
from saveflow.saves.settings import current_rules
from saveflow.saves.validate import validate_saves
from saveflow.sessions.outcomes import sweep_idle


def _sweep(now: datetime) -> str:
    minutes = current_app.config["SAVEFLOW_IDLE_MINUTES"]
    total = 0
    while swept := sweep_idle(now, minutes):
        total += swept
    return f"abandoned {total} idle session(s)"


def _validate(now: datetime) -> str:
    summary = validate_saves(now, current_rules(), current_settings())
    return (
        f"confirmed {summary.confirmed}, boomerang {summary.boomerang}, "
        f"still pending {summary.waiting}"
    )


def queue_digest(app: App, row, now: datetime) -> int:
    """Queue a stored digest's email to each of its recipients (once per month and address)."""
    month = row.month.strftime("%Y-%m")
    payload = {
        "subject": row.subject,
        "html": row.html,
        "text": row.text,
        "locale": row.locale,
        "attachments": [
            {
                "filename": f"saved-revenue-{month}.csv",
                "type": "text/csv",
                "content": base64.b64encode(row.csv.encode()).decode("ascii"),
            }
        ],
    }
    queued = 0
    for recipient in row.recipients:
        queued += outbox.enqueue(
            app.id,
            "email",
            "finance_digest",
            f"finance_digest:{month}:{recipient}",
            payload,
            now,
            recipient=recipient,
        )
    return queued


def _digests(now: datetime) -> str:
    """Render each app's digest of its last complete month if missing, and queue its emails."""
    base_url = current_app.config.get("SAVEFLOW_URL") or ""
    queued = 0
    for app in db.session.scalars(select(App).order_by(App.created_at)).all():
        month = digest.last_complete_month(app, now)
        row = digest.digest_for(app.id, month) or digest.store(
            app, month, current_app.jinja_env, base_url, now
        )
        queued += queue_digest(app, row, now)
        db.session.commit()
    return f"queued {queued} digest email(s)"


def _app_models(now: datetime) -> str:
    return rebuild_due(now)


# name: (how often, what it does)
JOBS: dict[str, tuple[timedelta, Callable[[datetime], str]]] = {
    "app-models": (timedelta(minutes=5), _app_models),
    "sweep-idle": (timedelta(minutes=5), _sweep),
    "validate-saves": (timedelta(hours=1), _validate),
    "finance-digest": (timedelta(hours=6), _digests),
}


def _take(name: str, every: timedelta, now: datetime) -> bool:
    """Claim this run of a job for this worker; False if it is not due or another took it."""
    if db.session.get(WorkerJob, name) is None:
        db.session.add(WorkerJob(name=name, next_run_at=now))
        try:
            db.session.commit()
        except IntegrityError:  # another worker created it a moment ago
            db.session.rollback()
    taken = db.session.execute(
        update(WorkerJob)
        .where(WorkerJob.name == name, WorkerJob.next_run_at <= now)
        .values(next_run_at=now + every, last_run_at=now)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return bool(getattr(taken, "rowcount", 0))


def run_due_jobs(now: datetime, log: Callable[[str], object] = print) -> list[str]:
    """Run every job that is due and this worker took; return their names."""
    ran = []
    for name, (every, job) in JOBS.items():
        if not _take(name, every, now):
            continue
        try:
            result = job(now)
        except Exception as error:  # a failed job waits for its next run; the worker goes on
            db.session.rollback()
            current_app.logger.exception("worker job %s failed", name)
            result = f"failed: {type(error).__name__}: {error}"
        db.session.execute(
            update(WorkerJob).where(WorkerJob.name == name).values(last_result=result[:500])
        )
        db.session.commit()
        log(f"{name}: {result}")
        ran.append(name)
    return ran
