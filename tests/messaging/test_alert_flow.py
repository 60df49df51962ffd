"""Triggers as the admin saves them raise alerts from real flows: an email per recipient and a
`session.alert` webhook naming the triggers met; a session that meets none raises nothing."""

import json

import pytest
from sqlalchemy import select

from saveflow.extensions import db
from saveflow.messaging.models import Delivery, WebhookEndpoint

TRIGGERS = [
    # DEFAULT_SNAPSHOT is 49.00 USD a month.
    {"name": "Paying 40 USD or more", "min_mrr": {"usd": 4000}, "outcomes": ["cancelled"]},
    {"name": "Wants a person", "offer_types": ["concierge", "contact"]},
    {"name": "Whales", "min_mrr": {"usd": 100000}},
    {"name": "Yen only", "min_mrr": {"jpy": 1}},
]


@pytest.fixture
def alerting(demo):
    demo.settings = {
        **demo.settings,
        "messages": {
            "alert_recipients": ["cs@acme.example", "lead@acme.example"],
            "alert_triggers": TRIGGERS,
        },
    }
    db.session.add(WebhookEndpoint(app_id=demo.id, url="https://hooks.acme.example/in"))
    db.session.commit()
    return demo


def _queued(event):
    db.session.rollback()
    return list(
        db.session.scalars(
            select(Delivery).where(Delivery.event == event).order_by(Delivery.recipient)
        )
    )


def test_a_cancel_that_meets_a_trigger_alerts_each_recipient(alerting, flow):
    flow.start(email="ada@customer.example")
    flow.answer("missing_feature", "No export to CSV")
    assert flow.post("/cancel").status_code == 200
    emails = _queued("cs_alert")
    assert [row.recipient for row in emails] == ["cs@acme.example", "lead@acme.example"]
    assert all(row.session_id == flow.session_id for row in emails)
    [hook] = _queued("session.alert")
    data = json.loads(hook.payload["body"])["data"]
    assert data["triggers"] == ["Paying 40 USD or more"]
    assert data["session_url"].endswith(f"/admin/apps/{alerting.id}/sessions/{flow.session_id}")
    assert data["reason"]["comment"] == "No export to CSV"


def test_an_accepted_concierge_call_meets_the_offer_trigger(alerting, flow):
    flow.start()
    offers = flow.answer("missing_feature").json["offers"]
    concierge = next(o for o in offers if o["type"] in ("concierge", "contact"))
    assert flow.accept(concierge["id"]).status_code == 200
    [hook] = _queued("session.alert")
    assert json.loads(hook.payload["body"])["data"]["triggers"] == ["Wants a person"]
    assert len(_queued("cs_alert")) == 2


def test_a_session_that_meets_no_trigger_raises_nothing(alerting, flow):
    flow.start()
    flow.answer("business_closed")
    assert flow.post("/withdraw").status_code == 200
    assert _queued("cs_alert") == [] and _queued("session.alert") == []
