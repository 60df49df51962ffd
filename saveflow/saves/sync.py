"""Bring a subscription's saves up to date with what billing said, logging each change on them.

Every figure is recomputed from the stored facts (subscription state, paid invoices), never
added to, so the result is the same whatever order the news came in. The caller holds the
subscription's state row locked (`facts.lock_state`).
"""

from datetime import datetime

from sqlalchemy import select

from saveflow.billing.facts import payments_of
from saveflow.billing.models import SubscriptionState
from saveflow.extensions import db
from saveflow.rollups import ledger
from saveflow.saves.rules import Billing, Payment, Save, SaveRules, Verdict, verdicts
from saveflow.sessions.events import record
from saveflow.sessions.models import SAVES, Session


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def billing_of(state: SubscriptionState) -> Billing:
    """Return the stored facts about a subscription as the rules take them."""
    return Billing(
        known=state.state_at is not None,
        cancel_requested_at=state.cancel_requested_at,
        ends_at=state.ends_at,
        payment_failed_at=state.payment_failed_at,
        payments=tuple(
            Payment(p.invoice_id, p.amount_paid, p.currency, p.paid_at) for p in payments_of(state)
        ),
    )


def save_of(session: Session) -> Save:
    """Return a decided save as the rules take it."""
    assert session.outcome_at is not None  # only saves, which are decided, come here
    return Save(
        session_id=session.id,
        saved_at=session.outcome_at,
        currency=session.currency,
        projected_revenue=session.projected_revenue or 0,
        horizon_months=session.horizon_months or 1,
    )


def saves_of(state: SubscriptionState) -> list[Session]:
    """Return the subscription's saved and withdrawn sessions, locked, oldest first."""
    return list(
        db.session.scalars(
            select(Session)
            .where(
                Session.app_id == state.app_id,
                Session.mode == state.mode,
                Session.subscription == state.subscription,
                Session.outcome.in_(SAVES),
            )
            .order_by(Session.outcome_at, Session.id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
    )


def sync(
    state: SubscriptionState, rules: SaveRules, now: datetime, cause: dict
) -> dict[str, list[str]]:
    """Recompute the subscription's saves from the stored facts; return each one's changes."""
    sessions = saves_of(state)
    if not sessions:
        return {}
    found = verdicts([save_of(s) for s in sessions], billing_of(state), rules)
    return {s.id: apply(s, found[s.id], now, cause) for s in sessions}


def apply(session: Session, verdict: Verdict, now: datetime, cause: dict) -> list[str]:
    """Write a verdict on a save, with an event for each change; return the events' types."""
    before = ledger.Facts.of(session)
    changes: list[tuple[str, dict]] = []
    if session.realized_revenue != verdict.realized_revenue:
        changes.append(
            (
                "realized_revenue",
                {
                    "realized_revenue": verdict.realized_revenue,
                    "change": verdict.realized_revenue - session.realized_revenue,
                    "currency": session.currency,
                    "invoices": list(verdict.invoices),
                },
            )
        )
        session.realized_revenue = verdict.realized_revenue
    if session.payment_failed_at != verdict.payment_failed_at:
        kind = "payment_failed" if verdict.payment_failed_at else "payment_risk_cleared"
        changes.append((kind, {"payment_failed_at": _iso(verdict.payment_failed_at)}))
        session.payment_failed_at = verdict.payment_failed_at
    was = session.save_status
    status = "boomerang" if verdict.boomerang else ("pending" if was == "boomerang" else was)
    end_moved = session.ended_at != verdict.ended_at
    cut_moved = session.projected_revenue_cut != verdict.projected_revenue_cut
    session.ended_at = verdict.ended_at
    session.projected_revenue_cut = verdict.projected_revenue_cut
    session.months_kept = ledger.kept_for(session.outcome_at, verdict.ended_at)
    if status != was:
        session.save_status, session.save_status_at = status, now
        # A cancellation taken back: pending again, until validate-saves decides it afresh.
        kind = "save_boomerang" if status == "boomerang" else "save_reopened"
        changes.append((kind, _end_data(session, was)))
    elif end_moved or cut_moved:
        changes.append(("subscription_end", _end_data(session, was)))
    for kind, data in changes:
        record(session, kind, {**data, **cause}, at=now)
    ledger.track(before, ledger.Facts.of(session))
    return [kind for kind, _ in changes]


def _end_data(session: Session, was: str | None) -> dict:
    return {
        "save_status": session.save_status,
        "was": was,
        "ended_at": _iso(session.ended_at),
        "projected_revenue_cut": session.projected_revenue_cut,
    }
