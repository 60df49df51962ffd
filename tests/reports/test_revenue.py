"""Worked numbers for the finance definitions of MRR, projected saved revenue and offer cost."""

import pytest

from saveflow.offers.types import projected_revenue
from saveflow.periods import monthly_factor
from saveflow.revenue import mrr, round_minor

MONTHLY = {
    "plan": "pro",
    "amount": 4900,
    "currency": "usd",
    "interval": "month",
    "interval_count": 1,
    "quantity": 1,
}


@pytest.mark.parametrize(
    "interval, count, amount, quantity, expected",
    [
        ("month", 1, 4900, 1, 4900),
        ("month", 3, 12000, 1, 4000),  # quarterly 120.00 → 40.00 a month
        ("year", 1, 99900, 1, 8325),  # 999.00 / 12 = 83.25
        ("year", 1, 10000, 1, 833),  # 833.33… rounds to 833
        ("week", 1, 1000, 1, 4333),  # 10.00 × 52 / 12 = 43.333…
        ("week", 2, 1000, 1, 2167),  # every other week: 21.666… → 21.67
        ("day", 1, 100, 1, 3042),  # 1.00 × 365 / 12 = 30.4166…
        ("month", 1, 1500, 7, 10500),  # 7 seats × 15.00
    ],
)
def test_mrr_by_interval(interval, count, amount, quantity, expected):
    snap = {
        **MONTHLY,
        "interval": interval,
        "interval_count": count,
        "amount": amount,
        "quantity": quantity,
    }
    assert mrr(snap) == expected


def test_mrr_after_active_discounts():
    assert mrr({**MONTHLY, "discount": {"percent_off": 20}}) == 3920
    assert mrr({**MONTHLY, "discount": {"amount_off": 900}}) == 4000
    yearly = {**MONTHLY, "interval": "year", "amount": 120000, "discount": {"amount_off": 12000}}
    assert mrr(yearly) == 9000  # (1200 − 120) / 12 = 90.00
    assert mrr({**MONTHLY, "discount": {"amount_off": 10000}}) == 0  # never negative


def test_discount_percent_worked_example():
    # 49.00 MRR, 25% off for 3 months, H = 12: 36.75 × 3 + 49 × 9 = 551.25; cost 36.75.
    booked = projected_revenue(MONTHLY, "discount", {"percent": 25, "months": 3})
    assert (booked.saved_mrr, booked.projected_revenue, booked.offer_cost) == (4900, 55125, 3675)


def test_discount_amount_worked_example():
    # 10.00 off for 6 months: 39 × 6 + 49 × 6 = 528.00; cost 60.00.
    booked = projected_revenue(MONTHLY, "discount", {"amount": 1000, "months": 6})
    assert (booked.projected_revenue, booked.offer_cost) == (52800, 6000)


def test_discount_longer_than_horizon_is_capped():
    # 50% for 24 months over H = 12: 24.50 × 12 = 294.00; cost 294.00.
    booked = projected_revenue(MONTHLY, "discount", {"percent": 50, "months": 24})
    assert (booked.projected_revenue, booked.offer_cost) == (29400, 29400)


def test_pause_worked_example():
    # Pause 2 months: 49 × 10 = 490.00; cost 98.00.
    booked = projected_revenue(MONTHLY, "pause", {"months": 2})
    assert (booked.projected_revenue, booked.offer_cost) == (49000, 9800)


def test_pause_longer_than_horizon_projects_nothing():
    booked = projected_revenue(MONTHLY, "pause", {"months": 3}, horizon=2)
    assert (booked.projected_revenue, booked.offer_cost) == (0, 9800)


def test_downgrade_worked_example():
    # Pro 49.00 → Starter 19.00 with 3 seats: MRR 147.00, MRR′ 57.00; 57 × 12 = 684.00.
    snap = {**MONTHLY, "quantity": 3}
    params = {"targets": {"pro": {"plan": "starter", "amount": 1900}}}
    booked = projected_revenue(snap, "downgrade", params)
    assert (booked.saved_mrr, booked.projected_revenue, booked.offer_cost) == (14700, 68400, 108000)


@pytest.mark.parametrize(
    "offer_type", ["training", "concierge", "contact", "redirect", "trial_extension", None]
)
def test_other_offers_and_withdrawal_keep_full_revenue(offer_type):
    booked = projected_revenue(MONTHLY, offer_type, {"url": "https://x", "days": 14})
    assert (booked.projected_revenue, booked.offer_cost) == (58800, 0)


def test_yearly_plan_projection_uses_exact_mrr():
    # 100.00 a year: MRR 8.33 (rounded) but 12 months project the exact 100.00.
    snap = {**MONTHLY, "interval": "year", "amount": 10000}
    booked = projected_revenue(snap, None, None)
    assert (booked.saved_mrr, booked.projected_revenue) == (833, 10000)


def test_horizon_is_a_parameter():
    booked = projected_revenue(MONTHLY, "discount", {"percent": 10, "months": 3}, horizon=24)
    # 44.10 × 3 + 49 × 21 = 1161.30
    assert (booked.projected_revenue, booked.offer_cost, booked.horizon_months) == (
        116130,
        1470,
        24,
    )


def test_rounding_and_factor_errors():
    from fractions import Fraction

    assert round_minor(Fraction(5, 2)) == 3 and round_minor(Fraction(-5, 2)) == -3
    with pytest.raises(ValueError):
        monthly_factor("fortnight")
    with pytest.raises(ValueError):
        monthly_factor("month", 0)


def test_period_end_is_computed_not_iterated():
    from datetime import UTC, datetime

    from saveflow.periods import current_period_end

    start = datetime(2024, 1, 31, 12, tzinfo=UTC)
    now = datetime(2026, 11, 23, tzinfo=UTC)
    assert current_period_end(start, "month", 1, now) == datetime(2026, 11, 30, 12, tzinfo=UTC)
    assert current_period_end(start, "month", 1, datetime(2024, 2, 29, 13, tzinfo=UTC)) == (
        datetime(2024, 3, 31, 12, tzinfo=UTC)
    )
    assert current_period_end(start, "year", 1, now) == datetime(2027, 1, 31, 12, tzinfo=UTC)
    # 1026.5 days have passed: the 74th fortnight ends 1036 days after the start.
    assert current_period_end(start, "week", 2, now) == datetime(2026, 12, 2, 12, tzinfo=UTC)
    assert current_period_end(start, "day", 1, now) == datetime(2026, 11, 23, 12, tzinfo=UTC)
    # A subscription that starts in the future ends its first period one interval later.
    assert current_period_end(now, "month", 1, start) == datetime(2026, 12, 23, tzinfo=UTC)
    ancient = datetime(1970, 1, 1, tzinfo=UTC)
    assert current_period_end(ancient, "day", 1, now) == datetime(2026, 11, 24, tzinfo=UTC)
