"""Whole flows through HTTP, one per outcome, plus the state machine's edges."""

import pytest
from sqlalchemy import func, select

from saveflow.extensions import db
from saveflow.models import AuditEntry, OfferAcceptance, Session, SessionEvent


def events(session_id):
    return [
        e.type
        for e in db.session.scalars(
            select(SessionEvent)
            .where(SessionEvent.session_id == session_id)
            .order_by(SessionEvent.seq)
        )
    ]


def test_start_returns_survey_in_locale(flow):
    response = flow.start(locale="zh-Hans")
    assert response.status_code == 201
    body = response.json
    assert body["step"] == "survey"
    assert body["session_token"].startswith("st_")
    assert body["compliance"] == {"mode": "standard", "max_offers": 2, "survey_required": False}
    assert body["survey"]["question"].startswith("在您离开之前")
    labels = {r["id"]: r["label"] for r in body["survey"]["reasons"]}
    assert labels["too_expensive"] == "价格太贵"
    assert body["survey"]["reasons"][-1]["id"] == "other"


def test_saved_flow_books_revenue_and_records_effect(flow):
    flow.start()
    answered = flow.answer("too_expensive", "it costs too much for our team")
    assert answered.status_code == 200
    body = answered.json
    assert body["classification"]["category"] == "too_expensive"
    assert body["classification"]["voluntary"] is True
    offer = body["offers"][0]
    assert offer["id"] == "discount_25_3m" and offer["type"] == "discount"
    assert offer["terms"]["price_after"] == 3675 and offer["terms"]["months"] == 3

    accepted = flow.accept("discount_25_3m")
    assert accepted.status_code == 200
    result = accepted.json
    assert result["outcome"] == "saved"
    assert result["effective"]["action"] == "apply_discount"
    assert result["effective"]["status"] == "host_applies"
    # 4900/month, 25% off for 3 of 12 months: 4900*0.75*3 + 4900*9 = 55125; cost 58800-55125.
    assert result["saved_revenue"] == {
        "currency": "usd",
        "saved_mrr": 4900,
        "projected_revenue": 55125,
        "offer_cost": 3675,
        "horizon_months": 12,
    }
    row = db.session.get(Session, flow.session_id)
    assert (row.outcome, row.accepted_offer_key, row.rule_set_version) == (
        "saved",
        "discount_25_3m",
        1,
    )
    assert events(flow.session_id) == ["started", "answered", "offers_decided", "saved"]
    assert db.session.scalar(select(func.count()).select_from(OfferAcceptance)) == 1
    actions = db.session.scalars(
        select(AuditEntry.action).where(AuditEntry.target == f"session:{flow.session_id}")
    ).all()
    assert actions == ["save_attempt", "offer_accepted"]


def test_decline_moves_to_fallback_then_confirm(flow):
    flow.start()
    first = flow.answer("too_expensive").json["offers"][0]["id"]
    declined = flow.decline(first)
    assert declined.status_code == 200
    fallback = declined.json["offers"][0]
    assert fallback["type"] == "downgrade"
    assert fallback["terms"]["price_after"] == 1900
    last = flow.decline(fallback["id"])
    assert last.json == {**last.json, "step": "confirm", "offers": []}
    # Declining an already-declined offer again replays the current state.
    assert flow.decline(first).json["step"] == "confirm"


def test_withdrawn_flow(flow):
    flow.start()
    flow.answer("not_using")
    response = flow.post("/withdraw")
    assert response.status_code == 200
    assert response.json["outcome"] == "withdrawn"
    assert response.json["saved_revenue"]["projected_revenue"] == 4900 * 12
    assert response.json["saved_revenue"]["offer_cost"] == 0


def test_cancelled_flow_at_period_end(flow):
    flow.start()
    flow.answer("business_closed")
    state = flow.get().json
    assert state["step"] == "confirm" and state["offers"] == []
    response = flow.post("/cancel")
    assert response.status_code == 200
    assert response.json["outcome"] == "cancelled"
    assert response.json["effective"]["at_period_end"] is True
    # Started on the 15th of a month, so the period ends on some 15th at 10:00 UTC.
    assert response.json["effective_at"][8:19] == "15T10:00:00"
    row = db.session.get(Session, flow.session_id)
    assert row.saved_mrr is None and row.projected_revenue is None


def test_abandoned_flow_by_beacon_body_token(flow, client):
    flow.start()
    response = client.post(
        f"/api/v1/sessions/{flow.session_id}/abandon",
        data=f'{{"session_token": "{flow.token}"}}',
        content_type="text/plain",
    )
    assert response.status_code == 200
    assert response.json["outcome"] == "abandoned"


def test_cancel_straight_from_survey_is_allowed(flow):
    flow.start()
    assert flow.post("/cancel").json["outcome"] == "cancelled"


