"""`flask saveflow demo`: the demo app's seeded history is lifelike, follows the project's own
maths everywhere, agrees with the rollups, runs once, resets only what it seeded, and exists
only under SAVEFLOW_DEMO."""

from collections import Counter, defaultdict
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import delete, func, select
from sqlalchemy.exc import DBAPIError

from saveflow.apps.demo import find_demo_app
from saveflow.billing.models import PaidInvoice, SubscriptionState
from saveflow.demo import cli as demo_cli
from saveflow.demo.history import is_seeded
from saveflow.extensions import db
from saveflow.offers.experiments import HOLDOUT
from saveflow.offers.models import Offer
from saveflow.offers.types import projected_revenue
from saveflow.reports.saved_revenue import ReportQuery, rows
from saveflow.rollups import ledger
from saveflow.sessions.models import SAVES, Session, SessionEvent
from tests.conftest import FlowActions

SESSIONS = 600
NOW = datetime.now(UTC).replace(hour=9, minute=30, second=0, microsecond=0)
CUTOFF = NOW.replace(hour=0, minute=0)  # the seeded history ends where today begins


def run(app, *args):
    return app.test_cli_runner().invoke(args=["saveflow", *args])


@pytest.fixture
def demo_app(app, monkeypatch):
    """The demo app as `make run` makes it, with the clock of the seeding held still."""
    app.config["SAVEFLOW_DEMO"] = True
    monkeypatch.setattr(demo_cli, "utcnow", lambda: NOW)
    made = run(app, "init")
    assert made.exit_code == 0, made.output
    return find_demo_app()


def seeded(app_id: str) -> list[Session]:
    db.session.rollback()
    query = select(Session).where(Session.app_id == app_id, is_seeded()).order_by(Session.id)
    return list(db.session.scalars(query))


def events_by_session(app_id: str) -> dict[str, list[SessionEvent]]:
    found = defaultdict(list)
    query = select(SessionEvent).where(SessionEvent.app_id == app_id)
    for event in db.session.scalars(query.order_by(SessionEvent.session_id, SessionEvent.seq)):
        found[event.session_id].append(event)
    return found


def test_refused_without_saveflow_demo(app, demo):
    result = run(app, "demo", "--sessions", "10")
    assert result.exit_code != 0 and "SAVEFLOW_DEMO=1" in result.output
    assert db.session.scalar(select(func.count()).select_from(Session)) == 0


def test_refused_without_a_demo_app(app, demo):
    app.config["SAVEFLOW_DEMO"] = True
    result = run(app, "demo", "--sessions", "10")
    assert result.exit_code != 0 and "saveflow init" in result.output


def test_seeds_months_of_lifelike_history(app, demo_app):
    result = run(app, "demo", "--sessions", str(SESSIONS))
    assert result.exit_code == 0, result.output
    sessions = seeded(demo_app.id)
    assert len(sessions) == SESSIONS and all(s.outcome for s in sessions)
    months = {s.report_day.strftime("%Y-%m") for s in sessions}
    assert len(months) >= 7  # eight months back from today, partial ones at both ends
    assert max(s.outcome_at for s in sessions) < CUTOFF
    assert len({s.currency for s in sessions}) >= 3
    assert len({s.plan for s in sessions}) >= 4
    outcomes = Counter(s.outcome for s in sessions)
    assert set(outcomes) == {"saved", "withdrawn", "cancelled", "abandoned", "recovered"}
    statuses = Counter(s.save_status for s in sessions if s.outcome in SAVES)
    assert set(statuses) == {"pending", "confirmed", "boomerang"}
    assert {s.mode for s in sessions} == {"live", "test"}
    reasons = {s.reason_category for s in sessions if s.reason_category}
    assert len(reasons) >= 8


