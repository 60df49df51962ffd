"""The email and alert settings page: what is saved, what is refused, and how it reads back."""

import re

import pytest

from saveflow.apps.models import App
from saveflow.extensions import db
from saveflow.messaging.settings import message_settings
from tests.admin.messages_helpers import form_data
from tests.admin.settings_helpers import audit_entries, fresh, post

BIG = {
    "name": "Big accounts leaving",
    "thresholds": [("500", "usd"), ("60,000", "JPY"), ("", "EUR")],
    "influenceable": True,
    "outcomes": ["cancelled"],
    "categories": ["too_expensive", "missing_feature"],
}
CALLS = {"name": "Wants a person", "offer_types": ["concierge", "contact"], "outcomes": ["saved"]}
STORED_BIG = {
    "name": "Big accounts leaving",
    "min_mrr": {"jpy": 60000, "usd": 50000},
    "influenceable": True,
    "categories": ["too_expensive", "missing_feature"],
    "reasons": [],
    "offer_types": [],
    "outcomes": ["cancelled"],
}
STORED_CALLS = {
    "name": "Wants a person",
    "min_mrr": {},
    "influenceable": None,
    "categories": [],
    "reasons": [],
    "offer_types": ["concierge", "contact"],
    "outcomes": ["saved"],
}


@pytest.fixture
def editor(demo, make_user, admin):
    make_user("ed@team.example", "editor", demo.id)
    assert admin.login("ed@team.example").status_code == 302


def _save(client, demo, **fields):
    return post(client, f"/admin/apps/{demo.id}/alerts", form_data(demo, **fields))


def _messages(demo) -> dict:
    return fresh(App, demo.id).settings["messages"]


def test_the_settings_round_trip(demo, client, editor):
    response = _save(
        client,
        demo,
        triggers=[BIG, CALLS, {"thresholds": [("", "USD")]}],  # the blank card adds nothing
        sender_email=" success@acme.example ",
        sender_name="Acme  Customer Success",
        customer_emails="",
        alert_recipients="cs@acme.example\n\n  lead@acme.example \nCS@acme.example",
        alert_locale="zh-Hant",
    )
    assert response.status_code == 302
    assert _messages(demo) == {
        "sender_email": "success@acme.example",
        "sender_name": "Acme Customer Success",
        "customer_emails": False,
        "alert_recipients": ["cs@acme.example", "lead@acme.example"],
        "alert_locale": "zh-Hant",
        "alert_triggers": [STORED_BIG, STORED_CALLS],
    }
    [entry] = audit_entries(demo.id, "messages.settings")
    assert entry.target == f"app:{demo.id}"
    assert entry.data["before"] == {
        "sender_email": None,
        "sender_name": None,
        "customer_emails": True,
        "alert_recipients": [],
        "alert_locale": "en",
        "alert_triggers": [],
    }
    assert entry.data["after"] == _messages(demo)

    html = client.get(f"/admin/apps/{demo.id}/alerts").text
    assert "Email and alert settings saved." in html
    assert 'value="500"' in html and 'value="USD"' in html
    assert 'value="60000"' in html and 'value="JPY"' in html
    assert "When MRR at least 60,000 JPY or 500.00 USD · Influenceable reason · Cancelled" in html
    assert "When Saved · Concierge or Contact</span>" in html
    assert "Discount (discount_25_3m)</label>" in html  # a checkbox names the app's offers
    assert re.search(
        r'id="triggers-0-influenceable"[^>]*checked|checked[^>]*id="triggers-0-influenceable"', html
    )
    assert "cs@acme.example\nlead@acme.example</textarea>" in html

    # Posting the page as it reads back changes nothing.
    demo = fresh(App, demo.id)
    assert _save(client, demo).status_code == 302
    assert "Nothing changed." in client.get(f"/admin/apps/{demo.id}/alerts").text
    assert len(audit_entries(demo.id, "messages.settings")) == 1


def test_a_trigger_is_removed_and_other_settings_are_kept(demo, client, editor):
    demo.settings = {
        **demo.settings,
        "messages": {"alert_triggers": [STORED_BIG, STORED_CALLS], "extra": 1},
    }
    db.session.commit()
    cards = form_data(demo)
    cards["triggers-0-remove"] = "y"
    assert post(client, f"/admin/apps/{demo.id}/alerts", cards).status_code == 302
    assert _messages(demo)["alert_triggers"] == [STORED_CALLS]
    assert _messages(demo)["extra"] == 1  # a key this page does not edit stays as it was


