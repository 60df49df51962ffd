"""The worker end to end: a cancel flow's receipt and signed event, receivers that fail and come
back, a worker killed mid-send, and two workers sharing one outbox."""

import hashlib
import hmac
import json
import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from saveflow.db import utcnow
from saveflow.extensions import db
from saveflow.messaging.models import Delivery, DeliveryAttempt
from saveflow.messaging.publish import publish
from saveflow.worker.dispatch import senders_for_app
from saveflow.worker.loop import drain
from tests.conftest import ENCRYPTION_KEY
from tests.messaging.receiver import Answer

ROOT = Path(__file__).resolve().parents[2]


def _verify(request, secret: str, tolerance: int = 300) -> dict:
    """Check a request's signature as a receiver would, and return its JSON body."""
    parts = dict(p.split("=", 1) for p in request.header("Saveflow-Signature").split(","))
    assert abs(time.time() - int(parts["t"])) <= tolerance
    expected = hmac.new(
        secret.encode(), f"{parts['t']}.".encode() + request.body, hashlib.sha256
    ).hexdigest()
    assert hmac.compare_digest(expected, parts["v1"])
    return json.loads(request.body)


def _cancel(flow, **claims):
    assert flow.start(**claims).status_code == 201
    assert flow.answer("too_expensive").status_code == 200
    response = flow.post("/cancel")
    assert response.status_code == 200, response.json
    return response


def _ids(receiver) -> list[str]:
    return [r.header("Saveflow-Delivery") for r in receiver.received]


def _deliveries(**where):
    query = select(Delivery).order_by(Delivery.created_at, Delivery.id)
    for column, value in where.items():
        query = query.where(getattr(Delivery, column) == value)
    return db.session.scalars(query).all()


def test_one_cancel_flow_sends_one_receipt_and_one_signed_event(
    app, flow, receiving, sendgrid_fake
):
    receiver, endpoint = receiving(Answer(200))
    app.config.update(SENDGRID_API_KEY=sendgrid_fake.api_key, SENDGRID_HOST=sendgrid_fake.url)
    _cancel(flow, email="ada@example.com")
    result = app.test_cli_runner().invoke(args=["saveflow", "worker", "--once"])
    assert result.exit_code == 0, result.output
    assert "Delivered 2" in result.output

    (mail,) = sendgrid_fake.requests
    assert mail.path == "/v3/mail/send"
    assert mail.json["personalizations"][0]["to"] == [{"email": "ada@example.com"}]
    (hook,) = receiver.received
    body = _verify(hook, endpoint.secret)
    assert body["type"] == "session.completed"
    assert body["data"]["outcome"] == "cancelled"
    assert body["data"]["session_id"] == flow.session_id
    assert body["id"] == hook.header("Saveflow-Delivery")
    assert {d.status for d in _deliveries()} == {"delivered"}

    # A second run finds nothing more to send.
    again = app.test_cli_runner().invoke(args=["saveflow", "worker", "--once"])
    assert "Delivered 0" in again.output
    assert len(sendgrid_fake.requests) == 1 and len(receiver.received) == 1


def test_a_saved_session_sends_completed_and_accepted_events_and_a_confirmation(
    app, flow, receiving
):
    receiver, endpoint = receiving(Answer(200))
    assert flow.start(email="ada@example.com").status_code == 201
    offer = flow.answer("too_expensive").json["offers"][0]
    assert flow.accept(offer["id"]).status_code == 200
    tally = drain(senders_for_app(), "w1")
    assert tally.delivered == 3  # two events and the confirmation (log backend: no API key)
    types = sorted(_verify(r, endpoint.secret)["type"] for r in receiver.received)
    assert types == ["offer.accepted", "session.completed"]
    (email,) = _deliveries(channel="email")
    assert (email.event, email.recipient, email.backend) == (
        "offer_accepted",
        "ada@example.com",
        "log",
    )


def test_a_failed_cancel_queues_nothing(app, flow, receiving, monkeypatch):
    receiving(Answer(200))
    from saveflow.billing.none import NoneProvider
    from saveflow.domain_errors import BillingFailed

    def refuse(*_args, **_kwargs):
        raise BillingFailed("billing refused the change")

    monkeypatch.setattr(NoneProvider, "cancel", refuse)
    assert flow.start(email="ada@example.com").status_code == 201
    flow.answer("too_expensive")
    assert flow.post("/cancel").status_code == 502
    assert _deliveries() == []
    monkeypatch.undo()
    # The retry that goes through queues its messages once.
    assert flow.post("/cancel").status_code == 200
    assert sorted(d.event for d in _deliveries()) == ["cancel_receipt", "session.completed"]


