"""The save rules as pure functions: exact figures and the edges of each window."""

from datetime import UTC, datetime, timedelta
from fractions import Fraction

import pytest

from saveflow.saves.rules import (
    Billing,
    Payment,
    Save,
    SaveRules,
    attribute,
    decide,
    is_boomerang,
    months_kept,
    projection_cut,
    verdicts,
)

T0 = datetime(2026, 1, 10, 12, 0, 0, 250_000, tzinfo=UTC)  # a save, a quarter second in
DAY = timedelta(days=1)
RULES = SaveRules(confirm_days=30, boomerang_days=90)


def save(session_id="ses_a", at=T0, currency="usd", projected=55125, horizon=12):
    return Save(session_id, at, currency, projected, horizon)


def billing(asked=None, ends=None, failed=None, payments=(), known=True):
    return Billing(known, asked, ends, failed, tuple(payments))


def pay(invoice_id, at, amount=4900, currency="usd"):
    return Payment(invoice_id, amount, currency, at)


def test_months_kept_use_months_of_365_12_days():
    assert months_kept(T0, T0 + 73 * DAY) == Fraction(12, 5)
    assert months_kept(T0, T0 + 365 * DAY) == 12
    assert months_kept(T0, T0 - DAY) == 0


@pytest.mark.parametrize(
    "days, expected",
    [(0, 0), (73, 11025), (40, 6041), (365, 55125), (500, 55125)],
)
def test_the_projection_is_cut_pro_rata_and_never_grows(days, expected):
    assert projection_cut(save(), T0.replace(microsecond=0) + days * DAY) == expected


def test_a_boomerang_window_includes_its_last_second():
    start = T0.replace(microsecond=0)
    assert is_boomerang(save(), billing(asked=start + 90 * DAY), RULES)
    assert not is_boomerang(save(), billing(asked=start + 90 * DAY + timedelta(seconds=1)), RULES)
    # A cancellation still standing when the save was made did not hold either.
    assert is_boomerang(save(), billing(asked=start - 5 * DAY), RULES)
    assert not is_boomerang(save(), billing(), RULES)


def test_payments_go_to_the_latest_save_at_or_before_them_and_stop_at_the_end():
    first, second = save("ses_a"), save("ses_b", at=T0 + 40 * DAY, currency="eur")
    whole_second = T0.replace(microsecond=0)  # Stripe's paid_at of a save's own invoice
    payments = [
        pay("in_0", T0 - DAY),
        pay("in_1", whole_second),
        pay("in_2", T0 + 39 * DAY),
        pay("in_3", T0 + 41 * DAY, currency="usd"),  # second save's currency is eur
        pay("in_4", T0 + 42 * DAY, amount=4410, currency="eur"),
        pay("in_5", T0 + 80 * DAY, currency="eur"),
    ]
    counted = attribute([second, first], billing(ends=T0 + 70 * DAY, payments=payments))
    assert [p.invoice_id for p in counted["ses_a"]] == ["in_1", "in_2"]
    assert [p.invoice_id for p in counted["ses_b"]] == ["in_4"]


def test_a_failed_payment_is_a_risk_until_a_payment_at_or_after_it():
    failed = T0 + 31 * DAY
    risky = verdicts([save()], billing(failed=failed), RULES)["ses_a"]
    assert risky.payment_failed_at == failed
    paid = billing(failed=failed, payments=[pay("in_1", failed + DAY)])
    assert verdicts([save()], paid, RULES)["ses_a"].payment_failed_at is None


def test_a_boomerang_without_a_known_end_stops_at_the_cancellation():
    asked = T0.replace(microsecond=0) + 73 * DAY
    verdict = verdicts([save()], billing(asked=asked), RULES)["ses_a"]
    assert (verdict.boomerang, verdict.ended_at, verdict.projected_revenue_cut) == (
        True,
        None,
        11025,
    )


@pytest.mark.parametrize(
    "facts, days, expected",
    [
        (billing(), 29, None),
        (billing(), 30, "confirmed"),
        (None, 30, "confirmed"),  # no billing data at all: by age
        (billing(asked=T0 + 10 * DAY, ends=T0 + 20 * DAY), 5, "boomerang"),
        (billing(asked=T0 + 100 * DAY, ends=T0 + 120 * DAY), 130, "confirmed"),
    ],
)
def test_a_pending_save_is_decided_after_v_days_unless_it_is_a_boomerang(facts, days, expected):
    assert decide(save(), facts, T0 + days * DAY, RULES) == expected
