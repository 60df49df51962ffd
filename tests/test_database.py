"""Guarantees the database itself enforces, whatever the code above it does."""

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError, IntegrityError

from saveflow.extensions import db
from saveflow.models import Reason, RuleSet, Session, SessionEvent


def raw(sql, **params):
    db.session.rollback()  # a second connection needs the test's transaction out of the way
    with db.engine.begin() as conn:
        conn.execute(text(sql), params)


def started(flow):
    flow.start()
    return db.session.get(Session, flow.session_id)


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE session_events SET type = 'edited'",
        "DELETE FROM session_events",
        "UPDATE audit_log SET action = 'edited'",
        "DELETE FROM audit_log",
    ],
)
def test_logs_are_append_only(flow, sql):
    started(flow)
    with pytest.raises(DBAPIError):
        raw(sql)


def test_published_rule_set_cannot_change_or_vanish(demo):
    with pytest.raises(DBAPIError):
        raw("UPDATE rule_sets SET document = '{}' WHERE app_id = :a", a=demo.id)
    with pytest.raises(DBAPIError):
        raw("DELETE FROM rule_sets WHERE app_id = :a", a=demo.id)
    row = db.session.query(RuleSet).filter_by(app_id=demo.id).one()
    row.document = {"schema": 1, "rules": []}
    with pytest.raises(ValueError):
        db.session.flush()
    db.session.rollback()


def test_one_outcome_stamp_per_session(flow):
    session = started(flow)
    with pytest.raises(IntegrityError):  # an outcome needs its timestamp and the done step
        raw("UPDATE sessions SET outcome = 'cancelled' WHERE id = :s", s=session.id)
    with pytest.raises(IntegrityError):
        raw(
            "UPDATE sessions SET outcome = 'exploded', outcome_at = created_at, step = 'done' "
            "WHERE id = :s",
            s=session.id,
        )
    with pytest.raises(IntegrityError):  # a save names its offer
        raw(
            "UPDATE sessions SET outcome = 'saved', outcome_at = created_at, step = 'done' "
            "WHERE id = :s",
            s=session.id,
        )


def test_rows_cannot_point_into_another_app(flow, demo):
    from saveflow.apps.setup import create_app_with_defaults

    session = started(flow)
    other = create_app_with_defaults("Other", [], actor="test")
    db.session.commit()
    db.session.add(SessionEvent(app_id=other.id, session_id=session.id, seq=99, type="x"))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()
    their_category = db.session.query(Reason).filter_by(app_id=other.id).first().category_id
    db.session.add(Reason(app_id=demo.id, key="sneaky", category_id=their_category, labels={}))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_one_open_session_per_token(flow):
    session = started(flow)
    copy = {c.name: getattr(session, c.name) for c in Session.__table__.columns}
    copy["id"] = "ses_duplicate"
    db.session.add(Session(**copy))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_one_draft_per_app(demo):
    db.session.add(RuleSet(app_id=demo.id, version=10, status="draft", document={}))
    db.session.add(RuleSet(app_id=demo.id, version=11, status="draft", document={}))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_accepted_offer_must_be_the_apps_own(flow):
    session = started(flow)
    with pytest.raises(IntegrityError):
        raw(
            "UPDATE sessions SET accepted_offer_key = 'not_an_offer' WHERE id = :s",
            s=session.id,
        )


def test_postgresql_connections_run_without_jit(app, database):
    """Requests and report reads are small queries: JIT compilation only slows them down."""
    if database[0] != "postgresql":
        pytest.skip("JIT is PostgreSQL's")
    assert db.session.scalar(text("SHOW jit")) == "off"
