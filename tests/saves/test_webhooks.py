"""`POST /webhooks/stripe/<app_id>`: signatures, modes, replays, races, sizes and limits."""

import json
import threading
import time
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from saveflow.apps.setup import create_app_with_defaults
from saveflow.db import utcnow
from saveflow.extensions import db
from saveflow.models import BillingEvent, PaidInvoice
from tests.saves.conftest import WHSEC, Shop, event, invoice, row, saved_at, signature
from tests.sessions.test_bad_input import assert_error


@pytest.fixture
def connected(shop):
    sid = shop.save("sub_1")
    shop.connect()
    return shop, sid


def paid(sub="sub_1", amount=3675, invoice_id="in_1", livemode=True, **kwargs):
    return event(
        "invoice.paid",
        invoice(invoice_id, sub, amount, utcnow()),
        utcnow(),
        livemode=livemode,
        **kwargs,
    )


def test_a_signed_event_is_accepted_and_recorded(connected):
    shop, sid = connected
    body = paid()
    response = shop.send(body)
    assert response.status_code == 200
    assert response.json == {"received": True, "duplicate": False}
    stored = db.session.get(BillingEvent, (shop.app.id, body["id"]))
    assert (stored.type, stored.mode, stored.outcome, stored.subscription) == (
        "invoice.paid",
        "live",
        "applied",
        "sub_1",
    )
    assert row(sid).realized_revenue == 3675


def test_a_test_mode_event_is_checked_with_the_test_secret(connected):
    shop, _ = connected
    body = paid(livemode=False)
    assert shop.send(body, secret=WHSEC["live"]).status_code == 400
    response = shop.send(body, secret=WHSEC["test"])
    assert response.status_code == 200
    # No test-mode session has this subscription: acknowledged, nothing else.
    assert response.json["ignored"] == "no session for this subscription"


def _forged(body: dict) -> tuple[str, str]:
    """A body altered after Stripe signed it."""
    payload = json.dumps(body)
    header = signature(payload, WHSEC["live"])
    return payload.replace('"amount_paid": 3675', '"amount_paid": 999999'), header


@pytest.mark.parametrize(
    "case",
    ["forged", "wrong_secret", "stale", "missing_header", "not_v1", "garbage_header", "non_ascii"],
)
def test_bad_signatures_are_400_and_change_nothing(connected, case):
    shop, sid = connected
    body = paid()
    payload = json.dumps(body)
    if case == "forged":
        payload, header = _forged(body)
    elif case == "wrong_secret":
        header = signature(payload, "whsec_someoneElsesSecret01")
    elif case == "stale":
        header = signature(payload, WHSEC["live"], at=int(time.time()) - 301)
    elif case == "missing_header":
        header = False
    elif case == "not_v1":
        header = signature(payload, WHSEC["live"]).replace("v1=", "v0=")
    elif case == "garbage_header":
        header = "t=not-a-time,v1=zz"
    else:
        header = "t=1,v1=\u00ff\u00fe"
    response = shop.send(payload, header=header)
    assert_error(response, 400, "bad_signature")
    assert db.session.scalar(select(func.count()).select_from(BillingEvent)) == 0
    assert row(sid).realized_revenue == 0


def test_a_signature_within_the_tolerance_is_accepted(connected):
    shop, _ = connected
    payload = json.dumps(paid())
    header = signature(payload, WHSEC["live"], at=int(time.time()) - 250)
    assert shop.send(payload, header=header).status_code == 200


@pytest.mark.parametrize(
    "payload, code",
    [
        ("{not json", "not_json"),
        (b"\xff\xfe{}", "not_json"),
        ('{"a": NaN}', "not_json"),
        ("[1, 2]", "not_an_event"),
        ('{"id": "evt_1"}', "not_an_event"),
        ('{"livemode": "yes"}', "not_an_event"),
    ],
)
def test_bodies_that_are_not_events_are_400(connected, payload, code):
    shop, _ = connected
    header = signature(payload if isinstance(payload, str) else "x", WHSEC["live"])
    response = shop.client.post(
        f"/webhooks/stripe/{shop.app.id}", data=payload, headers={"Stripe-Signature": header}
    )
    assert_error(response, 400, code)


@pytest.mark.parametrize(
    "body",
    [
        {"livemode": True, "type": "invoice.paid", "created": 1, "data": {"object": {}}},
        {"livemode": True, "id": "evt_x", "type": "invoice.paid", "created": "soon", "data": {}},
        {"livemode": True, "id": "evt_x", "type": "x", "created": 1, "data": {"object": []}},
        {"livemode": True, "id": "e" * 256, "type": "x", "created": 1, "data": {"object": {}}},
    ],
)
def test_signed_bodies_without_the_shape_of_an_event_are_400(connected, body):
    shop, _ = connected
    assert_error(shop.send(body), 400, "not_an_event")


def test_unknown_app_and_app_without_stripe_are_404(connected):
    shop, _ = connected
    assert_error(shop.send(paid(), app_id="app_nope"), 404, "unknown_app")
    other = create_app_with_defaults("No Stripe", [], actor="test")
    db.session.commit()
    assert_error(shop.send(paid(), app_id=other.id), 404, "stripe_not_connected")


