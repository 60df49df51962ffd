"""Revision 0010 on the database under test: sessions decided before it get their report
columns from what they stored, and the rollups it fills equal what a rebuild writes."""

from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, select

from saveflow.app import MIGRATIONS
from saveflow.extensions import db
from saveflow.models import Session
from saveflow.reports.rebuild import rebuild
from saveflow.rollups.models import ReportCohort, ReportDay
from tests.test_migration_0006 import _session


def _rollups() -> set[tuple]:
    db.session.rollback()
    found = set()
    for model in (ReportDay, ReportCohort):
        columns = model.__table__.columns
        found |= {
            (model.__tablename__, *(getattr(r, c.key) for c in columns))
            for r in db.session.scalars(select(model))
        }
    return found


def test_sessions_decided_before_it_are_reported_as_a_rebuild_would(client, demo):
    made = {
        kind: _session(client, demo, f"cus_{kind}", kind)
        for kind in ("accept", "withdraw", "cancel", "abandon")
    }
    made["open"] = _session(client, demo, "cus_open", None)
    db.session.rollback()
    expected = {
        s.id: (s.report_day, s.shown_offer_key, s.shown_offer_type, s.reason_category, s.plan)
        for s in db.session.scalars(select(Session))
    }
    written = _rollups()
    assert written  # the decisions above were counted as they happened
    db.session.rollback()
    try:
        downgrade(directory=str(MIGRATIONS), revision="0009")
        tables = inspect(db.engine).get_table_names()
        assert "report_days" not in tables and "report_cohorts" not in tables
    finally:
        db.session.rollback()
        upgrade(directory=str(MIGRATIONS))
    db.session.rollback()
    backfilled = {
        s.id: (s.report_day, s.shown_offer_key, s.shown_offer_type, s.reason_category, s.plan)
        for s in db.session.scalars(select(Session))
    }
    assert backfilled == expected
    assert backfilled[made["open"]] == (None, None, None, None, None)
    assert backfilled[made["accept"]][2] == "discount"
    assert _rollups() == written
    rebuild([demo.id])
    assert _rollups() == written
