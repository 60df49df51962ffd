"""The fake Stripe answers the real SDK as Stripe would, for the calls billing makes."""

import time

import pytest
import requests
import stripe

from tests.fakes.stripe_periods import add_months


@pytest.fixture
def pro(stripe_client):
    """A monthly $49 price on a product, and a customer."""
    product = stripe_client.v1.products.create(params={"name": "Pro"})
    price = stripe_client.v1.prices.create(
        params={
            "unit_amount": 4900,
            "currency": "usd",
            "recurring": {"interval": "month"},
            "product": product.id,
            "nickname": "Pro monthly",
        }
    )
    customer = stripe_client.v1.customers.create(params={"email": "ada@example.com"})
    return product, price, customer


def subscribe(stripe_client, customer, price, **params):
    return stripe_client.v1.subscriptions.create(
        params={"customer": customer.id, "items": [{"price": price.id}], **params}
    )


def test_created_objects_have_stripes_shapes(stripe_client, stripe_fake, pro):
    product, price, customer = pro
    sub = subscribe(stripe_client, customer, price, metadata={"app": "acme"})

    assert (product.object, product.id[:5]) == ("product", "prod_")
    assert (price.object, price.id[:6], price.type) == ("price", "price_", "recurring")
    assert price.recurring.interval == "month" and price.recurring.interval_count == 1
    assert (customer.object, customer.id[:4], customer.livemode) == ("customer", "cus_", False)
    assert (sub.object, sub.id[:4], sub.status, sub.livemode) == (
        "subscription",
        "sub_",
        "active",
        False,
    )
    assert sub.customer == customer.id and sub.currency == "usd"
    assert sub.metadata.to_dict() == {"app": "acme"}
    assert isinstance(sub.created, int) and sub.start_date == sub.created
    assert sub.cancel_at_period_end is False and sub.pause_collection is None
    assert sub.discounts == [] and sub.discount is None
    assert sub.latest_invoice.startswith("in_")

    items = sub["items"]
    assert (items.object, items.has_more, items.url) == (
        "list",
        False,
        f"/v1/subscription_items?subscription={sub.id}",
    )
    item = items.data[0]
    assert (item.object, item.id[:3], item.quantity) == ("subscription_item", "si_", 1)
    assert (item.price.object, item.price.id, item.price.unit_amount) == ("price", price.id, 4900)
    assert (item.plan.object, item.plan.id, item.plan.amount) == ("plan", price.id, 4900)
    assert item.current_period_start == sub.current_period_start == sub.start_date
    assert item.current_period_end == sub.current_period_end == add_months(sub.start_date, 1)
    assert sub.last_response.request_id.startswith("req_")


def test_the_sdk_sends_its_pinned_version_and_an_idempotency_key(stripe_client, stripe_fake, pro):
    _product, price, customer = pro
    subscribe(stripe_client, customer, price)

    (create,) = stripe_fake.calls("POST", "/v1/subscriptions")
    assert create.stripe_version == stripe.api_version
    assert create.api_key == "sk_test_fake"
    assert create.idempotency_key  # the SDK generates one for every POST
    assert create.params == {"customer": customer.id, "items": [{"price": price.id}]}


def test_legacy_plans_are_prices_too(stripe_client):
    plan = stripe_client.v1.plans.create(
        params={
            "id": "pro-monthly",
            "amount": 2900,
            "currency": "usd",
            "interval": "month",
            "interval_count": 3,
            "product": {"name": "Pro"},
            "nickname": "Pro quarterly",
        }
    )
    customer = stripe_client.v1.customers.create()
    sub = stripe_client.v1.subscriptions.create(
        params={"customer": customer.id, "items": [{"plan": plan.id, "quantity": 2}]}
    )

    assert (plan.object, plan.amount, plan.interval_count) == ("plan", 2900, 3)
    assert stripe_client.v1.plans.retrieve("pro-monthly").nickname == "Pro quarterly"
    assert stripe_client.v1.prices.retrieve("pro-monthly").unit_amount == 2900
    item = sub["items"].data[0]
    assert (item.plan.id, item.price.id, item.quantity) == ("pro-monthly", "pro-monthly", 2)
    assert sub.current_period_end == add_months(sub.start_date, 3)


