"""Worked numbers through the reports API: sessions with figures computed by hand.

The app reports in New York time, so two sessions fall in another month than in UTC: one
withdrawn at 23:30 on 31 January (04:30 UTC on 1 February) and one cancelled at 23:00 on
31 December 2024 (04:00 UTC on 1 January).
"""

import csv
import io
from datetime import UTC, datetime

import pytest
from sqlalchemy.orm.attributes import flag_modified

from saveflow.extensions import db
from tests.api.conftest import decide, rebuild_reports

# The money each save books (see docs/revenue.md): 49.00 a month, 25% off for 3 months over
# 12 months is 36.75 × 3 + 49 × 9 = 551.25, cost 36.75; 39.00 a month the same way is
# 29.25 × 3 + 39 × 9 = 438.75, cost 29.25; a pause of 2 months costs 98.00.
DISCOUNT = {"offer": "discount_25_3m", "offer_type": "discount"}
PAUSE = {"offer": "pause_2m", "offer_type": "pause"}


def _at(*parts) -> datetime:
    return datetime(*parts, tzinfo=UTC)


@pytest.fixture
def history(demo):
    demo.settings = {**(demo.settings or {}), "report_timezone": "America/New_York"}
    flag_modified(demo, "settings")
    decide(demo, "cancelled", _at(2025, 1, 1, 4, 0), **DISCOUNT)  # 31 Dec in New York
    decide(
        demo,
        "saved",
        _at(2025, 1, 10, 15),
        **DISCOUNT,
        saved_mrr=4900,
        projected=55125,
        cost=3675,
        realized=3675,
        status="confirmed",
    )
    decide(demo, "cancelled", _at(2025, 1, 20, 12), **DISCOUNT)
    # Withdrawn without an offer on show: the whole 49.00 × 12 is projected, at no cost.
    decide(demo, "withdrawn", _at(2025, 2, 1, 4, 30), saved_mrr=4900, projected=58800)
    # A pause that came back as a cancel: its 490.00 projection is cut to 120.00.
    decide(
        demo,
        "saved",
        _at(2025, 2, 1, 5, 30),
        **PAUSE,
        saved_mrr=4900,
        projected=49000,
        cut=12000,
        cost=9800,
        realized=4900,
        status="boomerang",
    )
    decide(demo, "abandoned", _at(2025, 2, 10, 9))
    decide(demo, "recovered", _at(2025, 2, 11, 9))  # a failed payment fixed: not a decision
    decide(
        demo,
        "saved",
        _at(2025, 2, 12, 9),
        **DISCOUNT,
        currency="eur",
        saved_mrr=3900,
        projected=43875,
        cost=2925,
    )
    decide(
        demo,
        "saved",
        _at(2025, 1, 15, 9),
        **DISCOUNT,
        mode="test",
        saved_mrr=4900,
        projected=55125,
        cost=3675,
    )
    rebuild_reports()
    return demo


def _row(group: dict, currency: str, **figures) -> dict:
    counts = ("sessions", "saved", "withdrawn", "cancelled", "abandoned", "recovered")
    money = ("saved_mrr", "projected_saved_revenue", "offer_cost", "realized_saved_revenue")
    statuses = ("pending", "confirmed", "boomerang")
    row = {**group, "currency": currency}
    for name in (*counts, *money, *statuses):
        row[name] = figures.get(name, 0)
    row["deflection_rate"] = figures.get("deflection_rate")
    return row


def _by_key(rows: list[dict]) -> list[dict]:
    return [dict(sorted(r.items())) for r in rows]


def test_month_and_offer_type_by_hand(history, reporters):
    token = reporters.token_for("finance", history.id)
    response = reporters.get(
        token, **{"from": "2025-01", "to": "2025-02"}, group_by="month,offer_type"
    )
    assert response.status_code == 200, response.json
    body = response.json
    assert (body["app"], body["timezone"], body["from"], body["to"], body["mode"]) == (
        history.id,
        "America/New_York",
        "2025-01",
        "2025-02",
        "live",
    )
    assert body["columns"][:3] == ["month", "offer_type", "currency"]
    jan, feb = {"month": "2025-01"}, {"month": "2025-02"}
    expected = [
        _row({**jan, "offer_type": None}, "usd", sessions=1, withdrawn=1, deflection_rate=1.0,
             saved_mrr=4900, projected_saved_revenue=58800, pending=1),
        _row({**jan, "offer_type": "discount"}, "usd", sessions=2, saved=1, cancelled=1,
             deflection_rate=0.5, saved_mrr=4900, projected_saved_revenue=55125,
             offer_cost=3675, realized_saved_revenue=3675, confirmed=1),
        _row({**feb, "offer_type": None}, "usd", sessions=2, abandoned=1, recovered=1),
        _row({**feb, "offer_type": "discount"}, "eur", sessions=1, saved=1, deflection_rate=1.0,
             saved_mrr=3900, projected_saved_revenue=43875, offer_cost=2925, pending=1),
        _row({**feb, "offer_type": "pause"}, "usd", sessions=1, saved=1, deflection_rate=1.0,
             saved_mrr=4900, projected_saved_revenue=12000, offer_cost=9800,
             realized_saved_revenue=4900, boomerang=1),
    ]  # fmt: skip
    assert _by_key(body["rows"]) == _by_key(expected)
    # Rows come in the order of the groups asked for, then currency; keys in column order.
    assert [list(row) for row in body["rows"]] == [body["columns"]] * len(expected)