@pytest.mark.parametrize(
    ("fields", "field_error"),
    [
        (
            {"alert_recipients": "cs@acme.example\nnot-an-address"},
            "Not an email address: not-an-address.",
        ),
        (
            {"alert_recipients": "\n".join(f"p{n}@acme.example" for n in range(21))},
            "At most 20 recipients.",
        ),
        ({"sender_email": "success"}, "Use an address such as success@yourcompany.com."),
        ({"sender_name": "Acme <cs@acme.example>"}, "Leave out &lt;, &gt; and &#34;."),
        ({"alert_locale": "fr"}, "Not a valid choice."),
    ],
)
def test_settings_that_are_refused(fields, field_error, demo, client, editor):
    response = _save(client, demo, triggers=[], **fields)
    assert response.status_code == 400
    assert "Nothing was saved" in response.text
    assert field_error in response.text
    assert "messages" not in fresh(App, demo.id).settings


@pytest.mark.parametrize(
    ("card", "problem"),
    [
        ({**BIG, "name": ""}, "Give the trigger a name: alerts say which triggers a session met."),
        (
            {"name": "Nothing"},
            "Give at least one condition, or the trigger alerts on every session.",
        ),
        ({**BIG, "thresholds": [("12.5", "JPY")]}, "MRR 12.5 JPY: JPY amounts are whole numbers."),
        (
            {**BIG, "thresholds": [("12.345", "USD")]},
            "MRR 12.345 USD: USD amounts are to the cent.",
        ),
        (
            {**BIG, "thresholds": [("lots", "USD")]},
            "MRR lots USD: &#39;lots&#39; is not an amount.",
        ),
        ({**BIG, "thresholds": [("500", "")]}, "Give the currency of the amount 500."),
        ({**BIG, "thresholds": [("0", "USD")]}, "The USD threshold must be above zero."),
        (
            {**BIG, "thresholds": [("500", "usd"), ("600", "USD")]},
            "USD has two thresholds: keep one.",
        ),
        (
            {**BIG, "thresholds": [("5", "dollars")]},
            "&#39;dollars&#39; is not a three-letter currency code.",
        ),
        (
            {**CALLS, "name": "big accounts LEAVING"},
            "Another trigger is called big accounts LEAVING.",
        ),
        (
            {**CALLS, "reasons": ["no_such_reason"]},
            "&#39;no_such_reason&#39; is not a valid choice",
        ),
    ],
)
def test_triggers_that_are_refused(card, problem, demo, client, editor):
    response = _save(client, demo, triggers=[BIG, card])
    assert response.status_code == 400
    assert problem in response.text
    assert "messages" not in fresh(App, demo.id).settings


def test_a_value_that_no_longer_exists_stays_checked(demo, client, editor):
    gone = {**STORED_CALLS, "reasons": ["retired_reason"], "offer_types": []}
    demo.settings = {**demo.settings, "messages": {"alert_triggers": [gone]}}
    db.session.commit()
    html = client.get(f"/admin/apps/{demo.id}/alerts").text
    assert "retired_reason (no longer one of this app&#39;s reasons)" in html
    assert re.search(r'checked[^>]*value="retired_reason"|value="retired_reason"[^>]*checked', html)
    # Saving as it reads keeps the condition rather than widening the trigger to any reason.
    assert _save(client, fresh(App, demo.id)).status_code == 302
    assert message_settings(fresh(App, demo.id).settings).alert_triggers[0]["reasons"] == [
        "retired_reason"
    ]


def test_hostile_names_are_escaped(demo, client, editor):
    hostile = "<script>alert(1)</script>"
    demo.settings = {
        **demo.settings,
        "messages": {
            "sender_name": hostile,
            "alert_recipients": [f"{hostile}@x.example"],
            "alert_triggers": [{**STORED_CALLS, "name": hostile, "reasons": [hostile]}],
        },
    }
    db.session.commit()
    html = client.get(f"/admin/apps/{demo.id}/alerts").text
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_readers_see_the_triggers_without_a_blank_card(demo, client, make_user, admin):
    demo.settings = {**demo.settings, "messages": {"alert_triggers": [STORED_CALLS]}}
    db.session.commit()
    make_user("vi@team.example", "viewer", demo.id)
    admin.login("vi@team.example")
    html = client.get(f"/admin/apps/{demo.id}/alerts").text
    assert "Wants a person" in html and "Add a trigger" not in html
    assert 'name="triggers-0-name" type="text" value="Wants a person"' in html
    assert re.search(r'<input[^>]*disabled[^>]*name="triggers-0-name"', html)


def test_hand_edited_settings_beyond_the_limits_still_open(demo, client, editor):
    many = {f"a{chr(97 + a)}{chr(97 + b)}": 100 for a in range(5) for b in range(5)}
    triggers = [{**STORED_CALLS, "name": f"T{n}", "min_mrr": many} for n in range(60)]
    demo.settings = {**demo.settings, "messages": {"alert_triggers": triggers}}
    db.session.commit()
    html = client.get(f"/admin/apps/{demo.id}/alerts").text
    assert ">T49</span>" in html and ">T50</span>" not in html