def test_experiment_has_variants_and_a_holdout_that_sees_no_offers(app, demo_app):
    run(app, "demo", "--sessions", str(SESSIONS))
    tested = [s for s in seeded(demo_app.id) if s.experiment_key]
    variants = Counter(s.variant for s in tested)
    assert HOLDOUT in variants and len(variants) >= 3
    assert len({s.experiment_key for s in tested}) == 1
    holdout = [s for s in tested if s.variant == HOLDOUT]
    assert all(s.offer_keys == [] and s.shown_offer_key is None for s in holdout)
    assert {s.outcome for s in holdout} <= {"withdrawn", "cancelled", "abandoned"}
    treated = [s for s in tested if s.variant != HOLDOUT]
    assert all(s.offer_keys for s in treated)
    assert {s.outcome for s in treated} >= {"saved", "cancelled"}


def test_revenue_and_report_columns_follow_the_projects_own_maths(app, demo_app):
    run(app, "demo", "--sessions", str(SESSIONS))
    offers = {o.key: o for o in db.session.scalars(select(Offer))}
    zone = ledger.timezone_of(demo_app.settings)
    kinds = {key: offer.type for key, offer in offers.items()}
    for s in seeded(demo_app.id):
        report = ledger.decision_values(
            s, s.outcome, s.outcome_at, zone, kinds.get, accepted=s.accepted_offer_key
        )
        for name, value in report.items():
            if name != "months_kept":
                assert getattr(s, name) == value, (s.id, name)
        if s.outcome not in SAVES:
            assert s.months_kept is None and s.saved_mrr is None and s.realized_revenue == 0
            continue
        offer = offers.get(s.accepted_offer_key or "")
        booked = projected_revenue(
            s.snapshot, offer and offer.type, offer and offer.params, s.horizon_months
        )
        assert (s.saved_mrr, s.projected_revenue, s.offer_cost) == (
            booked.saved_mrr,
            booked.projected_revenue,
            booked.offer_cost,
        )
        assert s.months_kept == ledger.kept_for(s.outcome_at, s.ended_at)
        # validate-saves runs daily: a save is confirmed on the first run 30 days or more after it.
        if s.save_status == "confirmed":
            assert s.outcome_at <= CUTOFF - timedelta(days=30)
        if s.save_status == "pending":
            assert s.outcome_at > CUTOFF - timedelta(days=31)
        if s.save_status == "boomerang":
            assert s.ended_at is not None
            assert 0 <= s.projected_revenue_cut <= s.projected_revenue
        else:
            assert s.projected_revenue_cut is None


def test_realized_revenue_is_the_sum_of_the_invoices_paid_after_the_save(app, demo_app):
    run(app, "demo", "--sessions", str(SESSIONS))
    paid = defaultdict(list)
    for invoice in db.session.scalars(select(PaidInvoice)):
        paid[invoice.subscription].append(invoice)
    states = {s.subscription: s for s in db.session.scalars(select(SubscriptionState))}
    logs = events_by_session(demo_app.id)
    saves = [s for s in seeded(demo_app.id) if s.outcome in SAVES]
    assert sum(1 for s in saves if s.realized_revenue) > len(saves) / 3
    for s in saves:
        invoices = paid.get(s.subscription, [])
        assert sum(i.amount_paid for i in invoices) == s.realized_revenue, s.id
        for invoice in invoices:
            assert invoice.currency == s.currency and invoice.mode == s.mode
            assert s.outcome_at <= invoice.paid_at < CUTOFF
            assert s.ended_at is None or invoice.paid_at <= s.ended_at
        if invoices or s.ended_at:
            assert states[s.subscription].ends_at == s.ended_at
        realized = [e for e in logs[s.id] if e.type == "realized_revenue"]
        assert len(realized) == len(invoices)
        if realized:
            assert realized[-1].data["realized_revenue"] == s.realized_revenue
    assert set(paid) <= {s.subscription for s in saves}


