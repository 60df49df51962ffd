"""Decided sessions written straight into the table, with the figures a test states by hand.

The flow's own code stamps sessions through the widget API; report tests need many sessions on
chosen days with chosen money, so they insert rows and then rebuild the rollups from them, as
`flask saveflow reports rebuild` does.
"""

import itertools
from datetime import datetime

from saveflow.apps.models import App
from saveflow.billing.models import PaidInvoice, SubscriptionState
from saveflow.extensions import db
from saveflow.reports.rebuild import rebuild_app
from saveflow.sessions.models import SAVES, Session

_ids = itertools.count(1)
OFFER_TYPES = {
    "discount_25_3m": "discount",
    "pause_2m": "pause",
    "downgrade": "downgrade",
    "training": "training",
}


def decided(
    app: App,
    outcome: str,
    at: datetime,
    *,
    currency: str = "usd",
    mode: str = "live",
    offer: str | None = None,
    category: str | None = "too_expensive",
    plan: str = "pro",
    experiment: str | None = None,
    variant: str | None = None,
    mrr: int = 4900,
    projected: int | None = None,
    cost: int = 0,
    realized: int = 0,
    status: str = "pending",
    subscription: str | None = None,
    ended_at: datetime | None = None,
    months_kept: int | None = None,
) -> Session:
    """Add one decided session (a save books `mrr`, `projected` and `cost` as given)."""
    n = next(_ids)
    save = outcome in SAVES
    session = Session(
        id=f"ses_test{n:06d}",
        app_id=app.id,
        mode=mode,
        customer=f"cus_{n}",
        subscription=subscription or f"sub_{n}",
        token_digest=f"{n:064d}",
        locale="en",
        snapshot={"plan": plan, "amount": mrr, "currency": currency, "interval": "month"},
        currency=currency,
        mrr=mrr,
        compliance_mode="standard",
        max_offers=2,
        step="done",
        reason_key=category,
        classification={"category": category} if category else None,
        experiment_key=experiment,
        variant=variant,
        offer_keys=[offer] if offer else [],
        outcome=outcome,
        outcome_at=at,
        accepted_offer_key=offer if outcome == "saved" else None,
        horizon_months=12 if save else None,
        saved_mrr=mrr if save else None,
        projected_revenue=(mrr * 12 if projected is None else projected) if save else None,
        offer_cost=cost if save else None,
        save_status=status if save else None,
        realized_revenue=realized if save else 0,
        ended_at=ended_at,
        shown_offer_key=offer,
        shown_offer_type=OFFER_TYPES.get(offer or ""),
        reason_category=category,
        plan=plan,
        months_kept=(-1 if months_kept is None else months_kept) if save else None,
        result={},
        created_at=at,
        last_seen_at=at,
    )
    db.session.add(session)
    db.session.flush()
    return session


def paid(session: Session, invoice_id: str, amount: int, at: datetime, currency=None) -> None:
    """Record a paid invoice of the session's subscription (its state row made if missing)."""
    key = (session.app_id, session.mode, session.subscription)
    if db.session.get(SubscriptionState, key) is None:
        db.session.add(
            SubscriptionState(
                app_id=session.app_id, mode=session.mode, subscription=session.subscription
            )
        )
        db.session.flush()
    db.session.add(
        PaidInvoice(
            app_id=session.app_id,
            invoice_id=invoice_id,
            mode=session.mode,
            subscription=session.subscription,
            amount_paid=amount,
            currency=currency or session.currency,
            paid_at=at,
            event_id=f"evt_{invoice_id}",
        )
    )
    db.session.flush()


def rebuild(app: App) -> None:
    """Stamp every session's report day and rebuild the app's rollups, then commit."""
    rebuild_app(app)
    db.session.commit()
    db.session.expire_all()  # the rebuild wrote report days behind the loaded sessions' backs
