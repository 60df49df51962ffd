"""Revision 0006 on the database under test: saves made before it start pending, and the
database refuses a save without a status, a status on anything but a save, and negative revenue."""

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text
from sqlalchemy.exc import IntegrityError

from saveflow.app import MIGRATIONS
from saveflow.extensions import db
from tests.conftest import FlowActions


def _session(client, demo, customer: str, finish: str | None) -> str:
    flow = FlowActions(client, demo)
    assert flow.start(customer=customer, subscription=f"sub_{customer}").status_code == 201
    if finish == "accept":
        offer = flow.answer("too_expensive").json["offers"][0]["id"]
        assert flow.accept(offer).status_code == 200
    elif finish:
        assert flow.post(f"/{finish}").status_code == 200
    return flow.session_id


def _columns() -> set[str]:
    return {c["name"] for c in inspect(db.engine).get_columns("sessions")}


def _raw(sql: str, **params) -> None:
    db.session.rollback()
    with db.engine.begin() as conn:
        conn.execute(text(sql), params)


def test_existing_saves_start_pending_and_the_downgrade_undoes_it(client, demo):
    made = {
        kind: _session(client, demo, f"cus_{kind}", kind)
        for kind in ("accept", "withdraw", "cancel", "abandon")
    }
    made["open"] = _session(client, demo, "cus_open", None)
    db.session.rollback()
    try:
        downgrade(directory=str(MIGRATIONS), revision="0005")
        assert "save_status" not in _columns()
        assert "subscription_states" not in inspect(db.engine).get_table_names()
    finally:
        db.session.rollback()
        upgrade(directory=str(MIGRATIONS))
    tables = inspect(db.engine).get_table_names()
    assert {"billing_events", "subscription_states", "paid_invoices"} <= set(tables)
    rows = {
        r.id: r
        for r in db.session.execute(
            text(
                "SELECT id, outcome, outcome_at, save_status, save_status_at, realized_revenue,"
                " projected_revenue_cut, ended_at, payment_failed_at FROM sessions"
            )
        )
    }
    for kind, session_id in made.items():
        found = rows[session_id]
        assert found.realized_revenue == 0
        assert found.projected_revenue_cut is None and found.ended_at is None
        assert found.payment_failed_at is None
        if kind in ("accept", "withdraw"):
            assert found.save_status == "pending"
            assert found.save_status_at == found.outcome_at
        else:
            assert found.save_status is None and found.save_status_at is None


@pytest.mark.parametrize(
    "kind, sql",
    [
        ("accept", "UPDATE sessions SET save_status = NULL WHERE id = :s"),
        ("accept", "UPDATE sessions SET save_status = 'maybe' WHERE id = :s"),
        ("accept", "UPDATE sessions SET realized_revenue = -1 WHERE id = :s"),
        ("cancel", "UPDATE sessions SET save_status = 'pending' WHERE id = :s"),
        (None, "UPDATE sessions SET save_status = 'confirmed' WHERE id = :s"),
    ],
)
def test_the_database_ties_save_status_to_saves(client, demo, kind, sql):
    session_id = _session(client, demo, "cus_1", kind)
    with pytest.raises(IntegrityError):
        _raw(sql, s=session_id)


def test_a_new_save_starts_pending(client, demo):
    session_id = _session(client, demo, "cus_1", "withdraw")
    found = db.session.execute(
        text("SELECT save_status, save_status_at, outcome_at FROM sessions WHERE id = :s"),
        {"s": session_id},
    ).one()
    assert found.save_status == "pending" and found.save_status_at == found.outcome_at