def test_no_grouping_gives_one_row_per_currency(history, reporters):
    token = reporters.token_for("finance", history.id)
    body = reporters.get(token, **{"from": "2025-01", "to": "2025-02"}).json
    # usd: 2 saved + 1 withdrawn of 4 decisions (abandoned and recovered are none): 0.75.
    assert _by_key(body["rows"]) == _by_key(
        [
            _row({}, "eur", sessions=1, saved=1, deflection_rate=1.0, saved_mrr=3900,
                 projected_saved_revenue=43875, offer_cost=2925, pending=1),
            _row({}, "usd", sessions=6, saved=2, withdrawn=1, cancelled=1, abandoned=1, recovered=1,
                 deflection_rate=0.75, saved_mrr=14700,
                 projected_saved_revenue=55125 + 58800 + 12000, offer_cost=3675 + 9800,
                 realized_saved_revenue=3675 + 4900, pending=1, confirmed=1, boomerang=1),
        ]
    )  # fmt: skip


def test_months_are_the_apps_local_months(history, reporters):
    token = reporters.token_for("finance", history.id)
    by_month = reporters.get(
        token, **{"from": "2024-12", "to": "2025-02"}, group_by="month", currency="USD"
    ).json
    assert by_month["currency"] == "usd"
    sessions = {row["month"]: row["sessions"] for row in by_month["rows"]}
    # In UTC these would be December 0, January 3 and February 4.
    assert sessions == {"2024-12": 1, "2025-01": 3, "2025-02": 3}
    january = reporters.get(token, **{"from": "2025-01", "to": "2025-01"}, group_by="day").json
    assert [row["day"] for row in january["rows"]] == ["2025-01-10", "2025-01-20", "2025-01-31"]


def test_test_mode_only_when_asked(history, reporters):
    token = reporters.token_for("finance", history.id)
    live = reporters.get(token, **{"from": "2025-01", "to": "2025-01"}).json["rows"]
    test = reporters.get(token, **{"from": "2025-01", "to": "2025-01"}, mode="test").json
    assert sum(row["sessions"] for row in live) == 3
    assert test["mode"] == "test"
    assert [(r["sessions"], r["saved"], r["projected_saved_revenue"]) for r in test["rows"]] == [
        (1, 1, 55125)
    ]


def test_csv_and_json_agree(history, reporters):
    token = reporters.token_for("finance", history.id)
    params = {"from": "2025-01", "to": "2025-02", "group_by": "month,offer_type,variant"}
    body = reporters.get(token, **params).json
    exported = reporters.get(token, **params, format="csv")
    assert exported.status_code == 200
    lines = list(csv.reader(io.StringIO(exported.text)))
    assert lines[0] == body["columns"]
    assert len(lines) == len(body["rows"]) + 1
    for cells, row in zip(lines[1:], body["rows"], strict=True):
        for name, cell in zip(body["columns"], cells, strict=True):
            value = row[name]
            if value is None:
                assert cell == "", name
            elif isinstance(value, float):
                assert float(cell) == value, name
            else:
                assert cell == str(value), name


def test_csv_of_the_worked_example(history, reporters):
    token = reporters.token_for("finance", history.id)
    exported = reporters.get(token, **{"from": "2025-01", "to": "2025-01"}, format="csv")
    assert exported.headers["Content-Disposition"] == (
        f"attachment; filename=saved-revenue-{history.id}-2025-01-2025-01.csv"
    )
    assert exported.text.splitlines()[1] == "usd,3,1,1,1,0,0.6667,9800,113925,3675,3675,0,1,1,0"


def test_the_current_month_by_default(demo, flow, reporters):
    """Sessions decided through the real flow are in this month's row at once."""
    flow.start(customer="cus_saved")
    flow.answer("too_expensive")
    assert flow.accept("discount_25_3m").json["outcome"] == "saved"
    flow.start(customer="cus_withdrawn")
    assert flow.post("/withdraw").json["outcome"] == "withdrawn"
    flow.start(customer="cus_cancelled")
    flow.answer("too_expensive")
    assert flow.post("/cancel").json["outcome"] == "cancelled"
    body = reporters.get(reporters.token_for("admin", demo.id)).json
    now = datetime.now(UTC)
    assert body["to"] == f"{now:%Y-%m}"
    assert (
        int(body["to"][:4]) * 12
        + int(body["to"][5:])
        - (int(body["from"][:4]) * 12 + int(body["from"][5:]))
        == 11
    )
    (row,) = body["rows"]
    assert (row["currency"], row["sessions"], row["saved"], row["withdrawn"], row["cancelled"]) == (
        "usd",
        3,
        1,
        1,
        1,
    )
    assert row["deflection_rate"] == 0.6667
    assert (row["saved_mrr"], row["projected_saved_revenue"], row["offer_cost"]) == (
        4900 + 4900,
        55125 + 58800,
        3675,
    )
    db.session.rollback()
