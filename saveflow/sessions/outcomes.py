"""Terminal transitions: accept, withdraw, cancel, abandon — each exactly once per session.

A repeated call with the same meaning returns the stored result; any other call on a finished
session is a conflict. The outcome is written with a compare-and-set so two racing requests
cannot both finish a session.
"""

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select, update

from saveflow.apps.audit import audit
from saveflow.apps.models import App
from saveflow.domain_errors import BillingFailed
from saveflow.extensions import db
from saveflow.messaging import notify
from saveflow.offers import service as offers
from saveflow.offers.models import OfferAcceptance
from saveflow.offers.types import projected_revenue
from saveflow.rollups import ledger
from saveflow.sessions import present
from saveflow.sessions.events import record
from saveflow.sessions.flow import billing_for, conflict, presented_position
from saveflow.sessions.models import SAVES, Session, SessionEvent
from saveflow.sessions.setup_cache import setup_for


def _replay(session: Session, outcome: str, offer_key: str | None = None) -> dict:
    """Return the stored result if this call repeats the one that finished the session."""
    if session.outcome == outcome and session.accepted_offer_key == offer_key:
        assert session.result is not None  # every outcome is stored together with its result
        return session.result
    raise conflict(f"This session has ended with outcome {session.outcome!r}.")


def _offer_type(app: App):
    offers = setup_for(app).offers
    return lambda key: offers[key].type if key in offers else None


def _stamp(app: App, session: Session, outcome: str, result: dict, now: datetime, **values) -> bool:
    """Stamp the one outcome of a session unless another request got there first, and count it
    in the report rollups in the same transaction."""
    if outcome in SAVES:
        # A save starts pending; billing's news later confirms it or makes it a boomerang.
        values.update(save_status="pending", save_status_at=now)
    values.update(
        ledger.decision_values(
            session,
            outcome,
            now,
            ledger.timezone_of(app.settings),
            _offer_type(app),
            accepted=values.get("accepted_offer_key"),
        )
    )
    stmt = (
        update(Session)
        .where(Session.id == session.id, Session.outcome.is_(None))
        .values(
            outcome=outcome, outcome_at=now, step="done", result=result, last_seen_at=now, **values
        )
        .returning(*ledger.fact_columns(Session))
        .execution_options(synchronize_session=False)
    )
    done = db.session.execute(stmt).first()
    if done is None:
        return False
    ledger.track(None, ledger.Facts.of(done))
    db.session.expire(session)
    record(session, outcome, {k: v for k, v in result.items() if k != "session_id"}, at=now)
    notify.session_decided(app, session, now)
    return True


def _finish(
    app: App, session: Session, outcome: str, result: dict, now: datetime, **values
) -> dict:
    """Stamp the one outcome of a session, or fail if another request got there first."""
    if not _stamp(app, session, outcome, result, now, **values):
        db.session.rollback()
        raise conflict("This session was finished by another request.")
    return result


def _note_failure(session: Session, action: str, failure: BillingFailed, now, **data) -> None:
    """Log a failed billing call on the session (the caller commits it); the session stays open."""
    record(
        session,
        "billing_failed",
        {"action": action, "code": failure.code, **data, **failure.errors},
        at=now,
    )


def horizon_months(app: App) -> int:
    """Return the app's revenue horizon H in months (its setting, else the deployment's)."""
    return int(app.settings.get("horizon_months") or current_app.config["SAVEFLOW_HORIZON_MONTHS"])


def _revenue_values(app: App, session: Session, offer=None) -> dict:
    booked = projected_revenue(
        session.snapshot, offer and offer.type, offer and offer.params, horizon_months(app)
    )
    return {
        "saved_mrr": booked.saved_mrr,
        "projected_revenue": booked.projected_revenue,
        "offer_cost": booked.offer_cost,
        "horizon_months": booked.horizon_months,
    }


def accept(app: App, session: Session, offer_key: str, now: datetime) -> dict:
    """Apply the offer on show in billing (once) and book the save."""
    if not session.is_open:
        return _replay(session, "saved", offer_key)
    position = presented_position(app, session, offer_key)
    if position != session.offer_index:
        raise conflict("That offer was already declined.")
    offer = offers.find_offer(app.id, offer_key)
    assert offer is not None  # presented_position raised 404 for an unknown offer
    # Derived from session, offer and action: every retry of this accept is the same write.
    # Its dates (a pause's resume, a trial's end) count from the session's start, not from this
    # attempt, so a retry asks billing for exactly the same change under the same key.
    key = f"saveflow:{session.id}:{offer.key}:accept"
    try:
        effect = billing_for(app, session.mode).apply_offer(
            app, session, offers.spec(offer), key, session.created_at
        )
    except BillingFailed as failure:
        _note_failure(session, "accept", failure, now, offer=offer.key)
        raise
    revenue = _revenue_values(app, session, offer)
    db.session.add(
        OfferAcceptance(
            app_id=app.id,
            session_id=session.id,
            customer=session.customer,
            mode=session.mode,
            offer_key=offer.key,
            offer_type=offer.type,
            provider=effect.provider,
            status=effect.status,
            effect=effect.to_dict(),
            idempotency_key=key,
            accepted_at=now,
        )
    )
    card = present.offer_card(offer, session.snapshot, session.locale, session.attributes, now)
    result = {
        "outcome": "saved",
        "session_id": session.id,
        "offer": card,
        "effective": effect.to_dict(),
        "saved_revenue": _public_revenue(session, revenue),
    }
    audit(
        app.id,
        f"customer:{session.customer}",
        "offer_accepted",
        f"session:{session.id}",
        {"offer": offer.key, "effect": effect.to_dict()},
    )
    return _finish(app, session, "saved", result, now, accepted_offer_key=offer.key, **revenue)