def test_a_receiver_that_is_down_gets_retries_then_exactly_one_success(app, demo, receiving):
    receiver, _endpoint = receiving(Answer(503), Answer(503), Answer(200))
    now = utcnow()
    publish(demo.id, "session.completed", {"outcome": "cancelled"}, now, "ses_x")
    db.session.commit()
    senders = senders_for_app()

    first = drain(senders, "w1", now=lambda: now)
    assert (first.delivered, first.retrying) == (0, 1)
    (row,) = _deliveries()
    # Not due again until its backoff has passed.
    assert drain(senders, "w1", now=lambda: now).retrying == 0
    second = drain(senders, "w1", now=lambda: row.next_attempt_at)
    assert second.retrying == 1
    db.session.refresh(row)
    third = drain(senders, "w1", now=lambda: row.next_attempt_at)
    assert third.delivered == 1
    db.session.refresh(row)
    assert (row.status, row.attempts) == ("delivered", 3)
    codes = db.session.scalars(
        select(DeliveryAttempt.status_code).order_by(DeliveryAttempt.id)
    ).all()
    assert codes == [503, 503, 200]
    # Three tries of one message: the same id and the same bytes each time.
    assert _ids(receiver) == [row.id] * 3
    assert len({r.body for r in receiver.received}) == 1


def test_a_receiver_down_for_a_day_dead_letters_the_message(app, demo, receiving):
    receiving(Answer(500))
    now = utcnow()
    publish(demo.id, "session.completed", {"outcome": "cancelled"}, now, "ses_y")
    db.session.commit()
    senders = senders_for_app()
    drain(senders, "w1", now=lambda: now)
    late = now + timedelta(hours=25)
    assert drain(senders, "w1", now=lambda: late).dead == 1
    (row,) = _deliveries()
    assert row.status == "dead"


def _worker_env(app) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SENDGRID", "SAVEFLOW_"))}
    env.update(
        DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"],
        SAVEFLOW_ENCRYPTION_KEY=ENCRYPTION_KEY,
        SECRET_KEY="test-secret-key",
        SAVEFLOW_DELIVERY_LEASE_SECONDS="2",
        SAVEFLOW_WEBHOOK_TIMEOUT="30",
        PYTHONUNBUFFERED="1",
    )
    return env


def _flask(*args) -> list[str]:
    return [sys.executable, "-m", "flask", "--app", "wsgi", "saveflow", "worker", *args]


def test_a_worker_killed_mid_send_leaves_the_message_to_be_sent_again(app, demo, receiving):
    # The first request is held unanswered until the worker is gone; later ones get a 200.
    receiver, endpoint = receiving(Answer(hang=True), Answer(200))
    publish(demo.id, "session.completed", {"outcome": "cancelled"}, utcnow(), "ses_k")
    db.session.commit()
    worker = subprocess.Popen(
        _flask("--poll", "0.1"), cwd=ROOT, env=_worker_env(app), stdout=subprocess.DEVNULL
    )
    try:
        deadline = time.monotonic() + 30
        while not receiver.received and time.monotonic() < deadline:
            time.sleep(0.05)
        assert receiver.received, "the worker never sent the message"
    finally:
        worker.send_signal(signal.SIGKILL)
        worker.wait(10)
    (row,) = _deliveries()
    assert (row.status, row.attempts) == ("pending", 1)  # claimed, never settled
    db.session.rollback()  # SQLite: leave the write lock to the next worker

    time.sleep(2.1)  # the dead worker's lease runs out
    again = subprocess.run(
        _flask("--once"), cwd=ROOT, env=_worker_env(app), capture_output=True, text=True
    )
    assert again.returncode == 0, again.stderr
    db.session.expire_all()
    (row,) = _deliveries()
    assert (row.status, row.attempts) == ("delivered", 2)
    # The receiver saw the message twice under one delivery id: it keeps the first only.
    assert _ids(receiver) == [row.id, row.id]
    first, second = receiver.received
    assert first.body == second.body
    assert _verify(second, endpoint.secret)["id"] == row.id


@pytest.mark.skipif(
    not os.environ.get("TEST_DATABASE_URL", "").startswith("postgres"),
    reason="many workers share one outbox on PostgreSQL (SKIP LOCKED); SQLite runs one",
)
def test_two_workers_at_once_deliver_each_message_exactly_once(app, demo, receiving):
    receiver, _endpoint = receiving(Answer(200, delay=0.02))
    now = utcnow()
    for i in range(150):
        publish(demo.id, "session.completed", {"n": i}, now, f"ses_{i}")
    db.session.commit()
    workers = [
        subprocess.Popen(
            _flask("--once", "--batch", "5"),
            cwd=ROOT,
            env=_worker_env(app),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    for worker in workers:
        _out, err = worker.communicate(timeout=120)
        assert worker.returncode == 0, err
    ids = _ids(receiver)
    assert len(ids) == 150 and len(set(ids)) == 150
    db.session.expire_all()
    assert {d.status for d in _deliveries()} == {"delivered"}
    by_worker = db.session.execute(
        select(DeliveryAttempt.worker, func.count()).group_by(DeliveryAttempt.worker)
    ).all()
    assert len(by_worker) == 2, by_worker  # both took a share
    assert sum(n for _w, n in by_worker) == 150
