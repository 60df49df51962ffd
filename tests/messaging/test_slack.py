"""The Slack message of a customer-success alert: its exact shape, escaping and limits."""

import json

import pytest

from saveflow.messaging.slack import slack_body

ALERT = {
    "session_id": "ses_1",
    "mode": "live",
    "customer": "cus_big",
    "subscription": "sub_1",
    "outcome": "cancelled",
    "decided_at": "2027-03-01T12:00:00+00:00",
    "locale": "en",
    "plan": "pro",
    "plan_name": "Pro",
    "currency": "usd",
    "mrr": 123456,
    "reason": {
        "id": "too_expensive",
        "comment": "Too pricey <!channel> & the\nnew tier is worse",
        "category": "price",
        "voluntary": True,
        "influenceable": True,
    },
    "offer": None,
    "effective": None,
    "effective_at": None,
    "saved_revenue": None,
    "triggers": ["MRR at least 1,000 USD", "Influenceable"],
    "session_url": "https://saveflow.example/admin/apps/app_1/sessions/ses_1",
}


def _message(data=ALERT):
    return json.loads(slack_body("session.alert", data))


@pytest.mark.parametrize("event", ["session.completed", "offer.accepted", "something.else"])
def test_only_alerts_go_to_slack(event):
    assert slack_body(event, ALERT) is None


def test_an_alert_as_slack_shows_it():
    message = _message()
    summary = "cus_big on Pro (1,234.56 USD MRR) cancelled: Too expensive (Price)"
    assert message["text"] == f"Customer-success alert: {summary}"
    assert message["blocks"] == [
        {"type": "header", "text": {"type": "plain_text", "text": "Customer-success alert"}},
        {"type": "section", "text": {"type": "mrkdwn", "text": summary}},
        {
            "type": "section",
            "fields": [
                {"type": "mrkdwn", "text": "*Customer*\ncus_big"},
                {"type": "mrkdwn", "text": "*Plan*\nPro"},
                {"type": "mrkdwn", "text": "*MRR*\n1,234.56 USD"},
                {"type": "mrkdwn", "text": "*Outcome*\nCancelled"},
                {"type": "mrkdwn", "text": "*Reason*\nToo expensive (Price)"},
                {"type": "mrkdwn", "text": "*Offer*\n—"},
            ],
        },
        {
            "type": "section",
            "text": {
                "type": "mrkdwn",
                "text": "*Comment*\n>Too pricey &lt;!channel&gt; &amp; the\n>new tier is worse",
            },
        },
        {
            "type": "context",
            "elements": [
                {"type": "mrkdwn", "text": "Triggers: MRR at least 1,000 USD, Influenceable"}
            ],
        },
        {
            "type": "actions",
            "elements": [
                {
                    "type": "button",
                    "text": {"type": "plain_text", "text": "Open the session"},
                    "url": ALERT["session_url"],
                }
            ],
        },
    ]


def test_a_saved_test_mode_alert_names_its_offer_and_mode():
    offer = {"id": "concierge", "type": "concierge", "title": "Talk to <b>us</b>", "terms": {}}
    data = {**ALERT, "mode": "test", "outcome": "saved", "offer": offer, "currency": "jpy"}
    data["mrr"], data["reason"] = 5000, None
    message = _message(data)
    assert message["text"] == (
        "Customer-success alert: cus_big on Pro (5,000 JPY MRR) saved: — (test mode)"
    )
    assert message["blocks"][0]["text"]["text"] == "Customer-success alert (test mode)"
    fields = [field["text"] for field in message["blocks"][2]["fields"]]
    assert fields[-1] == "*Offer*\nTalk to &lt;b&gt;us&lt;/b&gt; (Concierge)"
    assert fields[-2] == "*Reason*\n—"
    # No comment, no comment block.
    assert [block["type"] for block in message["blocks"]] == [
        "header",
        "section",
        "section",
        "context",
        "actions",
    ]


def test_without_an_absolute_session_url_there_is_no_button():
    message = _message({**ALERT, "session_url": "/admin/apps/app_1/sessions/ses_1"})
    last = message["blocks"][-1]
    assert last["type"] == "context"
    assert "/admin/apps/app_1/sessions/ses_1" in last["elements"][0]["text"]
    assert "actions" not in [block["type"] for block in message["blocks"]]


def test_long_text_stays_within_slack_limits():
    reason = {**ALERT["reason"], "comment": "word " * 2000}
    message = _message({**ALERT, "reason": reason, "customer": "c" * 1000})
    for block in message["blocks"]:
        if block["type"] == "section" and "text" in block:
            assert len(block["text"]["text"]) <= 3000
        for field in block.get("fields", []):
            assert len(field["text"]) <= 2000
    assert message["blocks"][3]["text"]["text"].endswith("…")
