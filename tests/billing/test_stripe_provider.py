"""The Stripe provider through the public HTTP API, with the real SDK against a stateful fake of
Stripe on loopback: every offer type, cancel, double calls, failures and timeouts."""

from datetime import UTC, datetime

import pytest

from saveflow.billing.connections import connect
from saveflow.db import utcnow
from saveflow.extensions import db
from saveflow.offers import service
from saveflow.offers.models import Offer
from saveflow.sessions.models import Session, SessionEvent
from tests.conftest import FlowActions
from tests.fakes.fixtures import sdk_client

WEBHOOK_SECRET = "whsec_fakefakefake"


@pytest.fixture
def stripe_app(app, demo, stripe_fake):
    app.config["STRIPE_API_BASE"] = stripe_fake.url
    # 2 s: a loaded two-core machine has taken more than 1 s to answer on loopback; the
    # timeout tests delay the fake by 3 s, still well past it.
    app.config["SAVEFLOW_BILLING_TIMEOUT"] = 2.0
    connect(demo.id, "test", "stripe", stripe_fake.api_key, WEBHOOK_SECRET, utcnow())
    db.session.commit()
    return demo


def offer_only(demo, key, type_, params):
    """Make `key` the one offer every answer gets."""
    existing = db.session.scalar(db.select(Offer).where(Offer.app_id == demo.id, Offer.key == key))
    if existing is None:
        db.session.add(
            Offer(app_id=demo.id, key=key, type=type_, params=params, copy={"en": {"title": key}})
        )
    else:
        existing.params = params
    rules = {"schema": 1, "rules": [{"id": "all", "priority": 0, "when": [], "offers": [key]}]}
    service.import_and_publish(demo.id, rules, "test")
    db.session.commit()


def started(client, demo, stripe_fake, **sub):
    stripe_fake.create_subscription(id="sub_1", customer="cus_1", **sub)
    flow = FlowActions(client, demo)
    response = flow.start(customer="cus_1", subscription="sub_1", mode="test", snapshot=False)
    assert response.status_code == 201, response.json
    return flow


def events(flow) -> list[SessionEvent]:
    return list(
        db.session.scalars(
            db.select(SessionEvent)
            .where(SessionEvent.session_id == flow.session_id)
            .order_by(SessionEvent.seq)
        )
    )


def test_snapshot_reads_price_quantity_discount_and_product(client, stripe_app, stripe_fake):
    coupon = stripe_fake.create_coupon(percent_off=20, duration="repeating", duration_in_months=6)
    stripe_fake.create_subscription(id="sub_1", customer="cus_1", amount=4900, quantity=2)
    sdk_client(stripe_fake).v1.subscriptions.update(
        "sub_1", params={"discounts": [{"coupon": coupon["id"]}]}
    )
    flow = FlowActions(client, stripe_app)
    response = flow.start(customer="cus_1", subscription="sub_1", mode="test", snapshot=False)
    assert response.status_code == 201, response.json
    row = db.session.get(Session, flow.session_id)
    assert row.snapshot["discount"]["percent_off"] == 20
    assert row.mrr == 7840  # 4900 × 2 × 0.8
    assert row.snapshot["quantity"] == 2 and row.snapshot["item_id"].startswith("si_")


@pytest.mark.parametrize(
    ("key", "type_", "params", "check"),
    [
        (
            "discount_25_3m",
            "discount",
            {"percent": 25, "months": 3},
            lambda sub: sub["discounts"][0]["source"]["coupon"]["percent_off"] == 25,
        ),
        (
            "pause_2m",
            "pause",
            {"months": 2},
            lambda sub: sub["pause_collection"]["behavior"] == "void",
        ),
        (
            "contact",
            "contact",
            {"url": "mailto:help@example.com"},
            lambda sub: sub["discounts"] == [] and sub["pause_collection"] is None,
        ),
    ],
)
def test_accepted_offer_changes_stripe_once(
    client, stripe_app, stripe_fake, key, type_, params, check
):
    offer_only(stripe_app, key, type_, params)
    flow = started(client, stripe_app, stripe_fake)
    assert flow.answer("too_expensive").json["offers"][0]["id"] == key
    first = flow.accept(key)
    second = flow.accept(key)  # a double click
    assert first.status_code == second.status_code == 200, first.json
    assert first.json == second.json
    sub = stripe_fake.subscription("sub_1", expand=("discounts.source.coupon",))
    assert check(sub)
    updates = [r for r in stripe_fake.writes("/v1/subscriptions/sub_1") if not r.replayed]
    assert len(updates) == (0 if type_ == "contact" else 1)
    effect = first.json["effective"]
    assert effect["provider"] == "stripe" and effect["status"] == "applied"


