"""The outbox: queueing once per cause, claiming under a lease, settling, backoff and dead letters."""

import random
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from saveflow.db import utcnow
from saveflow.extensions import db
from saveflow.messaging import outbox
from saveflow.messaging.models import Delivery, DeliveryAttempt
from saveflow.messaging.outbox import Outcome


def _queue(app_id, key="k1", now=None, **kwargs):
    return outbox.enqueue(
        app_id,
        "email",
        "cancel_receipt",
        key,
        {"subject": "s", "html": "<p>h</p>", "text": "t"},
        now or utcnow(),
        recipient="ada@example.com",
        **kwargs,
    )


def _count(**where) -> int:
    query = select(func.count()).select_from(Delivery)
    for column, value in where.items():
        query = query.where(getattr(Delivery, column) == value)
    return db.session.scalar(query)


def test_the_same_cause_is_queued_once(demo):
    assert _queue(demo.id) is True
    assert _queue(demo.id) is False
    assert _queue(demo.id, key="k2") is True
    db.session.commit()
    assert _count() == 2


def test_a_rolled_back_change_leaves_no_message(demo):
    _queue(demo.id)
    db.session.rollback()
    assert _count() == 0


def test_claim_leases_each_row_to_one_worker_and_counts_the_attempt(demo):
    now = utcnow()
    _queue(demo.id, now=now)
    db.session.commit()
    first = outbox.claim(now, lease=timedelta(seconds=60))
    assert [d.attempts for d in first] == [1]
    assert first[0].lease_until == now + timedelta(seconds=60)
    # Still leased: nobody else gets it, even well after it fell due.
    assert outbox.claim(now + timedelta(seconds=59)) == []
    # The lease ran out (the worker died mid-send): it is due again, as a second attempt.
    again = outbox.claim(now + timedelta(seconds=61))
    assert [(d.id, d.attempts) for d in again] == [(first[0].id, 2)]


def test_claim_takes_only_due_rows_oldest_first_up_to_the_limit(demo):
    now = utcnow()
    for i in range(5):
        _queue(demo.id, key=f"k{i}", now=now + timedelta(seconds=i))
    _queue(demo.id, key="later", now=now + timedelta(hours=1))
    db.session.commit()
    claimed = outbox.claim(now + timedelta(seconds=10), limit=3)
    assert [d.dedupe_key for d in claimed] == ["k0", "k1", "k2"]
    rest = outbox.claim(now + timedelta(seconds=10), limit=10)
    assert [d.dedupe_key for d in rest] == ["k3", "k4"]


def test_success_settles_delivered_with_its_attempt(demo):
    now = utcnow()
    _queue(demo.id, now=now)
    db.session.commit()
    (claimed,) = outbox.claim(now)
    status = outbox.settle(claimed, Outcome(ok=True, backend="log", duration_ms=7), now, "w1")
    assert status == "delivered"
    row = db.session.get(Delivery, claimed.id)
    db.session.refresh(row)
    assert (row.status, row.backend, row.settled_at, row.lease_until) == (
        "delivered",
        "log",
        now,
        None,
    )
    attempt = db.session.scalars(select(DeliveryAttempt)).one()
    assert (attempt.ok, attempt.duration_ms, attempt.worker) == (True, 7, "w1")
    assert outbox.claim(now + timedelta(days=1)) == []


def test_a_failure_waits_with_backoff_then_dead_letters_after_a_day(demo):
    now = utcnow()
    _queue(demo.id, now=now)
    db.session.commit()
    (claimed,) = outbox.claim(now)
    status = outbox.settle(claimed, Outcome(ok=False, backend="http", error="503"), now, "w1")
    row = db.session.get(Delivery, claimed.id)
    db.session.refresh(row)
    assert status == "pending" and row.last_error == "503"
    # First retry: 30 s with jitter over its upper half.
    assert now + timedelta(seconds=15) <= row.next_attempt_at <= now + timedelta(seconds=30)
    late = now + timedelta(hours=24)
    (again,) = outbox.claim(late)
    assert outbox.settle(again, Outcome(ok=False, backend="http", error="503"), late, "w1") == "dead"
    db.session.refresh(row)
    assert (row.status, row.settled_at, row.attempts) == ("dead", late, 2)
    assert outbox.claim(late + timedelta(days=2)) == []


def test_a_permanent_refusal_dead_letters_at_once(demo):
    now = utcnow()
    _queue(demo.id, now=now)
    db.session.commit()
    (claimed,) = outbox.claim(now)
    outcome = Outcome(ok=False, backend="sendgrid", status_code=400, error="bad", permanent=True)
    assert outbox.settle(claimed, outcome, now, "w1") == "dead"


def test_nothing_to_send_to_is_skipped_not_retried(demo):
    now = utcnow()
    _queue(demo.id, now=now)
    db.session.commit()
    (claimed,) = outbox.claim(now)
    outcome = Outcome(ok=False, backend="none", skipped=True, error="no address")
    assert outbox.settle(claimed, outcome, now, "w1") == "skipped"
    row = db.session.get(Delivery, claimed.id)
    db.session.refresh(row)
    assert (row.status, row.last_error) == ("skipped", "no address")


def test_a_worker_that_lost_its_lease_does_not_undo_the_other_workers_result(demo):
    now = utcnow()
    _queue(demo.id, now=now)
    db.session.commit()
    (slow,) = outbox.claim(now, lease=timedelta(seconds=1))
    (fast,) = outbox.claim(now + timedelta(seconds=2))
    assert outbox.settle(fast, Outcome(ok=True, backend="http"), now, "fast") == "delivered"
    outbox.settle(slow, Outcome(ok=False, backend="http", error="timeout"), now, "slow")
    row = db.session.get(Delivery, fast.id)
    db.session.refresh(row)
    assert row.status == "delivered"
    assert db.session.scalar(select(func.count()).select_from(DeliveryAttempt)) == 2


@pytest.mark.parametrize(
    ("attempts", "ceiling"),
    [(1, 30), (2, 60), (3, 120), (6, 960), (8, 3840), (9, 7200), (30, 7200)],
)
def test_backoff_doubles_to_two_hours_with_jitter(attempts, ceiling):
    waits = [outbox.backoff(attempts, random.Random(seed)) for seed in range(200)]
    assert all(timedelta(seconds=ceiling / 2) <= w <= timedelta(seconds=ceiling) for w in waits)
    assert len(set(waits)) > 100  # jitter spreads workers that failed together


def test_retry_now_puts_a_dead_message_back_with_a_fresh_day(demo):
    now = utcnow()
    _queue(demo.id, now=now)
    db.session.commit()
    (claimed,) = outbox.claim(now)
    outbox.settle(claimed, Outcome(ok=False, backend="http", permanent=True), now, "w1")
    later = now + timedelta(hours=30)
    assert outbox.retry_now(claimed.id, demo.id, later) is True
    db.session.commit()
    row = db.session.get(Delivery, claimed.id)
    db.session.refresh(row)
    assert (row.status, row.next_attempt_at, row.give_up_at, row.settled_at) == (
        "pending",
        later,
        later + timedelta(hours=24),
        None,
    )
    assert [d.id for d in outbox.claim(later)] == [claimed.id]


def test_retry_now_refuses_delivered_messages_and_other_apps(demo):
    now = utcnow()
    _queue(demo.id, now=now)
    db.session.commit()
    (claimed,) = outbox.claim(now)
    assert outbox.retry_now(claimed.id, "app_other", now) is False
    outbox.settle(claimed, Outcome(ok=True, backend="log"), now, "w1")
    assert outbox.retry_now(claimed.id, demo.id, now) is False