def test_retrieve_expands_what_is_asked_and_leaves_ids_elsewhere(stripe_client, stripe_fake, pro):
    product, price, customer = pro
    stripe_fake.create_coupon(id="SAVE20", percent_off=20, duration="forever")
    sub = subscribe(stripe_client, customer, price, discounts=[{"coupon": "SAVE20"}])

    plain = stripe_client.v1.subscriptions.retrieve(sub.id)
    assert plain.customer == customer.id and plain.latest_invoice.startswith("in_")
    assert (
        plain.discounts[0].startswith("di_") and plain["items"].data[0].price.product == product.id
    )

    full = stripe_client.v1.subscriptions.retrieve(
        sub.id,
        params={"expand": ["discounts", "items.data.price.product", "customer", "latest_invoice"]},
    )
    assert full.customer.email == "ada@example.com"
    assert (full.latest_invoice.object, full.latest_invoice.status) == ("invoice", "paid")
    assert full.latest_invoice.amount_paid == 3920
    assert full["items"].data[0].price.product.name == "Pro"
    assert full["items"].data[0].plan.product == product.id
    discount = full.discounts[0]
    assert (discount.object, discount.coupon.id, discount.coupon.percent_off) == (
        "discount",
        "SAVE20",
        20.0,
    )
    assert discount.source.coupon == "SAVE20" and discount.end is None

    with pytest.raises(stripe.InvalidRequestError, match="cannot be expanded"):
        stripe_client.v1.subscriptions.retrieve(sub.id, params={"expand": ["status"]})


def test_update_applies_a_coupon_as_the_only_discount(stripe_client, stripe_fake, pro):
    _product, price, customer = pro
    sub = subscribe(stripe_client, customer, price)
    stripe_client.v1.coupons.create(
        params={
            "id": "THREE-MONTHS-30",
            "percent_off": 30,
            "duration": "repeating",
            "duration_in_months": 3,
            "name": "30% for 3 months",
        }
    )

    updated = stripe_client.v1.subscriptions.update(
        sub.id, params={"discounts": [{"coupon": "THREE-MONTHS-30"}], "expand": ["discounts"]}
    )

    (discount,) = updated.discounts
    assert discount.coupon.duration_in_months == 3
    assert discount.end == add_months(discount.start, 3)
    assert discount.subscription == sub.id and discount.customer == customer.id
    assert updated.discount.id == discount.id  # the legacy field, always an object
    assert stripe_fake.coupon("THREE-MONTHS-30")["times_redeemed"] == 1

    cleared = stripe_client.v1.subscriptions.update(sub.id, params={"discounts": ""})
    assert cleared.discounts == [] and cleared.discount is None


def test_pause_collection_and_resume(stripe_client, pro):
    _product, price, customer = pro
    sub = subscribe(stripe_client, customer, price)
    resumes_at = int(time.time()) + 30 * 86400

    paused = stripe_client.v1.subscriptions.update(
        sub.id, params={"pause_collection": {"behavior": "void", "resumes_at": resumes_at}}
    )
    assert paused.pause_collection.to_dict() == {"behavior": "void", "resumes_at": resumes_at}
    assert paused.status == "active"  # pausing collection leaves the status alone

    resumed = stripe_client.v1.subscriptions.update(sub.id, params={"pause_collection": ""})
    assert resumed.pause_collection is None

    with pytest.raises(stripe.InvalidRequestError) as error:
        stripe_client.v1.subscriptions.update(
            sub.id, params={"pause_collection": {"behavior": "sleep"}}
        )
    assert error.value.param == "pause_collection[behavior]"


def test_swapping_an_items_price_keeps_the_item_and_resets_quantity(stripe_client, pro):
    product, price, customer = pro
    sub = stripe_client.v1.subscriptions.create(
        params={"customer": customer.id, "items": [{"price": price.id, "quantity": 3}]}
    )
    starter = stripe_client.v1.prices.create(
        params={
            "unit_amount": 1900,
            "currency": "usd",
            "recurring": {"interval": "month"},
            "product": product.id,
        }
    )
    item_id = sub["items"].data[0].id

    swapped = stripe_client.v1.subscriptions.update(
        sub.id,
        params={"items": [{"id": item_id, "price": starter.id}], "proration_behavior": "none"},
    )

    (item,) = swapped["items"].data
    assert (item.id, item.price.id, item.plan.amount, item.quantity) == (
        item_id,
        starter.id,
        1900,
        1,
    )
    assert swapped.current_period_start == sub.current_period_start  # same interval, same cycle
    assert swapped.latest_invoice == sub.latest_invoice  # no proration invoice was asked for


