"""Holdout lift: Wilson and Newcombe hybrid score intervals against published values.

The expected figures are those printed by R. G. Newcombe, "Two-sided confidence intervals for
the single proportion: comparison of seven methods" and "Interval estimation for the difference
between independent proportions: comparison of eleven methods" (Statistics in Medicine 17, 1998),
method 10 in the second; four decimals, as printed there. Every one was also reproduced by an
independent implementation (statsmodels 0.15.0, `proportion_confint(method="wilson")` and
`confint_proportions_2indep(method="newcomb")`), which saveflow does not depend on.
"""

import pytest

from saveflow.reports.lift import MIN_SAMPLE, difference_interval, holdout_lift, wilson


@pytest.mark.parametrize(
    ("successes", "n", "low", "high"),
    [(81, 263, 0.2553, 0.3662), (15, 148, 0.0624, 0.1605), (0, 20, 0.0, 0.1611)],
)
def test_wilson_interval_matches_the_published_values(successes, n, low, high):
    got = wilson(successes, n)
    assert got == pytest.approx((low, high), abs=5e-5)


@pytest.mark.parametrize(
    ("x1", "n1", "x2", "n2", "low", "high"),
    [
        (56, 70, 48, 80, 0.0524, 0.3339),
        (9, 10, 3, 10, 0.1705, 0.8090),
        (6, 7, 2, 7, 0.0582, 0.8062),
        (5, 56, 0, 29, -0.0381, 0.1926),
        (0, 10, 0, 20, -0.1611, 0.2775),
        (10, 10, 0, 20, 0.6791, 1.0000),
    ],
)
def test_newcombe_hybrid_interval_matches_the_published_values(x1, n1, x2, n2, low, high):
    diff, got_low, got_high = difference_interval(x1, n1, x2, n2)
    assert diff == pytest.approx(x1 / n1 - x2 / n2)
    assert (got_low, got_high) == pytest.approx((low, high), abs=5e-5)


def test_lift_of_treated_over_holdout():
    # 56 of 70 treated customers stayed, against 48 of 80 in the holdout: 20 points of lift.
    lift = holdout_lift(56, 70, 48, 80)
    assert lift is not None and lift.enough_data
    assert (lift.treated_rate, lift.holdout_rate) == (0.8, 0.6)
    assert lift.difference == pytest.approx(0.2)
    assert (lift.low, lift.high) == pytest.approx((0.0524, 0.3339), abs=5e-5)


def test_small_samples_are_flagged_and_empty_groups_give_nothing():
    small = holdout_lift(9, 10, 3, 10)
    assert small is not None and not small.enough_data
    assert holdout_lift(MIN_SAMPLE, MIN_SAMPLE, 0, MIN_SAMPLE).enough_data
    assert holdout_lift(5, 10, 0, 0) is None
    assert holdout_lift(0, 0, 5, 10) is None


@pytest.mark.parametrize(("successes", "n"), [(-1, 10), (11, 10), (0, 0)])
def test_impossible_counts_are_refused(successes, n):
    with pytest.raises(ValueError):
        wilson(successes, n)
