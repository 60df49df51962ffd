"""What became of a save, as pure functions over what billing said: realized revenue, boomerangs,
the projection cut at the actual end, involuntary risk, and when a pending save is decided.

The rules (docs/revenue.md has them with examples):
- An invoice counts toward the realized revenue of the latest save of its subscription made at
  or before its payment, in that save's currency only, unless it was paid after the
  subscription's end. So each invoice counts once, for one save.
- A save is a boomerang when a cancellation of its subscription was asked for within W days
  after it (or was already standing when it was made).
- A boomerang's projection is cut at the actual end: projected revenue ÷ H × months kept,
  months kept = days from the save to the end × 12 / 365, at most H.
- A pending save is confirmed V days after it unless it is a boomerang.
Stripe's times have whole seconds, so a save's time is compared truncated to the second.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from fractions import Fraction

from saveflow.revenue import round_minor

SECONDS_PER_MONTH = Fraction(365 * 24 * 3600, 12)  # the month used for a day interval


@dataclass(frozen=True)
class SaveRules:
    confirm_days: int = 30  # V: a save still on after this many days is confirmed
    boomerang_days: int = 90  # W: a cancellation asked for within this many days is a boomerang


@dataclass(frozen=True)
class Payment:
    invoice_id: str
    amount_paid: int
    currency: str
    paid_at: datetime


@dataclass(frozen=True)
class Billing:
    """What billing said about one subscription."""

    known: bool  # a subscription state was seen (a webhook, or a read from the provider)
    cancel_requested_at: datetime | None  # set while a cancellation stands
    ends_at: datetime | None
    payment_failed_at: datetime | None
    payments: tuple[Payment, ...] = ()


@dataclass(frozen=True)
class Save:
    session_id: str
    saved_at: datetime
    currency: str
    projected_revenue: int
    horizon_months: int


@dataclass(frozen=True)
class Verdict:
    realized_revenue: int
    invoices: tuple[str, ...]  # the invoices counted
    boomerang: bool
    ended_at: datetime | None
    projected_revenue_cut: int | None
    payment_failed_at: datetime | None  # set while the risk stands


def to_second(moment: datetime) -> datetime:
    return moment.replace(microsecond=0)


def attribute(saves: Sequence[Save], billing: Billing) -> dict[str, list[Payment]]:
    """Return each save's counted payments: each one goes to the latest save at or before it."""
    counted: dict[str, list[Payment]] = {save.session_id: [] for save in saves}
    ordered = sorted(saves, key=lambda s: (s.saved_at, s.session_id))
    for payment in billing.payments:
        if billing.ends_at is not None and payment.paid_at > billing.ends_at:
            continue
        earlier = [s for s in ordered if to_second(s.saved_at) <= payment.paid_at]
        if earlier and earlier[-1].currency == payment.currency:
            counted[earlier[-1].session_id].append(payment)
    return counted


def is_boomerang(save: Save, billing: Billing, rules: SaveRules) -> bool:
    """Return whether a cancellation was asked for within W days of the save (or before it)."""
    asked = billing.cancel_requested_at
    window = timedelta(days=rules.boomerang_days)
    return asked is not None and asked <= to_second(save.saved_at) + window


def months_kept(saved_at: datetime, end: datetime) -> Fraction:
    """Return the months from a save to the end, a month being 365/12 days."""
    seconds = max((end - to_second(saved_at)).total_seconds(), 0)
    return Fraction(int(seconds)) / SECONDS_PER_MONTH


def projection_cut(save: Save, end: datetime) -> int:
    """Return the save's projected revenue cut at the subscription's actual end."""
    horizon = max(save.horizon_months, 1)
    kept = min(months_kept(save.saved_at, end), Fraction(horizon))
    return round_minor(Fraction(save.projected_revenue) * kept / horizon)


def _risk(save: Save, billing: Billing) -> datetime | None:
    failed = billing.payment_failed_at
    if failed is None or failed < to_second(save.saved_at):
        return None
    if any(p.paid_at >= failed for p in billing.payments):
        return None  # a later payment went through
    return failed


def verdicts(saves: Iterable[Save], billing: Billing, rules: SaveRules) -> dict[str, Verdict]:
    """Return what billing's news means for each save of one subscription."""
    saves = list(saves)
    counted = attribute(saves, billing)
    found = {}
    for save in saves:
        payments = counted[save.session_id]
        boomerang = is_boomerang(save, billing, rules)
        # Without a known end, a boomerang's projection stops when the cancel was asked for.
        end = billing.ends_at or billing.cancel_requested_at
        found[save.session_id] = Verdict(
            realized_revenue=sum(p.amount_paid for p in payments),
            invoices=tuple(p.invoice_id for p in payments),
            boomerang=boomerang,
            ended_at=billing.ends_at,
            projected_revenue_cut=projection_cut(save, end) if boomerang and end else None,
            payment_failed_at=_risk(save, billing),
        )
    return found


def decide(save: Save, billing: Billing | None, now: datetime, rules: SaveRules) -> str | None:
    """Return what a pending save becomes now (`confirmed`, `boomerang`), or None if not yet.

    `billing` None means there is no billing data at all; the save is then judged by age alone.
    """
    if billing is not None and is_boomerang(save, billing, rules):
        return "boomerang"
    if now < save.saved_at + timedelta(days=rules.confirm_days):
        return None
    return "confirmed"
