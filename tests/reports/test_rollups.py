"""The daily rollups equal the sessions table after every kind of change, and the report's
figures are the ones worked out by hand.

Every save here is 49.00/month: 25% off for 3 months accepted books saved MRR 4900 and a
12-month projection of 3 × 3675 + 9 × 4900 = 55125 (offer cost 58800 − 55125 = 3675); a
withdrawal books 12 × 4900 = 58800 at no cost.
"""

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select, update

from saveflow.db import utcnow
from saveflow.extensions import db
from saveflow.models import Session
from saveflow.reports.rebuild import rebuild
from saveflow.reports.saved_revenue import GROUPS, ReportQuery, rows
from saveflow.rollups.models import ReportCohort, ReportDay
from saveflow.saves.settings import current_rules
from saveflow.saves.validate import validate_saves
from saveflow.sessions.outcomes import sweep_idle
from tests.saves.conftest import age, event, invoice, saved_at, subscription

DAY = timedelta(days=1)


def query(app_id, group_by=(), **kwargs) -> ReportQuery:
    today = utcnow().date()
    return ReportQuery(app_id, today - 400 * DAY, today + 2 * DAY, tuple(group_by), **kwargs)


def rollup_rows() -> set[tuple]:
    db.session.rollback()
    return {
        tuple(getattr(r, c.key) for c in ReportDay.__table__.columns)
        for r in db.session.scalars(select(ReportDay))
    } | {
        tuple(getattr(r, c.key) for c in ReportCohort.__table__.columns)
        for r in db.session.scalars(select(ReportCohort))
    }


def assert_rollups_match_sessions(app_id: str) -> None:
    """Every grouping, both modes: the rollups say what the sessions say, and a rebuild agrees."""
    db.session.rollback()
    for mode in ("live", "test"):
        for group in GROUPS:
            for group_by in ((group,), ("month", group)):
                q = query(app_id, group_by, mode=mode)
                assert rows(q) == rows(q, source="sessions"), (mode, group_by)
    kept = rollup_rows()
    rebuild([app_id])
    assert rollup_rows() == kept


def cancel(shop, sub: str) -> str:
    flow = shop.open(sub)
    flow.answer("too_expensive")
    assert flow.post("/cancel").status_code == 200
    return flow.session_id


def test_each_outcome_counts_once_with_the_figures_worked_out_by_hand(shop, demo):
    shop.save("sub_1")
    shop.save("sub_2", how="withdraw")
    cancel(shop, "sub_3")
    idle = shop.open("sub_4").session_id
    db.session.execute(
        update(Session)
        .where(Session.id == idle)
        .values(last_seen_at=utcnow() - timedelta(minutes=90))
    )
    db.session.commit()
    assert sweep_idle(utcnow(), 30) == 1
    shop.save("sub_5", mode="test")  # test mode: never in a live report
    shop.open("sub_6")  # still open: not decided, not counted

    [live] = rows(query(demo.id))
    assert live == {
        "currency": "usd",
        "sessions": 4,
        "saved": 1,
        "withdrawn": 1,
        "cancelled": 1,
        "abandoned": 1,
        "deflection_rate": 0.6667,  # (1 + 1) / (1 + 1 + 1); abandoned is not in it
        "saved_mrr": 9800,
        "projected_saved_revenue": 55125 + 58800,
        "offer_cost": 3675,
        "realized_saved_revenue": 0,
        "recovered": 0,
        "pending": 2,
        "confirmed": 0,
        "boomerang": 0,
    }
    [test] = rows(query(demo.id, mode="test"))
    assert (test["sessions"], test["saved"], test["saved_mrr"]) == (1, 1, 4900)
    by_type = {r["offer_type"]: r for r in rows(query(demo.id, ["offer_type"]))}
    # The save took the discount; the cancel was last shown the same first offer; the
    # withdrawal and the idle session decided with no offer on show, or none at all.
    assert by_type["discount"]["saved"] == 1
    assert sum(r["sessions"] for r in by_type.values()) == 4
    assert_rollups_match_sessions(demo.id)


def paid(sub, invoice_id, amount, at):
    return event("invoice.paid", invoice(invoice_id, sub, amount, at), at)


def test_invoices_and_a_boomerang_move_the_rollups_and_the_cohort(shop, demo):
    sid = shop.save("sub_1")
    shop.connect()
    s = saved_at(sid)
    shop.deliver(paid("sub_1", "in_1", 3675, s + DAY), paid("sub_1", "in_2", 3675, s + 31 * DAY))
    [before] = rows(query(demo.id))
    assert (before["realized_saved_revenue"], before["pending"]) == (7350, 1)
    shop.deliver(
        event(
            "customer.subscription.deleted",
            subscription("sub_1", "canceled", canceled_at=s + 40 * DAY, ended_at=s + 40 * DAY),
            s + 40 * DAY,
        )
    )
    [after] = rows(query(demo.id))
    # 40 days = 40 / (365 / 12) months of the 55125 projection: 55125 × 40 × 12 / 365 / 12.
    assert (after["boomerang"], after["pending"]) == (1, 0)
    assert after["projected_saved_revenue"] == round(55125 / 12 * 40 / (365 / 12))
    assert after["realized_saved_revenue"] == 7350
    db.session.rollback()
    [cohort] = db.session.scalars(select(ReportCohort)).all()
    assert (cohort.saves, cohort.months_kept, cohort.realized_saved_revenue) == (1, 1, 7350)
    assert_rollups_match_sessions(demo.id)


