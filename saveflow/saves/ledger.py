"""A subscription's paid invoices as finance traces them: which save each one counts toward.

The same rules that book realized revenue (`saveflow.saves.rules.attribute`) say here, invoice
by invoice, where each payment went and, for one that counts nowhere, why.
"""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from saveflow.billing.models import SubscriptionState
from saveflow.extensions import db
from saveflow.saves.rules import attribute, to_second
from saveflow.saves.sync import billing_of, save_of
from saveflow.sessions.models import SAVES, Session


@dataclass(frozen=True)
class InvoiceLine:
    invoice_id: str
    amount_paid: int
    currency: str
    paid_at: datetime
    counts_for: str | None  # the save (session id) whose realized revenue holds it
    why: str  # where it went, in words


def invoices_of(session: Session) -> list[InvoiceLine]:
    """Return the paid invoices of the session's subscription (app and mode), oldest first."""
    state = db.session.get(SubscriptionState, (session.app_id, session.mode, session.subscription))
    if state is None:
        return []
    sessions = db.session.scalars(
        select(Session)
        .where(
            Session.app_id == session.app_id,
            Session.mode == session.mode,
            Session.subscription == session.subscription,
            Session.outcome.in_(SAVES),
        )
        .order_by(Session.outcome_at, Session.id)
    ).all()
    saves = [save_of(s) for s in sessions]
    billing = billing_of(state)
    counted = {
        payment.invoice_id: save_id
        for save_id, payments in attribute(saves, billing).items()
        for payment in payments
    }
    lines = []
    for payment in billing.payments:
        save_id = counted.get(payment.invoice_id)
        earlier = [s for s in saves if to_second(s.saved_at) <= payment.paid_at]
        if save_id == session.id:
            why = "Counts toward this save's realized revenue"
        elif save_id is not None:
            why = "Counts toward another save of this subscription"
        elif billing.ends_at is not None and payment.paid_at > billing.ends_at:
            why = "Paid after the subscription ended: counts nowhere"
        elif not earlier:
            why = "Paid before any save: counts nowhere"
        else:
            why = "In another currency than the save: counts nowhere"
        lines.append(
            InvoiceLine(
                payment.invoice_id,
                payment.amount_paid,
                payment.currency,
                payment.paid_at,
                save_id,
                why,
            )
        )
    return lines
