"""What billing says about a subscription, read from Stripe's objects and merged so the newest wins.

Webhooks arrive late, twice or out of order. Each fact is merged so that the order of arrival
does not change the result: a subscription's state carries the provider's time of the event that
set it and is replaced only by a state at least as new (and an ended subscription stays ended);
a failed payment keeps the newest time seen; a paid invoice is stored once per invoice id,
whichever of `invoice.paid` and `invoice.payment_succeeded` brought it first.

The readers take Stripe's JSON as plain dicts and never trust its shape: a field of the wrong
type reads as missing.
"""

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from saveflow import text
from saveflow.billing.models import PaidInvoice, SubscriptionState
from saveflow.billing.schemas import LATEST_TIMESTAMP
from saveflow.extensions import db

# Stripe statuses after which a subscription never comes back.
ENDED = frozenset({"canceled", "incomplete_expired"})


def moment(value: Any) -> datetime | None:
    """Return a Stripe timestamp (Unix seconds) as an aware datetime, or None if it is not one."""
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value <= LATEST_TIMESTAMP:
        return None
    return datetime.fromtimestamp(value, UTC)


def object_id(value: Any, limit: int = 200) -> str | None:
    """Return a Stripe id given as a string or an expanded object, if it is one we can store."""
    if isinstance(value, dict):
        value = value.get("id")
    if not isinstance(value, str) or not 1 <= len(value) <= limit or not text.is_clean(value):
        return None
    return value


def _dig(value: Any, *path: str | int) -> Any:
    for step in path:
        if isinstance(step, int):
            value = value[step] if isinstance(value, list) and len(value) > step else None
        else:
            value = value.get(step) if isinstance(value, dict) else None
    return value


@dataclass(frozen=True)
class SubscriptionNews:
    """One reading of a subscription: its status and whether (and when) it is cancelled."""

    status: str | None
    ended: bool
    cancelling: bool
    cancel_requested_at: datetime | None  # Stripe's `canceled_at`: when the cancel was asked for
    ends_at: datetime | None  # the actual or scheduled end


def read_subscription(sub: dict, at: datetime, deleted: bool = False) -> SubscriptionNews:
    """Read a subscription object (webhook `data.object`, or a subscription read from Stripe)."""
    status = sub.get("status") if isinstance(sub.get("status"), str) else None
    ended_at = moment(sub.get("ended_at"))
    ended = deleted or status in ENDED or ended_at is not None
    cancel_at = moment(sub.get("cancel_at"))
    at_period_end = sub.get("cancel_at_period_end") is True
    period_end = moment(sub.get("current_period_end")) or moment(
        _dig(sub, "items", "data", 0, "current_period_end")
    )
    requested = moment(sub.get("canceled_at"))
    ends_at: datetime | None
    if ended:
        ends_at = ended_at or requested or at
    else:
        ends_at = cancel_at or (period_end if at_period_end else None)
    return SubscriptionNews(
        status=status[:40] if status else None,
        ended=ended,
        cancelling=ended or at_period_end or cancel_at is not None,
        cancel_requested_at=requested,
        ends_at=ends_at,
    )


def invoice_subscription(invoice: dict) -> str | None:
    """Return the subscription an invoice bills (legacy `subscription`, or its `parent`)."""
    return object_id(invoice.get("subscription")) or object_id(
        _dig(invoice, "parent", "subscription_details", "subscription")
    )


@dataclass(frozen=True)
class InvoicePayment:
    invoice_id: str
    amount_paid: int
    currency: str
    paid_at: datetime