def test_a_confirmed_save_moves_from_pending_to_confirmed(shop, demo, app):
    sid = shop.save("sub_1")
    age(sid, 31)
    rebuild([demo.id])  # moved in time behind the rollups' back: count it on its new day
    summary = validate_saves(utcnow(), current_rules(), _billing_settings(app))
    assert summary.confirmed == 1
    [found] = rows(query(demo.id))
    assert (found["pending"], found["confirmed"]) == (0, 1)
    assert_rollups_match_sessions(demo.id)


def _billing_settings(app):
    from saveflow.billing.settings import current_settings

    with app.app_context():
        return current_settings()


def test_currencies_are_never_added_together(shop, demo):
    shop.save("sub_1")
    flow = shop.open("sub_eur")
    db.session.execute(update(Session).where(Session.id == flow.session_id).values(currency="eur"))
    db.session.commit()
    offer = flow.answer("too_expensive").json["offers"][0]["id"]
    assert flow.accept(offer).status_code == 200
    found = {r["currency"]: r for r in rows(query(demo.id, ["month"]))}
    assert set(found) == {"eur", "usd"}
    assert found["usd"]["saved_mrr"] == found["eur"]["saved_mrr"] == 4900
    assert len(rows(query(demo.id, currency="EUR"))) == 1
    assert_rollups_match_sessions(demo.id)


def _decide_at(session_id: str, moment: datetime) -> None:
    db.session.execute(update(Session).where(Session.id == session_id).values(outcome_at=moment))
    db.session.commit()


@pytest.mark.parametrize(
    ("zone", "month"),
    [("UTC", "2026-03"), ("Asia/Shanghai", "2026-04"), ("America/Los_Angeles", "2026-03")],
)
def test_months_are_the_report_time_zones(shop, demo, zone, month):
    sid = shop.save("sub_1")
    # 18:00 UTC on 31 March is already 1 April in Shanghai (UTC+8), still March in California.
    _decide_at(sid, datetime(2026, 3, 31, 18, 0, tzinfo=UTC))
    db.session.rollback()
    demo_app = db.session.merge(demo)
    demo_app.settings = {**demo_app.settings, "report_timezone": zone}
    db.session.commit()
    rebuild([demo.id])
    q = ReportQuery(demo.id, date(2026, 3, 1), date(2026, 5, 1), ("month",))
    assert [(r["month"], r["saved"]) for r in rows(q)] == [(month, 1)]
    assert rows(q) == rows(q, source="sessions")


def test_a_month_boundary_splits_sessions_into_their_own_months(shop, demo):
    first, second = shop.save("sub_1"), shop.save("sub_2")
    _decide_at(first, datetime(2026, 2, 28, 23, 59, 59, tzinfo=UTC))
    _decide_at(second, datetime(2026, 3, 1, 0, 0, 0, tzinfo=UTC))
    rebuild([demo.id])
    q = ReportQuery(demo.id, date(2026, 2, 1), date(2026, 4, 1), ("month",))
    assert [(r["month"], r["sessions"]) for r in rows(q)] == [("2026-02", 1), ("2026-03", 1)]
    # The range's end is excluded: March alone.
    march = ReportQuery(demo.id, date(2026, 3, 1), date(2026, 4, 1))
    assert rows(march)[0]["sessions"] == 1


def test_a_decision_in_a_non_utc_zone_is_booked_on_its_local_day(shop, demo):
    db.session.rollback()
    demo_app = db.session.merge(demo)
    demo_app.settings = {**demo_app.settings, "report_timezone": "Pacific/Kiritimati"}  # UTC+14
    db.session.commit()
    sid = shop.save("sub_1")
    db.session.rollback()
    found = db.session.get(Session, sid)
    assert found is not None and found.outcome_at is not None
    assert found.report_day == (found.outcome_at + timedelta(hours=14)).date()
    assert_rollups_match_sessions(demo.id)


def test_concurrent_decisions_in_one_group_lose_no_count(app, shop, demo):
    """Eight customers save at the same moment: their rollup row is one hot row, and the upsert
    adds each save to it exactly once (on SQLite the writers simply take turns)."""
    import threading

    from tests.conftest import FlowActions

    flows = []
    for n in range(8):
        flow = shop.open(f"sub_race_{n}")
        offer = flow.answer("too_expensive").json["offers"][0]["id"]
        flows.append((flow, offer))
    db.session.rollback()
    barrier = threading.Barrier(len(flows))
    codes: list[int] = []

    def accept(flow: FlowActions, offer: str) -> None:
        with app.app_context():
            mine = FlowActions(app.test_client(), demo)
            mine.session_id, mine.token = flow.session_id, flow.token
            barrier.wait()
            codes.append(mine.accept(offer).status_code)

    threads = [threading.Thread(target=accept, args=pair) for pair in flows]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert codes == [200] * len(flows)
    [found] = rows(query(demo.id))
    assert (found["saved"], found["saved_mrr"]) == (8, 8 * 4900)
    assert_rollups_match_sessions(demo.id)


def test_the_ledger_reads_what_sessions_hold():
    """The rollups sit below the sessions and import nothing of them: their copy of what counts
    as a save, and the columns their facts are read from, must be the sessions' own."""
    from saveflow.rollups.ledger import FACT_NAMES, fact_columns
    from saveflow.rollups.models import SAVE_OUTCOMES
    from saveflow.sessions.models import SAVES

    assert SAVE_OUTCOMES == SAVES
    assert [c.key for c in fact_columns(Session)] == list(FACT_NAMES)