def test_downgrade_swaps_the_price(client, stripe_app, stripe_fake):
    cheap = stripe_fake.create_price(unit_amount=1900, nickname="Starter")
    pro = stripe_fake.create_price(unit_amount=4900, nickname="Pro")
    targets = {pro["id"]: {"plan": cheap["id"], "name": "Starter", "amount": 1900}}
    offer_only(stripe_app, "downgrade", "downgrade", {"targets": targets})
    flow = started(client, stripe_app, stripe_fake, price=pro["id"])
    assert flow.answer("too_expensive").json["offers"][0]["id"] == "downgrade"
    assert flow.accept("downgrade").status_code == 200
    item = stripe_fake.subscription("sub_1")["items"]["data"][0]
    assert item["price"]["id"] == cheap["id"]
    (update,) = stripe_fake.writes("/v1/subscriptions/sub_1")
    assert update.params["proration_behavior"] == "create_prorations"


def test_trial_extension_moves_trial_end_from_the_current_end(client, stripe_app, stripe_fake):
    offer_only(stripe_app, "trial_14", "trial_extension", {"days": 14})
    flow = started(client, stripe_app, stripe_fake, status="trialing", trial_days=7)
    trial_end = stripe_fake.subscription("sub_1")["trial_end"]
    assert flow.answer("too_expensive").json["offers"][0]["id"] == "trial_14"
    assert flow.accept("trial_14").status_code == 200
    assert stripe_fake.subscription("sub_1")["trial_end"] == trial_end + 14 * 86400


def test_discount_coupon_is_made_once_for_many_customers(client, stripe_app, stripe_fake):
    offer_only(stripe_app, "discount_25_3m", "discount", {"percent": 25, "months": 3})
    for n in (1, 2):
        stripe_fake.create_subscription(id=f"sub_{n}", customer=f"cus_{n}")
        flow = FlowActions(client, stripe_app)
        flow.start(customer=f"cus_{n}", subscription=f"sub_{n}", mode="test", snapshot=False)
        flow.answer("too_expensive")
        assert flow.accept("discount_25_3m").status_code == 200
    assert len(stripe_fake.writes("/v1/coupons")) == 1


def test_cancel_sets_cancel_at_period_end(client, stripe_app, stripe_fake):
    flow = started(client, stripe_app, stripe_fake)
    response = flow.post("/cancel")
    assert response.status_code == 200, response.json
    sub = stripe_fake.subscription("sub_1")
    assert sub["cancel_at_period_end"] is True and sub["status"] == "active"
    period_end = sub["items"]["data"][0]["current_period_end"]
    assert response.json["effective_at"] == datetime.fromtimestamp(period_end, UTC).isoformat()
    assert flow.post("/cancel").json == response.json  # replayed, not sent again
    assert len(stripe_fake.writes("/v1/subscriptions/sub_1")) == 1


def test_cancel_immediately_when_the_app_says_so(client, stripe_app, stripe_fake):
    stripe_app.settings = {**stripe_app.settings, "cancel_immediately": True}
    db.session.commit()
    flow = started(client, stripe_app, stripe_fake)
    assert flow.post("/cancel").status_code == 200
    assert stripe_fake.subscription("sub_1")["status"] == "canceled"


@pytest.mark.parametrize("action", ["accept", "cancel"])
def test_stripe_error_leaves_the_session_open_and_books_nothing(
    client, stripe_app, stripe_fake, action
):
    offer_only(stripe_app, "pause_2m", "pause", {"months": 2})
    flow = started(client, stripe_app, stripe_fake)
    flow.answer("too_expensive")
    stripe_fake.fail_next("/v1/subscriptions/sub_1", status=500)
    call = (lambda: flow.accept("pause_2m")) if action == "accept" else (lambda: flow.post("/cancel"))
    failed = call()
    assert failed.status_code == 502 and failed.json["code"] == "billing_failed"
    row = db.session.get(Session, flow.session_id)
    assert row.outcome is None and row.saved_mrr is None
    note = events(flow)[-1]
    assert note.type == "billing_failed" and note.data["action"] == action
    assert note.data["request_id"].startswith("req_")
    assert stripe_fake.subscription("sub_1")["pause_collection"] is None
    retried = call()  # the customer tries again and Stripe answers
    assert retried.status_code == 200, retried.json
    assert db.session.get(Session, flow.session_id).outcome in ("saved", "cancelled")


