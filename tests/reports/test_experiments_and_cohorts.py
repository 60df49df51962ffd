"""Holdout lift, incremental revenue and save cohorts over fixtures worked out by hand."""

from datetime import UTC, date, datetime
from fractions import Fraction

import pytest

from saveflow.extensions import db
from saveflow.reports.cohorts import age_in_months, cohorts
from saveflow.reports.experiments import lifts
from saveflow.reports.lift import difference_interval
from saveflow.reports.rebuild import rebuild
from tests.reports.conftest import decided

AT = datetime(2026, 5, 10, 12, 0, tzinfo=UTC)
MAY, JUNE = date(2026, 5, 1), date(2026, 6, 1)


def _experiment(demo, variant: str, saved: int, withdrawn: int, cancelled: int, **more):
    common = {"experiment_key": "spring", "variant": variant, **more}
    for _ in range(saved):
        decided(demo, "saved", AT, **common)
    for _ in range(withdrawn):
        decided(demo, "withdrawn", AT, **common)
    for _ in range(cancelled):
        decided(demo, "cancelled", AT, **common)


def test_lift_and_incremental_revenue_are_the_ones_worked_out_by_hand(demo):
    # Treated: 30 saved + 10 withdrawn of 60 decided (2/3). Holdout: 12 withdrawn of 40 (3/10).
    _experiment(demo, "a", 20, 5, 10)
    _experiment(demo, "b", 10, 5, 10)
    _experiment(demo, "holdout", 0, 12, 28)
    decided(demo, "abandoned", AT, experiment_key="spring", variant="a")  # not in any rate
    decided(demo, "saved", AT)  # no experiment: not in the lift
    db.session.commit()
    rebuild([demo.id])
    [found] = lifts(demo.id, MAY, JUNE)
    assert (found.experiment_key, found.variants) == ("spring", ("a", "b"))
    assert (found.treated.stayed, found.treated.decided) == (40, 60)
    assert (found.holdout.stayed, found.holdout.decided) == (12, 40)
    assert found.treated.abandoned == 1
    lift = found.lift
    assert lift is not None and lift.enough_data
    assert lift.difference == pytest.approx(2 / 3 - 3 / 10)
    assert (lift.low, lift.high) == pytest.approx(difference_interval(40, 60, 12, 40)[1:])
    # Mean projection per treated save: (30 × 55125 + 10 × 58800) / 40 = 56043.75.
    # Incremental: (2/3 − 3/10) × 60 × 56043.75 = 22 × 56043.75 = 1232962.5 → 1232963.
    mean = Fraction(30 * 55125 + 10 * 58800, 40)
    assert found.incremental == {"usd": 1232963}
    assert (Fraction(2, 3) - Fraction(3, 10)) * 60 * mean == Fraction(2465925, 2)


def test_a_small_holdout_says_not_enough_data_yet(demo):
    _experiment(demo, "a", 20, 0, 20)
    _experiment(demo, "holdout", 0, 3, 7)  # 10 decided: under the minimum of 30
    db.session.commit()
    rebuild([demo.id])
    [found] = lifts(demo.id, MAY, JUNE)
    assert found.lift is not None and not found.lift.enough_data
    assert not found.enough_data


def test_an_experiment_without_a_holdout_has_no_lift(demo):
    _experiment(demo, "a", 5, 0, 5)
    db.session.commit()
    rebuild([demo.id])
    [found] = lifts(demo.id, MAY, JUNE)
    assert found.lift is None and found.incremental == {}


@pytest.mark.parametrize(
    ("month", "today", "age"),
    [
        (date(2026, 1, 1), date(2026, 1, 31), 0),
        (date(2026, 1, 1), date(2026, 2, 28), 0),  # a 31 January save is not a month old yet
        (date(2026, 1, 1), date(2026, 3, 1), 1),
        (date(2025, 11, 1), date(2026, 2, 15), 2),
    ],
)
def test_a_cohort_is_read_only_as_far_as_all_its_saves_are_old(month, today, age):
    assert age_in_months(month, today) == age


def test_cohorts_count_saves_still_subscribed_after_k_months(demo):
    jan = datetime(2026, 1, 15, 9, 0, tzinfo=UTC)
    decided(demo, "saved", jan, months_kept=0, realized_revenue=0)
    decided(demo, "saved", jan, months_kept=2, realized_revenue=3 * 3675)
    decided(demo, "withdrawn", jan, realized_revenue=5 * 4900)  # still subscribed
    decided(demo, "saved", jan, currency="eur", realized_revenue=3675)
    decided(demo, "cancelled", jan)  # not a save: no cohort
    decided(demo, "saved", datetime(2026, 4, 2, tzinfo=UTC), realized_revenue=0)
    db.session.commit()
    rebuild([demo.id])
    found = cohorts(demo.id, date(2026, 1, 1), date(2026, 5, 1), today=date(2026, 5, 20))
    assert [(c.month, c.currency) for c in found] == [
        (date(2026, 1, 1), "eur"),
        (date(2026, 1, 1), "usd"),
        (date(2026, 4, 1), "usd"),
    ]
    eur, usd, april = found
    # January is 3 whole months old by 20 May: kept at 0, 1, 2 and 3 months.
    assert usd.kept == (3, 2, 2, 1)
    assert usd.saves == 3 and usd.share(1) == pytest.approx(2 / 3)
    assert usd.projected_saved_revenue == 55125 * 2 + 58800
    assert usd.realized_saved_revenue == 3 * 3675 + 5 * 4900
    assert usd.realized_share == pytest.approx((3 * 3675 + 5 * 4900) / (55125 * 2 + 58800))
    assert eur.kept == (1, 1, 1, 1) and eur.realized_saved_revenue == 3675
    assert april.kept == (1,)  # April's saves are not a whole month old for every save
    assert (
        cohorts(demo.id, date(2026, 1, 1), date(2026, 5, 1), date(2026, 5, 20), currency="eur")[0]
        == eur
    )
