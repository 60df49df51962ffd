"""A rebuild on PostgreSQL at scale: it is not cut short by the requests' statement timeout, and
it leaves alone the sessions whose report day does not move."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, text, update

from saveflow.extensions import db
from saveflow.models import Session
from saveflow.reports.rebuild import rebuild, rebuild_app
from tests.reports.conftest import decided


@pytest.fixture(autouse=True)
def postgres_only(app):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("statement timeouts and row versions are PostgreSQL's")


def versions() -> dict[str, str]:
    """Return each session's row version (xmin changes whenever the row is rewritten)."""
    db.session.rollback()
    found = db.session.execute(text("SELECT id, xmin::text FROM sessions"))
    return dict(found.tuples().all())


def test_the_statement_timeout_is_lifted_for_the_rebuild_only(app, demo):
    configured = db.session.execute(text("SHOW statement_timeout")).scalar_one()
    assert configured != "0"  # requests keep theirs (SAVEFLOW_DB_STATEMENT_TIMEOUT_MS)
    db.session.rollback()
    rebuild_app(demo)
    assert db.session.execute(text("SHOW statement_timeout")).scalar_one() == "0"
    db.session.commit()
    assert db.session.execute(text("SHOW statement_timeout")).scalar_one() == configured


def test_only_sessions_whose_day_moves_are_rewritten(app, demo):
    at = datetime.now(UTC).replace(hour=23, minute=30, second=0, microsecond=0) - timedelta(days=3)
    kept = decided(demo, "cancelled", at - timedelta(hours=12))
    moving = decided(demo, "cancelled", at)
    db.session.commit()
    rebuild([demo.id])
    before = versions()
    rebuild([demo.id])
    assert versions() == before  # nothing moved, nothing written
    demo.settings = {**demo.settings, "report_timezone": "Asia/Shanghai"}  # UTC+8
    db.session.commit()
    rebuild([demo.id])
    after = versions()
    assert after[kept.id] == before[kept.id] and after[moving.id] != before[moving.id]
    days = dict(db.session.execute(select(Session.id, Session.report_day)).tuples().all())
    assert days[moving.id] == (at + timedelta(hours=8)).date()
    assert days[kept.id] == at.date()
    db.session.execute(update(Session).values(report_day=None))  # and back, from nothing
    db.session.commit()
    rebuild([demo.id])
    assert dict(db.session.execute(select(Session.id, Session.report_day)).tuples().all()) == days