def withdraw(app: App, session: Session, now: datetime) -> dict:
    """Keep the subscription as it is; counts as a deflection with no offer cost."""
    if not session.is_open:
        return _replay(session, "withdrawn")
    revenue = _revenue_values(app, session)
    result = {
        "outcome": "withdrawn",
        "session_id": session.id,
        "saved_revenue": _public_revenue(session, revenue),
    }
    audit(app.id, f"customer:{session.customer}", "withdrawn", f"session:{session.id}")
    return _finish(app, session, "withdrawn", result, now, **revenue)


def cancel(app: App, session: Session, now: datetime) -> dict:
    """Cancel in billing, at period end unless the app cancels immediately."""
    if not session.is_open:
        return _replay(session, "cancelled")
    immediately = bool(app.settings.get("cancel_immediately"))
    try:
        effect = billing_for(app, session.mode).cancel(
            app, session, immediately, f"saveflow:{session.id}:cancel", now
        )
    except BillingFailed as failure:
        # Never shown as done unless billing confirmed it: the session stays open for a retry.
        _note_failure(session, "cancel", failure, now)
        raise
    result = {
        "outcome": "cancelled",
        "session_id": session.id,
        "effective_at": effect.details.get("effective_at"),
        "effective": effect.to_dict(),
    }
    audit(
        app.id,
        f"customer:{session.customer}",
        "cancelled",
        f"session:{session.id}",
        {"effect": effect.to_dict(), "step": session.step},
    )
    return _finish(app, session, "cancelled", result, now)


def abandon(app: App, session: Session, now: datetime, why: str = "closed") -> dict:
    """Close the session without a decision; never counted as a save."""
    if not session.is_open:
        return _replay(session, "abandoned")
    result = {"outcome": "abandoned", "session_id": session.id, "why": why}
    return _finish(app, session, "abandoned", result, now)


def recover(app_id: str, session: Session, now: datetime, evidence: dict) -> bool:
    """Finish an open session as `recovered` because billing saw the payment succeed.

    Returns False, changing nothing, if the session was finished meanwhile.
    """
    result = {"outcome": "recovered", "session_id": session.id, "via": "billing", **evidence}
    app = db.session.get(App, app_id)
    assert app is not None  # billing's webhooks arrive for a known app
    if not _stamp(app, session, "recovered", result, now):
        return False
    audit(app_id, "billing", "recovered", f"session:{session.id}", evidence)
    return True


def sweep_idle(now: datetime, idle_minutes: int, batch: int = 500) -> int:
    """Abandon open sessions idle past the limit; return how many. Safe to run on many machines."""
    cutoff = now - timedelta(minutes=idle_minutes)
    sessions = db.session.scalars(
        select(Session)
        .where(Session.outcome.is_(None), Session.last_seen_at < cutoff)
        # A customer who went to fix the payment method waits for billing's webhook instead.
        .where(
            ~select(SessionEvent.id)
            .where(
                SessionEvent.session_id == Session.id,
                SessionEvent.type == "payment_recovery_opened",
            )
            .exists()
        )
        .limit(batch)
    ).all()
    apps: dict[str, App | None] = {}
    swept = 0
    for session in sessions:
        at = session.last_seen_at + timedelta(minutes=idle_minutes)
        result = {"outcome": "abandoned", "session_id": session.id, "why": "idle"}
        app = apps.setdefault(session.app_id, db.session.get(App, session.app_id))
        assert app is not None  # a session's app is never deleted
        report = ledger.decision_values(
            session, "abandoned", at, ledger.timezone_of(app.settings), _offer_type(app)
        )
        # The compare-and-set skips a session a customer finished meanwhile.
        done = db.session.execute(
            update(Session)
            .where(Session.id == session.id, Session.outcome.is_(None))
            .values(
                outcome="abandoned",
                outcome_at=at,
                step="done",
                result=result,
                event_seq=Session.event_seq + 1,
                **report,
            )
            .returning(Session.event_seq, *ledger.fact_columns(Session))
            .execution_options(synchronize_session=False)
        ).first()
        if done is not None:
            db.session.add(
                SessionEvent(
                    app_id=session.app_id,
                    session_id=session.id,
                    seq=done.event_seq,
                    type="abandoned",
                    data={"outcome": "abandoned", "why": "idle"},
                    at=at,
                )
            )
            ledger.track(None, ledger.Facts.of(done))
            db.session.refresh(session)
            notify.session_decided(app, session, at)
            swept += 1
        db.session.commit()
    return swept


def _public_revenue(session: Session, revenue: dict) -> dict:
    return {"currency": session.currency, **revenue}