def test_every_session_has_an_event_log_in_order(app, demo_app):
    run(app, "demo", "--sessions", str(SESSIONS))
    logs = events_by_session(demo_app.id)
    window = timedelta(days=90)
    for s in seeded(demo_app.id):
        log = logs[s.id]
        types = [e.type for e in log]
        assert [e.seq for e in log] == list(range(1, len(log) + 1)) and s.event_seq == len(log)
        assert [e.at for e in log] == sorted(e.at for e in log)
        assert types[0] == "started" and s.outcome in types
        assert next(e for e in log if e.type == s.outcome).at == s.outcome_at
        if s.reason_key:
            assert types[1:3] == ["answered", "offers_decided"]
        confirmed = [e for e in log if e.type == "save_confirmed"]
        boomerang = [e for e in log if e.type == "save_boomerang"]
        assert bool(boomerang) == (s.save_status == "boomerang")
        if s.save_status == "confirmed":
            assert confirmed
        if boomerang:
            assert boomerang[0].at <= s.outcome_at + window
            assert boomerang[0].data["was"] == ("confirmed" if confirmed else "pending")


def test_rollups_equal_the_sessions(app, demo_app):
    run(app, "demo", "--sessions", str(SESSIONS))
    start = (CUTOFF - timedelta(days=400)).date()
    end = (CUTOFF + timedelta(days=1)).date()
    groupings = [(), ("month",), ("offer_type",), ("reason_category",), ("plan",), ("variant",)]
    groupings += [("month", "offer_type"), ("day",), ("offer",)]
    for mode in ("live", "test"):
        for group_by in groupings:
            q = ReportQuery(demo_app.id, start, end, group_by, mode=mode)
            found = rows(q)
            assert found and found == rows(q, source="sessions"), (mode, group_by)


def test_a_second_run_does_nothing_and_reset_replaces_only_the_seeded_history(
    app, client, demo_app
):
    run(app, "demo", "--sessions", "150")
    first = [(s.id, s.outcome, s.realized_revenue) for s in seeded(demo_app.id)]
    events = db.session.scalar(select(func.count()).select_from(SessionEvent))
    again = run(app, "demo", "--sessions", "150")
    assert again.exit_code == 0 and "already has 150 sessions" in again.output
    assert db.session.scalar(select(func.count()).select_from(SessionEvent)) == events

    flow = FlowActions(client, demo_app)
    # A visitor's own attribute of the same name is not the seeding's mark.
    visiting = {"first_name": "Ada", "demo_history": True}
    started = flow.start(customer="cus_visitor", subscription="sub_visitor", attributes=visiting)
    assert started.status_code == 201
    assert flow.answer("too_expensive").status_code == 200
    assert flow.post("/cancel").status_code == 200

    reset = run(app, "demo", "--sessions", "150", "--reset")
    assert reset.exit_code == 0, reset.output
    assert [(s.id, s.outcome, s.realized_revenue) for s in seeded(demo_app.id)] == first
    visitor = db.session.get(Session, flow.session_id)
    assert visitor is not None and visitor.outcome == "cancelled"
    assert len(events_by_session(demo_app.id)[flow.session_id]) >= 3
    with pytest.raises(DBAPIError, match="append-only"):
        db.session.execute(delete(SessionEvent).where(SessionEvent.session_id == flow.session_id))
    db.session.rollback()


def test_the_experiment_the_history_ran_is_left_running(app, demo_app):
    """The reports show the experiment's lift; the experiments page must show it too."""
    from saveflow.demo import catalog
    from saveflow.offers.experiment_setup import RUNNING
    from saveflow.offers.experiment_setup import catalog as experiments

    run(app, "demo", "--sessions", str(SESSIONS))
    db.session.rollback()
    running = [e for e in experiments(demo_app.id) if e.status == RUNNING]
    assert [e.key for e in running] == [catalog.EXPERIMENT_KEY]
    tested = {s.variant for s in seeded(demo_app.id) if s.experiment_key}
    assert tested == {v.name for v in running[0].variants} | {HOLDOUT}