def test_terminal_calls_are_idempotent_and_conflicts_are_409(flow):
    flow.start()
    offer = flow.answer("too_expensive").json["offers"][0]["id"]
    first = flow.accept(offer)
    again = flow.accept(offer)
    assert again.status_code == 200 and again.json == first.json
    assert db.session.scalar(select(func.count()).select_from(OfferAcceptance)) == 1
    for path in ("/cancel", "/withdraw", "/abandon"):
        response = flow.post(path)
        assert response.status_code == 409, path
        assert response.json["code"] == "conflict"
    assert flow.answer("not_using").status_code == 409
    assert db.session.get(Session, flow.session_id).outcome == "saved"


def test_cancel_twice_returns_same_result(flow):
    flow.start()
    first = flow.post("/cancel").json
    assert flow.post("/cancel").json == first
    assert events(flow.session_id).count("cancelled") == 1


def test_same_token_resumes_open_session(flow):
    from tests.conftest import make_token

    token = make_token(flow.app)
    first = flow.start(token=token)
    second = flow.start(token=token)
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json["session_id"] == second.json["session_id"]


def test_answer_repeat_is_replayed_and_change_is_409(flow):
    flow.start()
    first = flow.answer("not_using")
    assert flow.answer("not_using").json == first.json
    assert flow.answer("too_expensive").status_code == 409


def test_required_follow_up_for_other(flow):
    flow.start()
    missing = flow.answer("other")
    assert missing.status_code == 422 and "comment" in missing.json["errors"]
    ok = flow.answer("other", "honestly it's way too pricey for us now")
    assert ok.json["classification"]["category"] == "too_expensive"
    assert ok.json["offers"][0]["type"] == "discount"


def test_past_due_goes_to_payment_recovery_first(flow):
    from tests.conftest import DEFAULT_SNAPSHOT

    snapshot = {
        **DEFAULT_SNAPSHOT,
        "status": "past_due",
        "update_payment_url": "https://billing.example/update",
    }
    body = flow.start(snapshot=snapshot).json
    assert body["step"] == "payment_recovery"
    assert body["payment_recovery"]["url"] == "https://billing.example/update"
    answered = flow.answer("too_expensive").json
    assert answered["classification"] == {
        "category": "payment_problem",
        "voluntary": False,
        "influenceable": True,
        "confidence": 1.0,
    }
    assert answered["payment_recovery"]["url"] == "https://billing.example/update"


def test_cooldown_blocks_second_discount_for_same_customer(flow, client, demo):
    from tests.conftest import FlowActions

    flow.start(customer="cus_repeat")
    flow.accept(flow.answer("too_expensive").json["offers"][0]["id"])
    again = FlowActions(client, demo)
    again.start(customer="cus_repeat", subscription="sub_other")
    offers = again.answer("too_expensive").json["offers"]
    assert [o["type"] for o in offers] == ["downgrade"]


def age(session_id, minutes):
    from datetime import timedelta

    row = db.session.get(Session, session_id)
    row.last_seen_at = row.last_seen_at - timedelta(minutes=minutes)
    db.session.commit()


def test_sweeper_abandons_idle_sessions_only(flow, client, demo, app):
    from saveflow.db import utcnow
    from saveflow.sessions.outcomes import sweep_idle
    from tests.conftest import FlowActions

    flow.start()
    fresh = FlowActions(client, demo)
    fresh.start(customer="cus_fresh")
    age(flow.session_id, 31)
    assert sweep_idle(utcnow(), 30) == 1
    assert sweep_idle(utcnow(), 30) == 0
    db.session.expire_all()
    row = db.session.get(Session, flow.session_id)
    assert (row.outcome, row.result["why"]) == ("abandoned", "idle")
    assert row.outcome_at == row.last_seen_at + __import__("datetime").timedelta(minutes=30)
    assert events(flow.session_id)[-1] == "abandoned"
    assert db.session.get(Session, fresh.session_id).outcome is None
    result = app.test_cli_runner().invoke(args=["saveflow", "sweep-idle"])
    assert "Abandoned 0" in result.output


def test_customer_back_after_idle_can_still_cancel(flow):
    """Not a dead end: until the sweeper runs, a returning customer's call is honoured."""
    flow.start()
    age(flow.session_id, 45)
    assert flow.post("/cancel").json["outcome"] == "cancelled"


def test_token_replay_returns_the_decided_session(flow):
    from tests.conftest import make_token

    token = make_token(flow.app)
    first = flow.start(token=token).json["session_id"]
    flow.post("/withdraw")
    replay = flow.start(token=token)
    assert replay.status_code == 200
    assert (replay.json["session_id"], replay.json["outcome"]) == (first, "withdrawn")
    assert db.session.scalar(select(func.count()).select_from(Session)) == 1


def test_token_may_start_over_after_an_abandoned_session(flow):
    from tests.conftest import make_token

    token = make_token(flow.app)
    first = flow.start(token=token).json["session_id"]
    flow.post("/abandon")
    again = flow.start(token=token)
    assert again.status_code == 201 and again.json["session_id"] != first


