"""Saved-revenue maths, as pure functions over integer minor units."""

from dataclasses import dataclass
from fractions import Fraction
from math import floor

from saveflow.periods import monthly_factor


def round_minor(value: Fraction) -> int:
    """Round a money amount to whole minor units, halves away from zero."""
    sign = -1 if value < 0 else 1
    return sign * floor(abs(value) + Fraction(1, 2))


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
