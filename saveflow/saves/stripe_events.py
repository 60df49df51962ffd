"""What each Stripe event does to saveflow's sessions, once per event, in any order of arrival.

- `invoice.paid` / `invoice.payment_succeeded`: the invoice is stored once (by id) and counts
  toward realized saved revenue (see `saveflow.saves.rules`).
- `invoice.payment_failed`: the subscription's saves are flagged at involuntary risk until a
  later payment succeeds.
- `customer.subscription.updated` / `.deleted`: the newest state is kept; a cancellation asked
  for within W days of a save makes it a boomerang, cut at the actual end. An update from
  past_due/unpaid to active completes an open session in payment recovery as `recovered`.
- `customer.subscription.paused` / `.resumed`: logged on the saves; no money effect.
Events about subscriptions without a session, and other types, are acknowledged and ignored.
"""

from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import select

from saveflow.billing import facts
from saveflow.billing.models import BillingEvent, SubscriptionState
from saveflow.billing.webhooks import claim
from saveflow.extensions import db
from saveflow.saves.rules import SaveRules
from saveflow.saves.sync import saves_of, sync
from saveflow.sessions import outcomes
from saveflow.sessions.events import record
from saveflow.sessions.flow import PAST_DUE
from saveflow.sessions.models import Session, SessionEvent

DUPLICATE = {"received": True, "duplicate": True}
# How far Stripe's clock and ours may disagree when asking whether a recovery came after a start.
CLOCK_SKEW = timedelta(minutes=5)
SUBSCRIPTION_EVENTS = {
    "customer.subscription.updated": "updated",
    "customer.subscription.deleted": "deleted",
    "customer.subscription.paused": "paused",
    "customer.subscription.resumed": "resumed",
}
INVOICE_EVENTS = ("invoice.paid", "invoice.payment_succeeded", "invoice.payment_failed")


class Context:
    """One event being applied to one locked subscription."""

    def __init__(self, app_id: str, event: dict, state: SubscriptionState, now: datetime):
        self.app_id, self.event, self.state, self.now = app_id, event, state, now
        self.object: dict = event["data"]["object"]
        created = facts.moment(event["created"])
        assert created is not None  # billing.webhooks.verify checked it
        self.at = created
        self.cause = {"stripe_event": event["id"], "event_type": event["type"]}
        self.note: str | None = None


def handle(app_id: str, mode: str, event: dict, rules: SaveRules, now: datetime) -> dict:
    """Apply one verified event (the caller commits); return the webhook's reply."""
    claimed = claim(app_id, mode, event, now)
    if claimed is None:
        return DUPLICATE
    kind, obj = event["type"], event["data"]["object"]
    if kind in SUBSCRIPTION_EVENTS:
        subscription = facts.object_id(obj.get("id"))
    elif kind in INVOICE_EVENTS:
        subscription = facts.invoice_subscription(obj)
    else:
        return _ignore(claimed, "saveflow does not use this event type")
    claimed.subscription = subscription
    if subscription is None:
        return _ignore(claimed, "the event names no subscription")
    if not _known(app_id, mode, subscription):
        return _ignore(claimed, "no session for this subscription")
    context = Context(app_id, event, facts.lock_state(app_id, mode, subscription, now), now)
    HANDLERS[kind](context)
    sync(context.state, rules, now, context.cause)
    claimed.outcome, claimed.note = "applied", context.note
    return {"received": True, "duplicate": False}


def _ignore(claimed: BillingEvent, why: str) -> dict:
    claimed.outcome, claimed.note = "ignored", why
    return {"received": True, "duplicate": False, "ignored": why}


def _known(app_id: str, mode: str, subscription: str) -> bool:
    return (
        db.session.scalar(
            select(Session.id)
            .where(
                Session.app_id == app_id,
                Session.mode == mode,
                Session.subscription == subscription,
            )
            .limit(1)
        )
        is not None
    )


def invoice_paid(context: Context) -> None:
    payment = facts.read_payment(context.object, context.at)
    if payment is None:
        context.note = "the invoice has no readable amount or currency"
        return
    if not facts.note_payment(context.state, payment, context.event["id"], context.now):
        context.note = "invoice already counted"


def payment_failed(context: Context) -> None:
    facts.note_failure(context.state, context.at)


def subscription_changed(context: Context) -> None:
    kind = SUBSCRIPTION_EVENTS[context.event["type"]]
    news = facts.read_subscription(context.object, context.at, deleted=kind == "deleted")
    if not facts.merge_state(context.state, news, context.at, "webhook"):
        context.note = "older than the state held"
    if kind in ("paused", "resumed"):
        for session in saves_of(context.state):
            record(session, f"subscription_{kind}", dict(context.cause), at=context.now)
    if kind == "updated":
        _recover(context)


def _recover(context: Context) -> None:
    """Finish open sessions in payment recovery if this update is the payment going through."""
    previous = context.event["data"].get("previous_attributes")
    was = previous.get("status") if isinstance(previous, dict) else None
    if not isinstance(was, str) or was not in PAST_DUE or context.object.get("status") != "active":
        return
    if context.state.status in PAST_DUE:
        return  # a newer event already says the payment failed again
    state = context.state
    sessions = db.session.scalars(
        select(Session)
        .where(
            Session.app_id == state.app_id,
            Session.mode == state.mode,
            Session.subscription == state.subscription,
            Session.outcome.is_(None),
        )
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    for session in sessions:
        # A recovery older than the session is about an earlier failure, not this one.
        if session.created_at > context.at + CLOCK_SKEW or not _in_recovery(session):
            continue
        outcomes.recover(context.app_id, session, context.now, dict(context.cause))


def _in_recovery(session: Session) -> bool:
    if session.step == "payment_recovery":
        return True
    opened = db.session.scalar(
        select(SessionEvent.id)
        .where(
            SessionEvent.session_id == session.id,
            SessionEvent.type == "payment_recovery_opened",
        )
        .limit(1)
    )
    return opened is not None


HANDLERS: dict[str, Callable[[Context], None]] = {
    "invoice.paid": invoice_paid,
    "invoice.payment_succeeded": invoice_paid,
    "invoice.payment_failed": payment_failed,
    **{kind: subscription_changed for kind in SUBSCRIPTION_EVENTS},
}
