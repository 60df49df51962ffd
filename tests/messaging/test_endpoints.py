"""Webhook endpoints: addresses, events, secrets at rest, rotation, switching off and removal."""

import json
from datetime import UTC, datetime

import pytest
from sqlalchemy import select, text

from saveflow.apps.models import AuditEntry
from saveflow.domain_errors import Invalid, NotFound
from saveflow.extensions import db
from saveflow.messaging import endpoints
from saveflow.messaging.models import Delivery, WebhookEndpoint
from saveflow.messaging.publish import endpoints_for, publish

NOW = datetime(2027, 3, 1, 12, 0, tzinfo=UTC)
SLACK = "https://hooks.slack.com/services/T000/B000/abcdefghijkl"


@pytest.mark.parametrize(
    "given, expected",
    [
        ("https://hooks.example.com/saveflow", "https://hooks.example.com/saveflow"),
        ("  HTTPS://Hooks.Example.COM  ", "https://hooks.example.com/"),
        ("https://example.com:8443/in?team=7", "https://example.com:8443/in?team=7"),
        ("http://localhost:8000/hook", "http://localhost:8000/hook"),
        ("http://127.0.0.1/hook", "http://127.0.0.1/hook"),
        ("http://[::1]:9000/hook", "http://[::1]:9000/hook"),
    ],
)
def test_addresses_accepted(given, expected):
    assert endpoints.normalize_url(given) == expected


@pytest.mark.parametrize(
    "given, why",
    [
        ("", "Give the receiver's address"),
        ("http://hooks.example.com/in", "Use https://"),
        ("http://10.0.0.1/in", "Use https://"),
        ("ftp://example.com/in", "starting with https://"),
        ("hooks.example.com/in", "starting with https://"),
        ("https://", "starting with https://"),
        ("https://user:pw@example.com/in", "no user name or password"),
        ("https://example.com/in#top", "#fragment"),
        ("https://example.com:99999/in", "port"),
        ("https://example.com/a b", "no spaces"),
        ("https://example.com/" + "a" * 2000, "at most 2000"),
    ],
)
def test_addresses_refused(given, why):
    with pytest.raises(Invalid) as refused:
        endpoints.normalize_url(given)
    assert why in refused.value.errors["url"][0]


@pytest.mark.parametrize(
    "given",
    [SLACK.replace("https", "http"), "https://example.com/services/x", "https://hooks.slack.com/"],
)
def test_slack_targets_are_slack_incoming_webhooks(given):
    assert endpoints.normalize_url(SLACK, "slack") == SLACK
    with pytest.raises(Invalid):
        endpoints.normalize_url(given, "slack")


def test_adding_an_endpoint_makes_a_secret_kept_encrypted(app, demo):
    endpoint = endpoints.add_endpoint(demo.id, "https://hooks.example.com/in", actor="user:a@b.c")
    secret = endpoint.secret
    db.session.commit()
    assert secret.startswith("whsec_") and len(secret) > 40
    raw = db.session.scalar(
        text("SELECT secret FROM webhook_endpoints WHERE id = :id"), {"id": endpoint.id}
    )
    assert raw != secret and secret not in raw
    db.session.expire_all()
    stored = db.session.get(WebhookEndpoint, endpoint.id)
    assert stored.secret == secret and repr(stored.secret) == "'<redacted>'"
    assert stored.events == ["session.completed", "offer.accepted", "session.alert"]
    assert (stored.kind, stored.active, stored.description) == ("json", True, None)
    [entry] = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "webhook.added"))
    assert entry.actor == "user:a@b.c" and entry.target == f"webhook:{endpoint.id}"
    assert entry.data["after"]["secret"] == "(set)" and secret not in str(entry.data)


