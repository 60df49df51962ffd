"""The emails a real flow queues are rendered from the session as the API decided it."""

from datetime import datetime

from sqlalchemy import select

from saveflow.extensions import db
from saveflow.messaging.models import Delivery


def queued_email(kind):
    return db.session.scalars(
        select(Delivery).where(Delivery.channel == "email", Delivery.event == kind)
    ).one()


def test_a_cancel_queues_a_receipt_with_its_end_date(flow):
    flow.start(email="ada@example.com")
    flow.answer("business_closed")
    decided = flow.post("/cancel").json
    row = queued_email("cancel_receipt")
    assert row.recipient == "ada@example.com"
    assert row.payload["subject"] == "Your Acme subscription is cancelled"
    ends = datetime.fromisoformat(decided["effective_at"])
    written = f"{ends:%B} {ends.day}, {ends.year}"
    assert f"Your Pro subscription will end on {written}." in row.payload["text"]
    assert f"Reference: {flow.session_id}" in row.payload["text"]
    assert "nothing more will be charged after that date" in row.payload["html"]


def test_an_accepted_offer_queues_its_confirmation_in_the_sessions_locale(flow):
    flow.start(locale="zh-Hant", email="ada@example.com")
    offer = flow.answer("too_expensive", "<b>太貴</b>").json["offers"][0]
    assert flow.accept(offer["id"]).status_code == 200
    row = queued_email("offer_accepted")
    assert row.payload["locale"] == "zh-Hant"
    assert row.payload["subject"] == f"已確認：{offer['title']}"
    assert offer["title"] in row.payload["text"] and "方案：Pro" in row.payload["text"]