def test_a_new_interval_starts_a_new_cycle_with_an_invoice(stripe_client, stripe_fake, pro):
    product, price, customer = pro
    stripe_fake.clock = lambda: 1_750_000_000
    sub = subscribe(stripe_client, customer, price)
    yearly = stripe_client.v1.prices.create(
        params={
            "unit_amount": 49000,
            "currency": "usd",
            "recurring": {"interval": "year"},
            "product": product.id,
        }
    )
    stripe_fake.clock = lambda: 1_750_000_000 + 86400

    switched = stripe_client.v1.subscriptions.update(
        sub.id,
        params={"items": [{"id": sub["items"].data[0].id, "price": yearly.id}]},
        options={"idempotency_key": "switch-1"},
    )

    assert switched.billing_cycle_anchor == switched.current_period_start == 1_750_086_400
    assert switched.current_period_end == add_months(1_750_086_400, 12)
    assert stripe_fake.invoice(switched.latest_invoice)["amount_paid"] == 49000


def test_trial_end_starts_moves_and_ends_a_trial(stripe_client, pro):
    _product, price, customer = pro
    sub = subscribe(stripe_client, customer, price)
    trial_end = int(time.time()) + 14 * 86400

    trialing = stripe_client.v1.subscriptions.update(sub.id, params={"trial_end": trial_end})
    assert (trialing.status, trialing.trial_end) == ("trialing", trial_end)
    assert trialing.current_period_end == trialing["items"].data[0].current_period_end == trial_end
    assert trialing.billing_cycle_anchor == trial_end

    ended = stripe_client.v1.subscriptions.update(sub.id, params={"trial_end": "now"})
    assert ended.status == "active" and ended.trial_end <= time.time()
    assert ended.current_period_start == ended.billing_cycle_anchor == ended.trial_end

    with pytest.raises(stripe.InvalidRequestError) as error:
        stripe_client.v1.subscriptions.update(sub.id, params={"trial_end": 1_000})
    assert error.value.param == "trial_end"


def test_trial_period_days_on_create(stripe_client, pro):
    _product, price, customer = pro
    sub = subscribe(stripe_client, customer, price, trial_period_days=7)
    assert sub.status == "trialing"
    assert sub.trial_end - sub.trial_start == 7 * 86400 == sub.current_period_end - sub.created


def test_cancel_at_period_end_and_undo(stripe_client, pro):
    _product, price, customer = pro
    sub = subscribe(stripe_client, customer, price)

    ending = stripe_client.v1.subscriptions.update(
        sub.id,
        params={
            "cancel_at_period_end": True,
            "cancellation_details": {"feedback": "too_expensive", "comment": "pricey"},
        },
    )
    assert ending.cancel_at_period_end is True and ending.status == "active"
    assert ending.cancel_at == ending.current_period_end and ending.canceled_at
    assert ending.cancellation_details.to_dict() == {
        "comment": "pricey",
        "feedback": "too_expensive",
        "reason": "cancellation_requested",
    }

    kept = stripe_client.v1.subscriptions.update(sub.id, params={"cancel_at_period_end": False})
    assert (kept.cancel_at_period_end, kept.cancel_at, kept.canceled_at) == (False, None, None)


def test_cancel_now_ends_the_subscription_for_good(stripe_client, pro):
    _product, price, customer = pro
    sub = subscribe(stripe_client, customer, price)

    canceled = stripe_client.v1.subscriptions.cancel(sub.id)
    assert canceled.status == "canceled"
    assert canceled.canceled_at == canceled.ended_at and canceled.ended_at >= sub.created

    with pytest.raises(stripe.InvalidRequestError) as again:
        stripe_client.v1.subscriptions.cancel(sub.id)
    assert (again.value.http_status, again.value.code) == (404, "resource_missing")
    with pytest.raises(stripe.InvalidRequestError, match="can only update its cancellation"):
        stripe_client.v1.subscriptions.update(sub.id, params={"cancel_at_period_end": True})
    relabeled = stripe_client.v1.subscriptions.update(sub.id, params={"metadata": {"why": "x"}})
    assert relabeled.metadata.to_dict() == {"why": "x"}