def test_timeout_is_an_honest_503_and_a_retry_changes_billing_once(
    client, stripe_app, stripe_fake
):
    offer_only(stripe_app, "pause_2m", "pause", {"months": 2})
    flow = started(client, stripe_app, stripe_fake)
    flow.answer("too_expensive")
    # Stripe makes the change but the answer never arrives in time.
    stripe_fake.delay_next("/v1/subscriptions/sub_1", 3, after=True)
    lost = flow.accept("pause_2m")
    assert lost.status_code == 503 and lost.json["code"] == "billing_unavailable"
    assert db.session.get(Session, flow.session_id).outcome is None
    retried = flow.accept("pause_2m")
    assert retried.status_code == 200
    # The retry carried the same idempotency key, so Stripe replayed the first change.
    (replay,) = [c for c in stripe_fake.calls("POST", "/v1/subscriptions/sub_1") if c.replayed]
    assert replay.idempotency_key == f"saveflow:{flow.session_id}:pause_2m:accept"
    assert stripe_fake.subscription("sub_1")["pause_collection"]["behavior"] == "void"


def test_stripe_unreachable_at_start_is_503(client, stripe_app, stripe_fake):
    stripe_fake.create_subscription(id="sub_1", customer="cus_1")
    stripe_fake.delay_next("/v1/subscriptions/sub_1", 3)
    flow = FlowActions(client, stripe_app)
    response = flow.start(customer="cus_1", subscription="sub_1", mode="test", snapshot=False)
    assert response.status_code == 503 and response.json["code"] == "billing_unavailable"
    assert db.session.scalar(db.select(db.func.count()).select_from(Session)) == 0


def test_past_due_gets_a_billing_portal_link(client, stripe_app, stripe_fake):
    flow = started(client, stripe_app, stripe_fake, status="past_due")
    body = flow.get().json
    assert body["step"] == "payment_recovery"
    assert body["payment_recovery"]["url"].startswith(stripe_fake.url)
    (portal,) = stripe_fake.calls("POST", "/v1/billing_portal/sessions")
    assert portal.params["flow_data"]["type"] == "payment_method_update"


def test_past_due_falls_back_to_the_open_invoice(client, stripe_app, stripe_fake):
    stripe_fake.create_subscription(id="sub_1", customer="cus_1", status="past_due")
    invoice = stripe_fake.add_open_invoice("sub_1", 4900)
    stripe_fake.fail_next("/v1/billing_portal/sessions", status=400)
    flow = FlowActions(client, stripe_app)
    flow.start(customer="cus_1", subscription="sub_1", mode="test", snapshot=False)
    assert flow.get().json["payment_recovery"]["url"] == invoice["hosted_invoice_url"]


def test_keys_never_reach_the_database_in_plaintext(app, stripe_app, stripe_fake):
    query = db.text("SELECT secret_key, webhook_secret FROM billing_connections")
    ((secret_key, webhook_secret),) = db.session.execute(query).all()  # the one connection
    assert stripe_fake.api_key not in secret_key and WEBHOOK_SECRET not in webhook_secret


def test_a_cancel_stripe_does_not_confirm_in_time_is_not_booked(client, stripe_app, stripe_fake):
    flow = started(client, stripe_app, stripe_fake)
    stripe_fake.delay_next("/v1/subscriptions/sub_1", 3, method="POST")
    lost = flow.post("/cancel")
    assert lost.status_code == 503 and lost.json["code"] == "billing_unavailable"
    assert lost.headers["Retry-After"]
    assert db.session.get(Session, flow.session_id).outcome is None
    assert events(flow)[-1].data["code"] == "billing_unavailable"
    assert flow.post("/cancel").status_code == 200
    assert stripe_fake.subscription("sub_1")["cancel_at_period_end"] is True


def test_several_items_are_priced_as_one_charge_and_not_downgraded():
    from saveflow.billing.stripe_shapes import snapshot_from_subscription
    from saveflow.offers.rules import policy_from_settings
    from saveflow.offers.types import offer_type

    def item(n, price, amount, quantity, legacy=False):
        shape = {"id": price, "amount": amount, "interval": "month", "currency": "usd"}
        if legacy:
            return {"id": f"si_{n}", "quantity": quantity, "plan": shape}
        price_obj = {"id": price, "unit_amount": amount, "currency": "usd",
                     "recurring": {"interval": "month", "interval_count": 1}}
        return {"id": f"si_{n}", "quantity": quantity, "price": price_obj, "plan": shape}

    sub = {
        "id": "sub_1", "customer": "cus_1", "status": "active", "currency": "usd",
        "items": {"data": [item(1, "price_seat", 1500, 4), item(2, "addon", 900, 1, legacy=True)]},
    }
    snapshot = snapshot_from_subscription(sub)
    assert (snapshot["amount"], snapshot["quantity"]) == (6900, 1)  # 1500 × 4 + 900
    assert snapshot["plan"] == "price_seat" and snapshot["item_count"] == 2
    policy = policy_from_settings({}, "standard")
    params = {"targets": {"price_seat": {"plan": "price_cheap", "amount": 900}}}
    assert offer_type("downgrade").skip_reason(params, snapshot, policy) == "multiple_items"