def test_ended_subscription_cannot_start(flow):
    from tests.conftest import DEFAULT_SNAPSHOT

    response = flow.start(snapshot={**DEFAULT_SNAPSHOT, "status": "canceled"})
    assert response.status_code == 409 and response.json["code"] == "subscription_ended"


def test_expired_discount_is_ignored(flow):
    from tests.conftest import DEFAULT_SNAPSHOT

    snapshot = {
        **DEFAULT_SNAPSHOT,
        "discount": {"percent_off": 50, "ends_at": "2024-01-01T00:00:00+00:00"},
    }
    flow.start(snapshot=snapshot)
    assert db.session.get(Session, flow.session_id).mrr == 4900
    assert flow.answer("too_expensive").json["offers"][0]["type"] == "discount"


def test_test_mode_sessions_are_marked(flow):
    body = flow.start(mode="test").json
    assert body["mode"] == "test"


def test_racing_starts_with_one_token_share_a_session(flow, monkeypatch):
    """The partial unique index turns the second of two racing inserts into a resume."""
    from saveflow.sessions import flow as flow_module
    from saveflow.sessions import reads
    from tests.conftest import make_token

    token = make_token(flow.app)
    first = flow.start(token=token).json
    real_lookup, real_retry = reads.app_and_replay, flow_module.latest_session_for
    calls = []

    def miss_the_replay(app_id, token):
        calls.append("lookup")
        app, _replay = real_lookup(app_id, token)
        return app, None  # as if the other request had not committed yet

    def retry(app_id, digest):
        calls.append("retry")
        return real_retry(app_id, digest)

    monkeypatch.setattr(reads, "app_and_replay", miss_the_replay)
    monkeypatch.setattr(flow_module, "latest_session_for", retry)
    second = flow.start(token=token)
    assert second.status_code == 200 and calls == ["lookup", "retry"]
    assert second.json["session_id"] == first["session_id"]
    assert db.session.scalar(select(func.count()).select_from(Session)) == 1


def test_state_tells_when_a_cancel_takes_effect(flow, demo):
    state = flow.start().json
    sub = state["subscription"]
    assert (sub["plan_name"], sub["amount"], sub["cancel_at_period_end"]) == ("Pro", 4900, True)
    assert sub["cancel_effective_at"][8:19] == "15T10:00:00"
    cancelled = flow.post("/cancel").json
    assert cancelled["effective_at"] == sub["cancel_effective_at"]


def test_recovery_opened_is_recorded_and_spared_by_the_sweeper(flow, client, demo):
    from saveflow.db import utcnow
    from saveflow.sessions.outcomes import sweep_idle
    from tests.conftest import DEFAULT_SNAPSHOT

    snapshot = {**DEFAULT_SNAPSHOT, "status": "past_due", "update_payment_url": "https://x.test/"}
    flow.start(snapshot=snapshot)
    response = flow.post("/recovery")
    assert response.status_code == 200 and response.json["recovery_opened"] is True
    assert events(flow.session_id)[-1] == "payment_recovery_opened"
    age(flow.session_id, 60)
    assert sweep_idle(utcnow(), 30) == 0
    assert db.session.get(Session, flow.session_id).outcome is None


def test_abandon_records_how_the_widget_was_closed(flow):
    flow.start()
    assert flow.post("/abandon", {"why": "escape"}).json["why"] == "escape"
    bad = flow.post("/abandon", {"why": "rage-quit"})
    assert bad.status_code == 422


def test_an_answer_racing_another_answer_writes_once(flow, monkeypatch):
    """PostgreSQL answers without a row lock: a compare-and-set on the event counter makes the
    second of two racing answers a conflict (or a replay), never a second write."""
    from sqlalchemy import create_engine, text, update

    from saveflow.models import SessionEvent
    from saveflow.sessions import flow as flow_module

    if db.engine.dialect.name != "postgresql":
        pytest.skip("SQLite takes its write lock for the whole request; nothing can race in")
    flow.start()
    other = create_engine(db.engine.url)
    real_decide = flow_module.decide

    def another_request_answers_first(*args, **kwargs):
        # Between our read and our write, a competing call answers differently and commits.
        with other.begin() as conn:
            conn.execute(
                update(Session)
                .where(Session.id == flow.session_id)
                .values(reason_key="not_using", step="confirm", event_seq=Session.event_seq + 2)
            )
        return real_decide(*args, **kwargs)

    monkeypatch.setattr(flow_module, "decide", another_request_answers_first)
    response = flow.answer("too_expensive")
    other.dispose()
    assert response.status_code == 409, response.json
    events = db.session.scalars(
        select(SessionEvent.type).where(SessionEvent.session_id == flow.session_id)
    ).all()
    assert "answered" not in events  # our write was refused whole
    row = db.session.execute(
        text("SELECT reason_key, event_seq FROM sessions WHERE id = :id"), {"id": flow.session_id}
    ).one()
    assert tuple(row) == ("not_using", 3)
