"""What billing said after a demo save: the invoices paid, a cancellation (soon after the save, a
boomerang; or much later), and the save's status, realized revenue and months kept.

The figures come from the same rules the webhooks and `validate-saves` apply
(`saveflow.saves.rules.verdicts`), so the realized revenue is exactly the sum of the invoices
written here and a boomerang's projection is cut the way a live one is.
"""

import random
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from saveflow.demo import catalog
from saveflow.demo.stage import Journey, Stage
from saveflow.offers.types import offer_type
from saveflow.periods import add_interval, current_period_end
from saveflow.rollups import ledger
from saveflow.saves.rules import Billing, Payment, Save, verdicts

DAYS_PER_MONTH = 30.4
VALIDATE_SAVES_AT = time(3, 15)  # when the daily `validate-saves` run of the demo's cron fires
_INVOICE = "invoice.paid"
_UPDATED = "customer.subscription.updated"


@dataclass
class Billed:
    """The billing rows of one saved subscription."""

    state: dict | None = None
    invoices: list[dict] = field(default_factory=list)
    acceptance: dict | None = None


def aftercare(stage: Stage, rng: random.Random, trip: Journey) -> Billed:
    """Play billing's news about a save until the cutoff, and write its effect on the session."""
    values = trip.values
    saved_at: datetime = values["outcome_at"]
    offer = stage.setup.offers.get(values["accepted_offer_key"] or "")
    kind = offer.type if offer else None
    params = dict(offer.params) if offer else {}
    cancel_at = _cancel_time(stage, rng, kind, params, saved_at)
    started = datetime.fromisoformat(values["snapshot"]["started_at"])
    interval = values["snapshot"]["interval"]
    ends_at = current_period_end(started, interval, 1, cancel_at) if cancel_at else None
    billed = Billed()
    payments = _payments(stage, rng, trip, kind, params, min(stage.cutoff, ends_at or stage.cutoff))
    save = Save(
        values["id"], saved_at, values["currency"], values["projected_revenue"], stage.horizon
    )
    billing = Billing(True, cancel_at, ends_at, None, tuple(p for p, _ in payments))
    verdict = verdicts([save], billing, stage.save_rules)[values["id"]]
    _realized(trip, payments, verdict.invoices)
    if kind == "pause":
        _pause_events(stage, rng, trip, params, saved_at, ends_at)
    values.update(
        realized_revenue=verdict.realized_revenue,
        ended_at=verdict.ended_at,
        projected_revenue_cut=verdict.projected_revenue_cut,
        months_kept=ledger.kept_for(saved_at, verdict.ended_at),
    )
    _statuses(stage, rng, trip, cancel_at, verdict.boomerang)
    billed.invoices = [_invoice_row(values, p, event) for p, event in payments]
    news = [p.paid_at for p, _ in payments] + ([cancel_at] if cancel_at else [])
    if news:
        billed.state = _state_row(stage, values, cancel_at, ends_at, max(news))
    if offer is not None:
        billed.acceptance = _acceptance_row(values, kind)
    return billed


def _cancel_time(stage: Stage, rng, kind, params: dict, saved_at: datetime) -> datetime | None:
    """Return when the customer asks to cancel after all (None: not before the cutoff)."""
    window = stage.save_rules.boomerang_days
    if rng.random() < catalog.BOOMERANG.get(kind, catalog.BOOMERANG_OTHER):
        if kind in ("discount", "pause"):
            # Most leave around when the discount or the pause runs out.
            centre = min(params.get("months", 2) * DAYS_PER_MONTH, window - 10)
            days = rng.gauss(centre, 9)
        else:
            days = rng.uniform(3, window)
        days = min(max(days, 1), window - 1)
    else:
        days = window + rng.expovariate(catalog.MONTHLY_CHURN_AFTER / DAYS_PER_MONTH)
    moment = saved_at + timedelta(days=days)
    return moment.replace(microsecond=0) if moment < stage.cutoff else None


def _payments(stage: Stage, rng, trip: Journey, kind, params: dict, until: datetime) -> list:
    """Return the invoices paid after the save until `until`, each with its webhook's id."""
    snapshot = trip.values["snapshot"]
    saved_at = trip.values["outcome_at"]
    started = datetime.fromisoformat(snapshot["started_at"])
    interval = snapshot["interval"]
    full = snapshot["amount"] * snapshot["quantity"]
    reduced = full
    if kind in ("discount", "downgrade"):
        reduced = offer_type(kind).terms(params, snapshot, saved_at)["price_after"]
    months = params.get("months", 0)
    offer_ends = add_interval(saved_at, "month", months) if kind in ("discount", "pause") else None
    found = []
    due = current_period_end(started, interval, 1, saved_at)
    while due < until:
        paused = kind == "pause" and offer_ends is not None and due < offer_ends
        amount = full
        if kind == "downgrade" or (kind == "discount" and offer_ends and due < offer_ends):
            amount = reduced
        paid_at = _later(rng, due, 1800, 3 * 3600)
        if not paused and paid_at < stage.cutoff:
            invoice = catalog.stripe_id(rng, "in")
            payment = Payment(invoice, amount, trip.values["currency"], paid_at)
            found.append((payment, catalog.stripe_id(rng, "evt")))
        due = current_period_end(started, interval, 1, due)
    return found