def test_listing_subscriptions_leaves_out_canceled_ones(stripe_client, pro):
    _product, price, customer = pro
    kept = subscribe(stripe_client, customer, price)
    gone = stripe_client.v1.subscriptions.cancel(subscribe(stripe_client, customer, price).id)

    listed = stripe_client.v1.subscriptions.list(params={"customer": customer.id})
    assert [s.id for s in listed.data] == [kept.id]
    every = stripe_client.v1.subscriptions.list(params={"customer": customer.id, "status": "all"})
    assert [s.id for s in every.data] == [gone.id, kept.id]


def test_unknown_ids_params_and_routes(stripe_client, pro):
    _product, price, customer = pro
    with pytest.raises(stripe.InvalidRequestError) as url_id:
        stripe_client.v1.subscriptions.retrieve("sub_missing")
    assert (url_id.value.http_status, url_id.value.code) == (404, "resource_missing")
    assert url_id.value.user_message == "No such subscription: 'sub_missing'"
    assert url_id.value.request_id.startswith("req_")

    with pytest.raises(stripe.InvalidRequestError) as param_id:
        stripe_client.v1.subscriptions.create(
            params={"customer": customer.id, "items": [{"price": "price_missing"}]}
        )
    assert (param_id.value.http_status, param_id.value.param) == (400, "items[0][price]")

    with pytest.raises(stripe.InvalidRequestError) as unknown:
        stripe_client.v1.subscriptions.create(
            params={"customer": customer.id, "items": [{"price": price.id}], "colour": "red"}
        )
    assert (unknown.value.code, unknown.value.param) == ("parameter_unknown", "colour")

    with pytest.raises(stripe.InvalidRequestError) as required:
        stripe_client.v1.subscriptions.create(params={"items": [{"price": price.id}]})
    assert (required.value.code, required.value.param) == ("parameter_missing", "customer")

    with pytest.raises(stripe.InvalidRequestError, match="Unrecognized request URL"):
        stripe_client.v1.subscriptions.resume("sub_missing")


def test_a_coupon_id_can_be_created_once(stripe_client):
    first = stripe_client.v1.coupons.create(
        params={"id": "flow-20-once", "amount_off": 500, "currency": "usd", "name": "$5 off"}
    )
    assert (first.object, first.amount_off, first.duration, first.percent_off) == (
        "coupon",
        500,
        "once",
        None,
    )
    assert stripe_client.v1.coupons.retrieve("flow-20-once").name == "$5 off"

    with pytest.raises(stripe.InvalidRequestError) as again:
        stripe_client.v1.coupons.create(params={"id": "flow-20-once", "percent_off": 10})
    assert (again.value.http_status, again.value.code) == (400, "resource_already_exists")


def test_open_invoices_are_listed_by_subscription(stripe_client, stripe_fake):
    sub = stripe_fake.create_subscription(customer="cus_1", status="past_due")
    other = stripe_fake.create_subscription(customer="cus_2")
    stripe_fake.add_open_invoice(other["id"], 100)

    listed = stripe_client.v1.invoices.list(params={"subscription": sub["id"], "status": "open"})

    (invoice,) = listed.data
    assert (listed.object, listed.url, listed.has_more) == ("list", "/v1/invoices", False)
    assert (invoice.object, invoice.status, invoice.amount_due, invoice.customer) == (
        "invoice",
        "open",
        4900,
        "cus_1",
    )
    assert invoice.parent.subscription_details.subscription == sub["id"]
    fetched = stripe_client.v1.invoices.retrieve(invoice.id)
    assert fetched.hosted_invoice_url == f"{stripe_fake.url}/hosted_invoices/{invoice.id}"
    page = requests.get(fetched.hosted_invoice_url, timeout=5)
    assert page.status_code == 200 and invoice.id in page.text


def test_billing_portal_session_for_updating_a_card(stripe_client, stripe_fake, pro):
    _product, _price, customer = pro
    session = stripe_client.v1.billing_portal.sessions.create(
        params={
            "customer": customer.id,
            "return_url": "https://shop.example/account",
            "flow_data": {"type": "payment_method_update"},
        }
    )

    assert (session.object, session.id[:4], session.customer) == (
        "billing_portal.session",
        "bps_",
        customer.id,
    )
    assert session.flow.type == "payment_method_update"
    assert session.url == f"{stripe_fake.url}/portal/{session.id}"
    page = requests.get(session.url, timeout=5)
    assert 'href="https://shop.example/account"' in page.text.replace("'", '"')

    with pytest.raises(stripe.InvalidRequestError) as missing:
        stripe_client.v1.billing_portal.sessions.create(params={"customer": "cus_missing"})
    assert missing.value.param == "customer"
