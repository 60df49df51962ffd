"""Decide pending saves: `confirmed` once V days pass with the subscription still on, `boomerang`
when a cancellation came within W days (webhooks usually said so already).

What billing said comes from webhooks. Where no webhook ever told saveflow the subscription's
state, it is read from Stripe once, when the save is old enough to decide; where the mode has no
Stripe connection (provider `none`) or Stripe does not know the subscription, the save is judged
by age alone. Safe on several machines at once: batches are read without locks, each save is
decided by a compare-and-set on `save_status = 'pending'` committed on its own, so it moves once
whichever run gets there first; a Stripe call never runs inside a transaction.
"""

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from sqlalchemy import Row, func, insert, select, tuple_, update

from saveflow.billing import facts, stripe_billing
from saveflow.billing.connections import Connection, load_connections
from saveflow.billing.settings import BillingSettings
from saveflow.domain_errors import BillingFailed
from saveflow.extensions import db
from saveflow.rollups import ledger
from saveflow.saves.rules import Billing, Save, SaveRules, decide
from saveflow.saves.sync import billing_of, sync
from saveflow.sessions.models import Session, SessionEvent


@dataclass
class Summary:
    examined: int = 0
    confirmed: int = 0
    boomerang: int = 0
    waiting: int = 0  # still pending: Stripe could not be read this time
    elsewhere: int = 0  # decided meanwhile by another run or a webhook
    read_from_stripe: int = 0
    by_age: int = 0  # no billing data at all: judged by age alone
    errors: list[str] = field(default_factory=list)


_COLUMNS = (
    Session.id,
    Session.app_id,
    Session.mode,
    Session.subscription,
    Session.currency,
    Session.outcome_at,
    Session.projected_revenue,
    Session.horizon_months,
)


def _due(now: datetime, rules: SaveRules):
    cutoff = now - timedelta(days=rules.confirm_days)
    return (Session.save_status == "pending", Session.outcome_at <= cutoff)


def due_count(now: datetime, rules: SaveRules) -> int:
    """Return how many pending saves are old enough to decide."""
    return db.session.scalar(select(func.count()).where(*_due(now, rules))) or 0


def _batch(now: datetime, rules: SaveRules, after: tuple | None, size: int) -> list[Row]:
    query = select(*_COLUMNS).where(*_due(now, rules))
    if after is not None:
        query = query.where(tuple_(Session.outcome_at, Session.id) > after)
    rows = db.session.execute(query.order_by(Session.outcome_at, Session.id).limit(size)).all()
    db.session.commit()  # end the read: no transaction stays open across the batch
    return list(rows)


def validate_saves(
    now: datetime,
    rules: SaveRules,
    settings: BillingSettings,
    batch: int = 200,
    progress: Callable[[int], object] | None = None,
) -> Summary:
    """Decide every pending save old enough; return what happened."""
    summary = Summary()
    run = _Run(now, rules, settings, summary)
    after = None
    while rows := _batch(now, rules, after, batch):
        for found in rows:
            run.decide(found)
            if progress is not None:
                progress(1)
        after = (rows[-1].outcome_at, rows[-1].id)
    return summary


class _Run:
    def __init__(self, now, rules: SaveRules, settings: BillingSettings, summary: Summary):
        self.now, self.rules, self.settings, self.summary = now, rules, settings, summary
        self.connections: dict[str, dict[str, Connection]] = {}

    def connection(self, app_id: str, mode: str) -> Connection | None:
        if app_id not in self.connections:
            self.connections[app_id] = load_connections(app_id)
            db.session.commit()
        found = self.connections[app_id].get(mode)
        return found if found is not None and found.provider == "stripe" else None

    def decide(self, found: Row) -> None:
        self.summary.examined += 1
        key = (found.app_id, found.mode, found.subscription)
        state = facts.find_state(*key)
        db.session.commit()
        source, read = "billing", None
        if state is None or state.state_at is None:
            # No webhook ever said how the subscription stands: ask Stripe, once, now.
            try:
                read = self.read_stripe(found)
            except BillingFailed as failure:
                self.summary.errors.append(f"{found.id}: {failure.message}")
                self.summary.waiting += 1
                return
            source = "stripe" if read is not None else "age"
        billing, changed = None, {}
        if state is not None or read is not None:
            locked = facts.lock_state(*key, self.now)
            if read is not None:
                news = facts.read_subscription(read, self.now)
                facts.merge_state(locked, news, self.now, "api")
            changed = sync(locked, self.rules, self.now, {"by": "validate-saves", "source": source})
            billing = billing_of(locked)
            db.session.commit()
        if "save_boomerang" in changed.get(found.id, ()):
            self.summary.boomerang += 1
            return
        self.settle(found, billing, source)

    def read_stripe(self, found: Row) -> dict | None:
        """Return the subscription as Stripe has it; None without a connection or such a one."""
        connection = self.connection(found.app_id, found.mode)
        if connection is None:
            return None
        read = stripe_billing.subscription_state(connection, self.settings, found.subscription)
        if read is not None:
            self.summary.read_from_stripe += 1
        return read

    def settle(self, found: Row, billing: Billing | None, source: str) -> None:
        save = Save(
            found.id,
            found.outcome_at,
            found.currency,
            found.projected_revenue or 0,
            found.horizon_months or 1,
        )
        decision = decide(save, billing, self.now, self.rules)
        if decision is None:
            self.summary.waiting += 1
        elif decision == "confirmed" and confirm(
            found.id, self.now, {"by": "validate-saves", "source": source}
        ):
            self.summary.confirmed += 1
            self.summary.by_age += source == "age"
        else:
            # A boomerang someone else's sync already marked, or another run confirmed first.
            self.summary.elsewhere += 1


def confirm(session_id: str, now: datetime, data: dict) -> bool:
    """Move one pending save to confirmed with its event, in one commit; False if it had moved."""
    moved = db.session.execute(
        update(Session)
        .where(Session.id == session_id, Session.save_status == "pending")
        .values(save_status="confirmed", save_status_at=now, event_seq=Session.event_seq + 1)
        .returning(Session.event_seq, *ledger.fact_columns(Session))
    ).first()
    if moved is not None:
        after = ledger.Facts.of(moved)
        ledger.track(replace(after, save_status="pending"), after)
        db.session.execute(
            insert(SessionEvent).values(
                app_id=moved.app_id,
                session_id=session_id,
                seq=moved.event_seq,
                type="save_confirmed",
                data=data,
                at=now,
            )
        )
    db.session.commit()
    return moved is not None