def test_events_and_descriptions(app, demo):
    chosen = endpoints.add_endpoint(
        demo.id,
        "https://a.example/",
        events=["session.alert", "session.completed", "session.alert"],
        description="  CRM   sync ",
    )
    assert chosen.events == ["session.completed", "session.alert"]
    assert chosen.description == "CRM sync"
    slack = endpoints.add_endpoint(demo.id, SLACK, "slack")
    assert slack.events == ["session.alert"]
    for events, kind in (
        [[], "json"],
        [["session.nope"], "json"],
        [["session.completed"], "slack"],
    ):
        with pytest.raises(Invalid) as refused:
            endpoints.add_endpoint(demo.id, SLACK, kind, events)
        assert "events" in refused.value.errors
    with pytest.raises(Invalid):
        endpoints.add_endpoint(demo.id, "https://a.example/", "xml")
    with pytest.raises(Invalid):
        endpoints.add_endpoint(demo.id, "https://a.example/", description="x" * 201)


def test_rotating_switching_off_and_other_apps(app, demo):
    endpoint = endpoints.add_endpoint(demo.id, "https://a.example/")
    old = endpoint.secret
    new = endpoints.rotate_secret(demo.id, endpoint.id, actor="cli")
    db.session.commit()
    db.session.expire_all()
    assert new != old and db.session.get(WebhookEndpoint, endpoint.id).secret == new
    assert [e.id for e in endpoints_for(demo.id, "session.completed")] == [endpoint.id]
    endpoints.set_active(demo.id, endpoint.id, False, actor="cli")
    endpoints.set_active(demo.id, endpoint.id, False, actor="cli")  # no change, no entry
    assert endpoints_for(demo.id, "session.completed") == []
    actions = db.session.scalars(
        select(AuditEntry.action).where(AuditEntry.target == f"webhook:{endpoint.id}")
    ).all()
    assert sorted(actions) == ["webhook.added", "webhook.disabled", "webhook.secret_rotated"]
    with pytest.raises(NotFound):
        endpoints.rotate_secret("app_other", endpoint.id)
    with pytest.raises(NotFound):
        endpoints.remove(demo.id, "whe_missing")
    slack = endpoints.add_endpoint(demo.id, SLACK, "slack")
    with pytest.raises(Invalid):
        endpoints.rotate_secret(demo.id, slack.id)
    assert endpoints.shown_url(slack) == "https://hooks.slack.com/services/T000/B000/abcd…"


def test_removing_deletes_an_unused_endpoint_and_keeps_one_with_deliveries(app, demo):
    unused = endpoints.add_endpoint(demo.id, "https://unused.example/", events=["session.alert"])
    used = endpoints.add_endpoint(demo.id, "https://used.example/", events=["session.completed"])
    db.session.commit()
    assert publish(demo.id, "session.completed", {"x": 1}, NOW, "ses_1") == 1
    db.session.commit()
    assert endpoints.remove(demo.id, unused.id, actor="cli") == "deleted"
    assert endpoints.remove(demo.id, used.id, actor="cli") == "deactivated"
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(WebhookEndpoint, unused.id) is None
    kept = db.session.get(WebhookEndpoint, used.id)
    assert kept is not None and kept.active is False
    assert db.session.scalar(select(Delivery.endpoint_id)) == used.id
    assert [e.id for e in endpoints.list_endpoints(demo.id)] == [used.id]
    [removed] = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "webhook.removed"))
    assert removed.data["before"]["url"] == "https://unused.example/"
    assert removed.data["after"] is None


def test_a_slack_endpoint_is_queued_alerts_as_slack_messages(app, demo):
    slack = endpoints.add_endpoint(demo.id, SLACK, "slack")
    signed = endpoints.add_endpoint(demo.id, "https://a.example/")
    db.session.commit()
    data = {"customer": "cus_1", "mrr": 4900, "currency": "usd", "outcome": "cancelled"}
    assert publish(demo.id, "session.completed", data, NOW, "ses_1") == 1
    assert publish(demo.id, "session.alert", {**data, "triggers": ["big"]}, NOW, "ses_1") == 2
    db.session.commit()
    rows = {
        (row.endpoint_id, row.event): row.payload["body"]
        for row in db.session.scalars(select(Delivery))
    }
    assert set(rows) == {
        (signed.id, "session.completed"),
        (signed.id, "session.alert"),
        (slack.id, "session.alert"),
    }
    message = json.loads(rows[(slack.id, "session.alert")])
    assert message["text"].startswith("Customer-success alert: cus_1 on — (49.00 USD MRR)")
    assert json.loads(rows[(signed.id, "session.alert")])["data"]["triggers"] == ["big"]