def _later(rng: random.Random, at: datetime, low: int, high: int) -> datetime:
    return at + timedelta(seconds=rng.randint(low, high))


def _realized(trip: Journey, payments: list, counted: tuple[str, ...]) -> None:
    """Log one `realized_revenue` event per counted invoice, as each webhook's sync does."""
    total, invoices = 0, []
    for payment, event in payments:
        if payment.invoice_id not in counted:
            continue
        total += payment.amount_paid
        invoices.append(payment.invoice_id)
        data = {
            "realized_revenue": total,
            "change": payment.amount_paid,
            "currency": payment.currency,
            "invoices": list(invoices),
            "stripe_event": event,
            "event_type": _INVOICE,
        }
        trip.log(payment.paid_at, "realized_revenue", data)


def _pause_events(stage: Stage, rng, trip: Journey, params, saved_at, ends_at) -> None:
    paused = _later(rng, saved_at, 2, 30)
    resumes = add_interval(saved_at, "month", params["months"])
    for kind, at in (("paused", paused), ("resumed", resumes)):
        if at < stage.cutoff and (ends_at is None or at < ends_at):
            cause = {"stripe_event": catalog.stripe_id(rng, "evt"), "event_type": _UPDATED}
            trip.log(at, f"subscription_{kind}", cause)


def _statuses(stage: Stage, rng, trip: Journey, cancel_at, boomerang: bool) -> None:
    """Move the save from pending as `validate-saves` and the webhooks would, logging each step."""
    values = trip.values
    saved_at = values["outcome_at"]
    due = saved_at + timedelta(days=stage.save_rules.confirm_days)
    confirm_at = datetime.combine(due.date(), VALIDATE_SAVES_AT, tzinfo=due.tzinfo)
    if confirm_at < due:
        confirm_at += timedelta(days=1)
    status = "pending"
    if confirm_at < stage.cutoff and not (boomerang and cancel_at < confirm_at):
        trip.log(confirm_at, "save_confirmed", {"by": "validate-saves", "source": "billing"})
        status, values["save_status_at"] = "confirmed", confirm_at
    if cancel_at is None:
        values["save_status"] = status
        return
    was = status
    if boomerang:
        status, values["save_status_at"] = "boomerang", cancel_at
    values["save_status"] = status
    data = {
        "save_status": status,
        "was": was,
        "ended_at": values["ended_at"].isoformat() if values["ended_at"] else None,
        "projected_revenue_cut": values["projected_revenue_cut"],
        "stripe_event": catalog.stripe_id(rng, "evt"),
        "event_type": _UPDATED,
    }
    trip.log(cancel_at, "save_boomerang" if boomerang else "subscription_end", data)


def _invoice_row(values: dict, payment: Payment, event: str) -> dict:
    return {
        "app_id": values["app_id"],
        "invoice_id": payment.invoice_id,
        "mode": values["mode"],
        "subscription": values["subscription"],
        "amount_paid": payment.amount_paid,
        "currency": payment.currency,
        "paid_at": payment.paid_at,
        "event_id": event,
        "received_at": payment.paid_at + timedelta(seconds=2),
    }


def _state_row(stage: Stage, values: dict, cancel_at, ends_at, latest: datetime) -> dict:
    ended = ends_at is not None and ends_at < stage.cutoff
    state_at = max(latest, ends_at) if ended and ends_at else latest
    return {
        "app_id": values["app_id"],
        "mode": values["mode"],
        "subscription": values["subscription"],
        "status": "canceled" if ended else "active",
        "state_at": state_at,
        "state_source": "webhook",
        "cancel_requested_at": cancel_at,
        "ends_at": ends_at,
        "ended": ended,
        "payment_failed_at": None,
        "updated_at": state_at,
    }


def _acceptance_row(values: dict, kind: str | None) -> dict:
    effect = values["result"]["effective"]
    return {
        "app_id": values["app_id"],
        "session_id": values["id"],
        "customer": values["customer"],
        "mode": values["mode"],
        "offer_key": values["accepted_offer_key"],
        "offer_type": kind,
        "provider": effect["provider"],
        "status": effect["status"],
        "effect": effect,
        "idempotency_key": effect["idempotency_key"],
        "accepted_at": values["outcome_at"],
    }