def test_a_mode_without_a_connection_is_400(shop):
    shop.save("sub_1")
    shop.connect(modes=("live",))
    body = paid(livemode=False)
    assert_error(shop.send(body, secret=WHSEC["live"]), 400, "mode_not_connected")


def test_a_replayed_event_is_processed_once(connected):
    shop, sid = connected
    body = paid()
    assert shop.send(body).json == {"received": True, "duplicate": False}
    assert shop.send(body).json == {"received": True, "duplicate": True}
    # Even re-signed later with a new timestamp, the same event id is a duplicate.
    again = shop.send(json.dumps(body), header=signature(json.dumps(body), WHSEC["live"]))
    assert again.json["duplicate"] is True
    assert row(sid).realized_revenue == 3675
    assert db.session.scalar(select(func.count()).select_from(PaidInvoice)) == 1


def test_racing_deliveries_of_one_event_apply_once(app, connected):
    shop, sid = connected
    body = json.dumps(paid())
    header = signature(body, WHSEC["live"])
    db.session.rollback()
    barrier = threading.Barrier(4)
    replies: list = []

    def deliver():
        with app.app_context():  # each thread its own context and database session
            client = app.test_client()
            barrier.wait()
            response = client.post(
                f"/webhooks/stripe/{shop.app.id}",
                data=body,
                headers={"Stripe-Signature": header},
                content_type="application/json",
            )
            replies.append((response.status_code, response.json.get("duplicate")))

    threads = [threading.Thread(target=deliver) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(replies) == [(200, False), (200, True), (200, True), (200, True)]
    assert row(sid).realized_revenue == 3675


def test_events_larger_than_the_api_body_limit_are_accepted(connected):
    shop, sid = connected
    body = paid()
    body["data"]["object"]["lines"] = {"data": [{"description": "x" * 1000}] * 40}
    assert len(json.dumps(body)) > 16 * 1024
    assert shop.send(body).status_code == 200
    body = paid(invoice_id="in_2")
    body["data"]["object"]["lines"] = {"data": [{"description": "x" * 1000}] * 600}
    assert_error(shop.send(body), 413)


def test_webhooks_are_limited_per_app_not_per_address(app, connected):
    shop, _ = connected
    app.config["SAVEFLOW_LIMIT_WEBHOOKS_PER_APP"] = "3/minute"
    other = Shop(shop.client, create_app_with_defaults("Other", [], actor="test"))
    db.session.commit()
    other.save("sub_9")
    other.connect()
    for _ in range(3):
        assert shop.send(paid(invoice_id=f"in_{_}")).status_code == 200
    limited = shop.send(paid(invoice_id="in_9"))
    assert_error(limited, 429)
    assert limited.headers["Retry-After"]
    # Stripe delivers every app's events from the same addresses: the other app is unaffected.
    assert other.send(paid(sub="sub_9")).status_code == 200


def test_no_csrf_token_or_origin_is_needed(connected):
    shop, _ = connected
    response = shop.send(paid(), headers={"Origin": "https://evil.example"})
    assert response.status_code == 200


def test_an_invoice_paid_before_the_save_is_not_counted(connected):
    shop, sid = connected
    before = saved_at(sid) - timedelta(days=3)
    shop.deliver(event("invoice.paid", invoice("in_old", "sub_1", 4900, before), before))
    assert row(sid).realized_revenue == 0


ODD_OBJECTS = [
    {"id": "sub_1", "status": 5, "cancel_at": "soon", "cancel_at_period_end": "yes"},
    {"id": "sub_1", "items": {"data": "none"}, "ended_at": True, "canceled_at": -5},
    {"id": "sub_1", "current_period_end": 10**20, "pause_collection": [1]},
    {"subscription": {"id": 5}, "amount_paid": "x", "currency": "usd"},
    {"subscription": "sub_1", "id": "in_1", "amount_paid": -3, "currency": "usd"},
    {"subscription": "sub_1", "id": "in_1", "amount_paid": 10, "currency": "dollars"},
    {"subscription": "sub_1", "id": ["in_1"], "amount_paid": 10, "currency": "usd"},
    {"parent": {"subscription_details": "sub_1"}, "id": "in_1", "amount_paid": 1},
]
TYPES = [
    "customer.subscription.updated",
    "customer.subscription.deleted",
    "customer.subscription.paused",
    "invoice.paid",
    "invoice.payment_failed",
]


@pytest.mark.parametrize("kind", TYPES)
@pytest.mark.parametrize("obj", ODD_OBJECTS)
def test_signed_events_of_odd_shapes_are_acknowledged_never_500(connected, kind, obj):
    shop, sid = connected
    body = event(kind, obj, utcnow(), previous={"status": ["past_due"]})
    response = shop.send(body)
    assert response.status_code == 200, response.json
    assert row(sid).realized_revenue == 0


def test_a_boolean_creation_time_is_400(connected):
    shop, _ = connected
    body = paid()
    body["created"] = True
    assert_error(shop.send(body), 400, "not_an_event")
