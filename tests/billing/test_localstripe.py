"""End to end against localstripe: the real SDK, saveflow's Stripe provider, an emulator we did
not write. Effects it cannot emulate (coupons on subscriptions, pauses, price swaps) are covered
against the stateful fake in tests/billing/test_stripe_provider.py."""

import threading
import time
from datetime import datetime

import pytest
from werkzeug.serving import make_server

from saveflow.billing.connections import connect
from saveflow.db import utcnow
from saveflow.extensions import db
from saveflow.sessions.models import Session
from tests.billing.localstripe import SECRET_KEY, WEBHOOK_SECRET, LocalStripe
from tests.conftest import FlowActions

PRO = {
    "id": "pro-monthly",
    "amount": 4900,
    "currency": "usd",
    "interval": "month",
    "nickname": "Pro monthly",
    "product": {"name": "Pro"},
}


@pytest.fixture(scope="module")
def localstripe(tmp_path_factory):
    server = LocalStripe(tmp_path_factory.mktemp("localstripe"))
    yield server
    server.stop()


@pytest.fixture
def stripe_flow(app, client, demo, localstripe):
    app.config["STRIPE_API_BASE"] = localstripe.url
    connect(demo.id, "test", "stripe", SECRET_KEY, WEBHOOK_SECRET, utcnow())
    db.session.commit()
    return FlowActions(client, demo)


def start(flow, customer, sub):
    return flow.start(customer=customer, subscription=sub, mode="test", snapshot=False)


def test_legacy_plan_snapshot_and_mrr(stripe_flow, localstripe):
    yearly = {**PRO, "id": "pro-yearly-ls", "amount": 49000, "interval": "year"}
    customer, sub = localstripe.subscribe(yearly, quantity=3)
    response = start(stripe_flow, customer, sub)
    assert response.status_code == 201, response.json
    row = db.session.get(Session, stripe_flow.session_id)
    assert row.snapshot["plan"] == "pro-yearly-ls"
    assert row.snapshot["plan_name"] == "Pro monthly"  # the legacy plan's nickname
    assert (row.snapshot["amount"], row.snapshot["quantity"]) == (49000, 3)
    assert row.snapshot["interval"] == "year" and row.currency == "usd"
    assert row.mrr == 12250  # 49000 × 3 / 12


def test_cancel_at_period_end_changes_the_subscription_in_stripe(stripe_flow, localstripe):
    customer, sub = localstripe.subscribe({**PRO, "id": "pro-monthly-cancel"})
    assert start(stripe_flow, customer, sub).status_code == 201
    stripe_flow.answer("too_expensive")
    response = stripe_flow.post("/cancel")
    assert response.status_code == 200, response.json
    after = localstripe.subscription(sub)
    assert after["cancel_at_period_end"] is True and after["status"] == "active"
    assert response.json["outcome"] == "cancelled"
    assert response.json["effective"]["provider"] == "stripe"
    assert response.json["effective_at"] is not None
    ends = datetime.fromisoformat(response.json["effective_at"]).timestamp()
    assert int(ends) == after["current_period_end"]


def test_another_customers_subscription_is_refused(stripe_flow, localstripe):
    _owner, sub = localstripe.subscribe({**PRO, "id": "pro-monthly-theft"})
    response = start(stripe_flow, "cus_someone_else", sub)
    assert response.status_code == 401
    assert response.json["code"] == "subscription_customer_mismatch"


def test_unknown_subscription_is_refused(stripe_flow):
    response = start(stripe_flow, "cus_x", "sub_does_not_exist")
    assert response.status_code == 401
    assert response.json["code"] == "unknown_subscription"


@pytest.fixture
def served(app):
    """saveflow on a loopback port, where localstripe can deliver its webhooks."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(5)


def test_a_deleted_subscription_turns_the_save_into_a_boomerang(
    stripe_flow, localstripe, served
):
    customer, sub = localstripe.subscribe({**PRO, "id": "pro-monthly-boomerang"})
    assert start(stripe_flow, customer, sub).status_code == 201
    stripe_flow.answer("too_expensive")
    kept = stripe_flow.post("/withdraw")  # "keep my subscription": a save, pending validation
    assert kept.status_code == 200, kept.json
    assert stripe_flow.get().json["save_status"] == "pending"
    # localstripe signs each delivery with the secret registered here, which is the webhook
    # secret saveflow holds for the app's test mode; saveflow verifies it with Stripe's SDK.
    localstripe.register_webhook(f"{served}/webhooks/stripe/{stripe_flow.app.id}")
    localstripe.client.v1.subscriptions.cancel(sub)
    deadline = time.monotonic() + 10
    while stripe_flow.get().json["save_status"] != "boomerang" and time.monotonic() < deadline:
        time.sleep(0.1)
    state = stripe_flow.get().json
    assert state["save_status"] == "boomerang"
    ended = localstripe.client.v1.subscriptions.retrieve(sub).to_dict()["ended_at"]
    assert state["save"]["ended_at"] is not None
    assert int(datetime.fromisoformat(state["save"]["ended_at"]).timestamp()) == ended
