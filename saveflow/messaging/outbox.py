"""Queue messages in the caller's transaction; claim, settle and retry them for the worker.

A message is queued by the same transaction as the change that causes it, so it exists exactly
when the change does. Workers claim due rows with `FOR UPDATE SKIP LOCKED` on PostgreSQL (any
number of them, on any number of machines) and hold each under a lease while sending: a worker
that dies mid-send lets the row fall due again when its lease ends, and the receiver tells the
second copy from the first by its delivery id.
"""

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import cast

from sqlalchemy import Table, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from saveflow.db import new_id
from saveflow.extensions import db
from saveflow.messaging.models import Delivery, DeliveryAttempt

GIVE_UP_AFTER = timedelta(hours=24)
LEASE = timedelta(seconds=120)
FIRST_RETRY = timedelta(seconds=30)
LONGEST_WAIT = timedelta(hours=2)


def new_delivery_id() -> str:
    """Return a fresh delivery id (what a receiver de-duplicates on)."""
    return new_id("dlv")


def enqueue(
    app_id: str,
    channel: str,
    event: str,
    dedupe_key: str,
    payload: dict,
    now: datetime,
    *,
    endpoint_id: str | None = None,
    session_id: str | None = None,
    mode: str = "live",
    recipient: str | None = None,
    delivery_id: str | None = None,
) -> bool:
    """Queue one message in the current transaction; False if its dedupe key is queued already."""
    values = dict(
        id=delivery_id or new_delivery_id(),
        app_id=app_id,
        channel=channel,
        event=event,
        dedupe_key=dedupe_key,
        endpoint_id=endpoint_id,
        session_id=session_id,
        mode=mode,
        recipient=recipient,
        payload=payload,
        status="pending",
        attempts=0,
        next_attempt_at=now,
        give_up_at=now + GIVE_UP_AFTER,
        created_at=now,
    )
    dialect = db.session.get_bind().dialect.name
    make = pg_insert if dialect == "postgresql" else sqlite_insert
    table = cast(Table, Delivery.__table__)
    stmt = (
        make(table)
        .values(**values)
        .on_conflict_do_nothing(index_elements=["app_id", "dedupe_key"])
        .returning(table.c.id)
    )
    return db.session.execute(stmt).first() is not None


def claim(now: datetime, limit: int = 20, lease: timedelta = LEASE) -> list[Delivery]:
    """Take up to `limit` due messages for this worker and commit the claim.

    Each claimed row counts one more attempt and is leased until `now + lease`.
    """
    due = (
        select(Delivery.id)
        .where(Delivery.status == "pending", Delivery.next_attempt_at <= now)
        .where((Delivery.lease_until.is_(None)) | (Delivery.lease_until <= now))
        .order_by(Delivery.next_attempt_at)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    ids = list(db.session.scalars(due))
    if not ids:
        db.session.rollback()
        return []
    db.session.execute(
        update(Delivery)
        .where(Delivery.id.in_(ids))
        .values(lease_until=now + lease, attempts=Delivery.attempts + 1)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    rows = db.session.scalars(
        select(Delivery).where(Delivery.id.in_(ids)).order_by(Delivery.next_attempt_at)
    ).all()
    return list(rows)


@dataclass(frozen=True)
class Outcome:
    """What one send did: delivered, or failed (for good when `permanent`)."""

    ok: bool
    backend: str
    status_code: int | None = None
    error: str | None = None
    permanent: bool = False
    skipped: bool = False
    duration_ms: int = 0


def backoff(attempts: int, rng: random.Random | None = None) -> timedelta:
    """Return the wait before the next try: doubling from 30 s up to 2 h, with full jitter
    over its upper half so workers that failed together do not retry together."""
    ceiling = min(FIRST_RETRY * (2 ** max(attempts - 1, 0)), LONGEST_WAIT)
    share = (rng or random).uniform(0.5, 1.0)
    return ceiling * share


def settle(delivery: Delivery, outcome: Outcome, now: datetime, worker: str) -> str:
    """Record an attempt and the message's new state; return that status. Commits.

    A row whose lease this worker lost (it took too long, and another worker re-claimed it and
    settled it first) is left as the other worker settled it; the attempt is still recorded.
    """
    db.session.add(
        DeliveryAttempt(
            delivery_id=delivery.id,
            at=now,
            ok=outcome.ok,
            status_code=outcome.status_code,
            error=(outcome.error or None) and outcome.error[:2000],
            duration_ms=outcome.duration_ms,
            worker=worker[:120],
        )
    )
    if outcome.ok or outcome.skipped:
        status, values = (
            "skipped" if outcome.skipped else "delivered",
            {"settled_at": now, "lease_until": None, "backend": outcome.backend},
        )
        if outcome.skipped:
            values["last_error"] = outcome.error
    elif outcome.permanent or now >= delivery.give_up_at:
        status, values = "dead", {"settled_at": now, "lease_until": None}
        values["last_error"] = outcome.error
    else:
        status = "pending"
        values = {
            "next_attempt_at": now + backoff(delivery.attempts),
            "lease_until": None,
            "last_error": outcome.error,
        }
    db.session.execute(
        update(Delivery)
        .where(Delivery.id == delivery.id, Delivery.status == "pending")
        .values(status=status, **values)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return status


def retry_now(delivery_id: str, app_id: str, now: datetime) -> bool:
    """Put a dead (or still pending) message back in line now, with a fresh 24 hours; the
    caller commits. False if there is no such message or it was delivered."""
    done = db.session.execute(
        update(Delivery)
        .where(
            Delivery.id == delivery_id,
            Delivery.app_id == app_id,
            Delivery.status.in_(("dead", "pending")),
        )
        .values(
            status="pending",
            next_attempt_at=now,
            lease_until=None,
            give_up_at=now + GIVE_UP_AFTER,
            settled_at=None,
        )
        .execution_options(synchronize_session=False)
    )
    return bool(getattr(done, "rowcount", 0))
