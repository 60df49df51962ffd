"""An experiment's results page shows the lift over its holdout, from the report rollups."""

from datetime import UTC, datetime, timedelta

from saveflow.extensions import db
from saveflow.money import points
from saveflow.offers import experiment_setup as setup
from saveflow.reports.lift import difference_interval
from tests.admin.conftest import sign_in_as
from tests.admin.test_experiments import EXPERIMENT, RULE
from tests.reports.factory import decided, rebuild

KEY = EXPERIMENT["key"]


def _group(demo, variant: str, stayed: str, n_stayed: int, n_cancelled: int, mode="live"):
    start = datetime(2026, 2, 1, 9, tzinfo=UTC)
    for i in range(n_stayed + n_cancelled):
        outcome = stayed if i < n_stayed else "cancelled"
        offer = None if variant == "holdout" else "discount_25_3m"
        decided(demo, outcome, start + timedelta(hours=i), offer=offer, experiment=KEY,
                variant=variant, projected=55125, cost=3675, mode=mode)  # fmt: skip


def _page(client, demo, mode="live"):
    url = f"/admin/apps/{demo.id}/experiments/{RULE}/results?key={KEY}&mode={mode}"
    response = client.get(url)
    assert response.status_code == 200
    return response.text


def test_the_lift_with_its_interval_and_incremental_revenue(demo, make_user, admin, client):
    setup.change(demo.id, RULE, EXPERIMENT, "test")
    _group(demo, "control", "saved", 30, 10)  # 30 of 40 stay
    _group(demo, "holdout", "withdrawn", 10, 30)  # 10 of 40 stay
    rebuild(demo)
    sign_in_as("viewer", demo, make_user, admin)
    html = _page(client, demo)
    diff, low, high = difference_interval(30, 40, 10, 40)
    assert diff == 0.5
    assert "+50 pts" in html
    assert f"95% interval {points(low)} to {points(high)}" in html
    # 0.5 × 40 treated decided × 551.25 projected per save.
    assert "+11,025.00 USD" in html
    assert "75% · 25%" in html
    assert 'aria-labelledby="lift-wide-t lift-wide-d"' in html  # the interval, drawn
    assert "one mode at a time" not in html
    assert "choose Live or Test" in _page(client, demo, "both")


def test_too_few_sessions_say_so_and_no_holdout_says_so(demo, make_user, admin, client):
    setup.change(demo.id, RULE, EXPERIMENT, "test")
    _group(demo, "control", "saved", 8, 4)
    sign_in_as("viewer", demo, make_user, admin)
    rebuild(demo)
    assert "No holdout session has been decided yet" in _page(client, demo)
    _group(demo, "holdout", "withdrawn", 3, 9)
    rebuild(demo)
    html = _page(client, demo)
    assert "Not enough data yet" in html and "so far 12 treated and 12 in the holdout" in html
    assert "+50 pts" not in html and "Incremental saved revenue" not in html
    db.session.rollback()
