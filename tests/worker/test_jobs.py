"""The worker's periodic jobs: each run taken by one worker, and what each job does."""

import base64
from datetime import timedelta

from sqlalchemy import select

from saveflow.accounts.service import create_user
from saveflow.db import utcnow
from saveflow.extensions import db
from saveflow.messaging.models import Delivery, WorkerJob
from saveflow.reports.digest import last_complete_month
from saveflow.reports.models import FinanceDigest
from saveflow.worker.jobs import JOBS, run_due_jobs


def _quiet(_line: str) -> None:
    pass


def test_each_job_runs_once_per_period_however_many_workers_poll(app, demo):
    now = utcnow()
    assert run_due_jobs(now, _quiet) == list(JOBS)
    # A second worker polling at the same moment finds every job taken.
    assert run_due_jobs(now, _quiet) == []
    # Five minutes on, only the app models and the idle sweep are due again.
    assert run_due_jobs(now + timedelta(minutes=5), _quiet) == ["app-models", "sweep-idle"]
    rows = {row.name: row for row in db.session.scalars(select(WorkerJob))}
    assert rows["sweep-idle"].next_run_at == now + timedelta(minutes=10)
    assert rows["validate-saves"].next_run_at == now + timedelta(hours=1)
    assert rows["sweep-idle"].last_result == "abandoned 0 idle session(s)"


def test_the_idle_sweep_abandons_and_tells_the_endpoints(app, flow, demo):
    from saveflow.messaging.models import WebhookEndpoint

    db.session.add(WebhookEndpoint(app_id=demo.id, url="https://crm.example/hooks", kind="json"))
    db.session.commit()
    assert flow.start().status_code == 201
    later = utcnow() + timedelta(minutes=app.config["SAVEFLOW_IDLE_MINUTES"] + 1)
    run_due_jobs(later, _quiet)
    (event,) = db.session.scalars(select(Delivery)).all()
    assert (event.event, event.session_id) == ("session.completed", flow.session_id)
    assert '"outcome":"abandoned"' in event.payload["body"]


def test_the_digest_job_queues_the_last_months_digest_once_to_each_recipient(app, demo):
    create_user("cfo@acme.example", "a long enough secret", "finance", demo.id)
    create_user("owner@acme.example", "a long enough secret", "admin", demo.id)
    create_user("dev@acme.example", "a long enough secret", "editor", demo.id)
    db.session.commit()
    now = utcnow()
    run_due_jobs(now, _quiet)
    month = last_complete_month(demo, now)
    stored = db.session.scalars(select(FinanceDigest)).one()
    assert stored.month == month
    mails = db.session.scalars(select(Delivery).order_by(Delivery.recipient)).all()
    assert [(m.event, m.recipient) for m in mails] == [
        ("finance_digest", "cfo@acme.example"),
        ("finance_digest", "owner@acme.example"),
    ]
    (attachment,) = mails[0].payload["attachments"]
    assert attachment["filename"] == f"saved-revenue-{month:%Y-%m}.csv"
    assert base64.b64decode(attachment["content"]).decode() == stored.csv
    assert mails[0].payload["subject"] == stored.subject
    # The job's next run (and any other worker's) queues nothing more for that month.
    run_due_jobs(now + timedelta(hours=6), _quiet)
    assert len(db.session.scalars(select(Delivery)).all()) == 2


def test_a_failing_job_is_logged_and_the_others_still_run(app, demo, monkeypatch):
    from saveflow.worker import jobs

    def broken(_now):
        raise RuntimeError("the database said no")

    monkeypatch.setitem(jobs.JOBS, "validate-saves", (timedelta(hours=1), broken))
    lines: list[str] = []
    assert run_due_jobs(utcnow(), lines.append) == list(JOBS)
    assert "validate-saves: failed: RuntimeError: the database said no" in lines
    row = db.session.get(WorkerJob, "validate-saves")
    assert row.last_result == "failed: RuntimeError: the database said no"
