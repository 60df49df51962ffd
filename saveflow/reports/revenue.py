"""Saved-revenue maths, as pure functions over integer minor units."""

from dataclasses import dataclass
from fractions import Fraction
from math import floor

# Months per billing interval: a charge every n <interval>s is worth this × 1/n per month.
MONTHLY_FACTOR = {
    "month": Fraction(1),
    "year": Fraction(1, 12),
    "week": Fraction(52, 12),
    "day": Fraction(365, 12),
}


def round_minor(value: Fraction) -> int:
    """Round a money amount to whole minor units, halves away from zero."""
    sign = -1 if value < 0 else 1
    return sign * floor(abs(value) + Fraction(1, 2))


def monthly_factor(interval: str, interval_count: int = 1) -> Fraction:
    """Return how much of one charge falls into one month."""
    if interval not in MONTHLY_FACTOR:
        raise ValueError(f"unknown billing interval {interval!r}")
    if interval_count < 1:
        raise ValueError("interval_count must be at least 1")
    return MONTHLY_FACTOR[interval] / interval_count


def exact_mrr(snapshot: dict, unit_amount: int | None = None) -> Fraction:
    """Return the exact MRR of a snapshot after its active discount.

    `unit_amount` replaces the snapshot's price, which is how a downgrade's MRR′ is priced.
    """
    amount = snapshot["amount"] if unit_amount is None else unit_amount
    factor = monthly_factor(snapshot.get("interval", "month"), snapshot.get("interval_count", 1))
    gross = Fraction(amount) * snapshot.get("quantity", 1) * factor
    discount = snapshot.get("discount") or {}
    if discount.get("percent_off"):
        gross *= 1 - Fraction(str(discount["percent_off"])) / 100
    if discount.get("amount_off"):
        # A fixed coupon comes off each invoice, so it is spread like the charge it reduces.
        gross -= Fraction(discount["amount_off"]) * factor
    return max(gross, Fraction(0))


def mrr(snapshot: dict) -> int:
    """Return the MRR of a subscription snapshot in minor units."""
    return round_minor(exact_mrr(snapshot))


@dataclass(frozen=True)
class SavedRevenue:
    saved_mrr: int
    projected_revenue: int
    offer_cost: int
    horizon_months: int


def projected_revenue(
    snapshot: dict, offer_type: str | None, params: dict | None, horizon: int = 12
) -> SavedRevenue:
    """Book a save: saved MRR, projected revenue over `horizon` months, and the offer's cost.

    `offer_type` None means the customer withdrew without an offer (MRR·H, no cost).
    """
    params = params or {}
    base = exact_mrr(snapshot)
    h = Fraction(horizon)
    list_revenue = base * h
    if offer_type == "discount":
        months = Fraction(min(params["months"], horizon))
        if params.get("percent"):
            discounted = base * (1 - Fraction(params["percent"]) / 100)
        else:
            monthly_off = Fraction(params["amount"]) * monthly_factor(
                snapshot.get("interval", "month"), snapshot.get("interval_count", 1)
            )
            discounted = max(base - monthly_off, Fraction(0))
        projected = discounted * months + base * (h - months)
    elif offer_type == "pause":
        projected = base * max(h - params["months"], 0)
    elif offer_type == "downgrade":
        target = params["targets"][snapshot["plan"]]
        projected = exact_mrr(snapshot, unit_amount=target["amount"]) * h
    else:
        projected = list_revenue
    projected_minor = round_minor(projected)
    return SavedRevenue(
        saved_mrr=round_minor(base),
        projected_revenue=projected_minor,
        offer_cost=round_minor(list_revenue) - projected_minor,
        horizon_months=horizon,
    )