def read_payment(invoice: dict, at: datetime) -> InvoicePayment | None:
    """Read a paid invoice; None if it lacks an id, a sane amount or a currency."""
    invoice_id = object_id(invoice.get("id"), 255)
    amount = invoice.get("amount_paid")
    currency = invoice.get("currency")
    if (
        invoice_id is None
        or isinstance(amount, bool)
        or not isinstance(amount, int)
        or not 0 <= amount <= 10**13
        or not isinstance(currency, str)
        or len(currency) != 3
        or not currency.isascii()
        or not currency.isalpha()
    ):
        return None
    paid_at = moment(_dig(invoice, "status_transitions", "paid_at")) or at
    return InvoicePayment(invoice_id, amount, currency.lower(), paid_at)


def _insert(dialect: str):
    return pg_insert if dialect == "postgresql" else sqlite_insert


def lock_state(app_id: str, mode: str, subscription: str, now: datetime) -> SubscriptionState:
    """Return the subscription's state row, created if new, locked until the transaction ends.

    Every writer of a subscription's facts and of its sessions' save figures takes this lock
    first, so events about one subscription apply one at a time (SQLite: the write lock).
    """
    dialect = db.session.get_bind().dialect.name
    db.session.execute(
        _insert(dialect)(SubscriptionState)
        .values(app_id=app_id, mode=mode, subscription=subscription, ended=False, updated_at=now)
        .on_conflict_do_nothing()
    )
    state = db.session.scalars(
        select(SubscriptionState)
        .where(
            SubscriptionState.app_id == app_id,
            SubscriptionState.mode == mode,
            SubscriptionState.subscription == subscription,
        )
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one()
    return state


def find_state(app_id: str, mode: str, subscription: str) -> SubscriptionState | None:
    """Return the subscription's state row without locking it, if saveflow has one."""
    return db.session.get(SubscriptionState, (app_id, mode, subscription))


def merge_state(
    state: SubscriptionState, news: SubscriptionNews, at: datetime, source: str
) -> bool:
    """Take `news`, dated `at`, into the locked state unless the state holds newer; return if taken.

    On a tie (Stripe's times have whole seconds) the later arrival wins; an ended subscription
    only ever takes news of its end.
    """
    if state.state_at is not None and (at < state.state_at or (state.ended and not news.ended)):
        return False
    requested = news.cancel_requested_at
    if news.cancelling and requested is None:
        # Without Stripe's own `canceled_at`, the first news of the cancellation dates it.
        requested = state.cancel_requested_at if state.cancel_requested_at else at
    state.status = news.status
    state.ended = news.ended
    state.cancel_requested_at = requested if news.cancelling else None
    state.ends_at = news.ends_at if news.cancelling else None
    state.state_at, state.state_source = at, source
    return True


def note_failure(state: SubscriptionState, at: datetime) -> bool:
    """Keep the newest failed payment time; return whether it moved."""
    if state.payment_failed_at is not None and state.payment_failed_at >= at:
        return False
    state.payment_failed_at = at
    return True


def note_payment(
    state: SubscriptionState, payment: InvoicePayment, event_id: str, now: datetime
) -> bool:
    """Store a paid invoice once per invoice id; return whether it was new."""
    dialect = db.session.get_bind().dialect.name
    stored = db.session.execute(
        _insert(dialect)(PaidInvoice)
        .values(
            app_id=state.app_id,
            invoice_id=payment.invoice_id,
            mode=state.mode,
            subscription=state.subscription,
            amount_paid=payment.amount_paid,
            currency=payment.currency,
            paid_at=payment.paid_at,
            event_id=event_id,
            received_at=now,
        )
        .on_conflict_do_nothing()
        .returning(PaidInvoice.invoice_id)
    ).first()
    return stored is not None


def payments_of(state: SubscriptionState) -> list[PaidInvoice]:
    """Return the subscription's paid invoices, oldest payment first."""
    return list(
        db.session.scalars(
            select(PaidInvoice)
            .where(
                PaidInvoice.app_id == state.app_id,
                PaidInvoice.mode == state.mode,
                PaidInvoice.subscription == state.subscription,
            )
            .order_by(PaidInvoice.paid_at, PaidInvoice.invoice_id)
        )
    )
