"""Read side of a session: the payloads the widget renders (state, offers on show, survey)."""

from collections.abc import Mapping
from datetime import datetime

from saveflow.apps.models import App
from saveflow.offers import service as offers
from saveflow.periods import cancel_effective_at
from saveflow.sessions import present
from saveflow.sessions.models import Session
from saveflow.sessions.setup_cache import setup_for


def current_offer(session: Session, offer_rows: Mapping | None = None):
    """Return the offer on show (from `offer_rows` when given, else its row), or None."""
    if session.step != "offers" or session.offer_index >= len(session.offer_keys):
        return None
    key = session.offer_keys[session.offer_index]
    if offer_rows is not None and key in offer_rows:
        return offer_rows[key]
    return offers.find_offer(session.app_id, key)


def offer_cards(session: Session, now: datetime, offer_rows: Mapping | None = None) -> list[dict]:
    """Return the offer on show as a one-item list (offers are shown one at a time)."""
    offer = current_offer(session, offer_rows)
    if offer is None:
        return []
    return [present.offer_card(offer, session.snapshot, session.locale, session.attributes, now)]


def answer_payload(session: Session, now: datetime, offer_rows: Mapping | None = None) -> dict:
    payload = {
        "step": session.step,
        "classification": present.classification(session.classification),
        "offers": offer_cards(session, now, offer_rows),
    }
    if (session.classification or {}).get("category") == "payment_problem":
        payload["payment_recovery"] = present.payment_recovery(session.snapshot, session.locale)
    return payload


def payload(session: Session, app: App, now: datetime) -> dict:
    """Return everything the widget needs to resume a session."""
    setup = setup_for(app)
    payload = {
        "session_id": session.id,
        "mode": session.mode,
        "locale": session.locale,
        "step": session.step,
        "outcome": session.outcome,
        "compliance": compliance(session),
        "survey": present.survey(app, setup.reasons, session.locale, session.id),
        "classification": present.classification(session.classification),
        "offers": offer_cards(session, now, setup.offers),
        "subscription": subscription_summary(app, session, now),
        "result": session.result,
        "save_status": session.save_status,
        "save": save_summary(session),
    }
    if session.step == "payment_recovery":
        payload["payment_recovery"] = present.payment_recovery(session.snapshot, session.locale)
    return payload


def subscription_summary(app: App, session: Session, now: datetime) -> dict:
    """Return what the confirm screen tells the customer: plan, price and when a cancel bites."""
    snap = session.snapshot
    immediately = bool(app.settings.get("cancel_immediately"))
    effective = cancel_effective_at(snap, immediately, now)
    return {
        "plan": snap["plan"],
        "plan_name": present.plan_name(snap, session.attributes),
        "amount": snap["amount"] * snap["quantity"],
        "currency": snap["currency"],
        "interval": snap["interval"],
        "interval_count": snap["interval_count"],
        "cancel_at_period_end": not immediately,
        "cancel_effective_at": effective.isoformat() if effective else None,
    }


def save_summary(session: Session) -> dict | None:
    """Return what became of a save since the decision (None unless saved or withdrawn)."""
    if session.save_status is None:
        return None
    cut = session.projected_revenue_cut
    return {
        "currency": session.currency,
        # A boomerang's projection stops at the subscription's actual end.
        "projected_revenue": session.projected_revenue if cut is None else cut,
        "realized_revenue": session.realized_revenue,
        "ended_at": _iso(session.ended_at),
        "payment_failed_at": _iso(session.payment_failed_at),
        "involuntary_risk": session.payment_failed_at is not None,
    }


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def compliance(session: Session) -> dict:
    return {
        "mode": session.compliance_mode,
        "max_offers": session.max_offers,
        "survey_required": False,
    }
