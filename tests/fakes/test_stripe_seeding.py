"""Seeding and inspecting the fake, its clock, and the request conventions it reads."""

from datetime import UTC, datetime

import pytest
import stripe

from tests.fakes.fixtures import sdk_client
from tests.fakes.stripe_api import FakeStripe
from tests.fakes.stripe_forms import StripeError, parse_params
from tests.fakes.stripe_periods import add_months, period_containing

MARCH_15 = int(datetime(2025, 3, 15, 10, tzinfo=UTC).timestamp())


def test_seeded_subscriptions_read_back_through_the_sdk(stripe_client, stripe_fake):
    seeded = stripe_fake.create_subscription(
        id="sub_1",
        customer="cus_1",
        amount=2900,
        interval="year",
        quantity=2,
        metadata={"plan": "pro"},
    )

    fetched = stripe_client.v1.subscriptions.retrieve("sub_1", params={"expand": ["customer"]})

    assert seeded["id"] == "sub_1" and fetched.customer.id == "cus_1"
    item = fetched["items"].data[0]
    assert (item.price.unit_amount, item.price.recurring.interval, item.quantity) == (
        2900,
        "year",
        2,
    )
    assert fetched.metadata.to_dict() == {"plan": "pro"}
    invoice = stripe_fake.invoice(fetched.latest_invoice)
    assert (invoice["subscription"], invoice["amount_paid"]) == ("sub_1", 5800)


def test_a_subscription_started_in_the_past_is_in_its_current_period(stripe_fake):
    stripe_fake.clock = lambda: int(datetime(2025, 6, 20, tzinfo=UTC).timestamp())

    sub = stripe_fake.create_subscription(
        customer="cus_1", legacy_plan=True, started_at="2025-03-15T10:00:00+00:00"
    )

    assert sub["start_date"] == sub["created"] == MARCH_15
    assert sub["current_period_start"] == int(datetime(2025, 6, 15, 10, tzinfo=UTC).timestamp())
    assert sub["current_period_end"] == int(datetime(2025, 7, 15, 10, tzinfo=UTC).timestamp())
    assert sub["items"]["data"][0]["plan"]["id"].startswith("plan_")


def test_seeded_trials_and_forced_statuses(stripe_fake):
    trialing = stripe_fake.create_subscription(customer="cus_1", trial_days=14)
    assert trialing["status"] == "trialing"
    assert trialing["trial_end"] - trialing["trial_start"] == 14 * 86400

    late = stripe_fake.create_subscription(customer="cus_2", status="past_due", amount=1500)
    assert late["status"] == "past_due"
    open_invoice = stripe_fake.invoice(late["latest_invoice"])
    assert (open_invoice["status"], open_invoice["amount_remaining"]) == ("open", 1500)

    unpaid = stripe_fake.set_status(late["id"], "unpaid")
    assert unpaid["status"] == "unpaid"
    with pytest.raises(StripeError):
        stripe_fake.set_status(late["id"], "sleeping")
    with pytest.raises(ValueError):
        stripe_fake.create_subscription(customer="cus_3", status="trialing")


def test_the_clock_ends_trials_and_scheduled_cancellations(stripe_client, stripe_fake):
    now = [MARCH_15]
    stripe_fake.clock = lambda: now[0]
    trial = stripe_fake.create_subscription(customer="cus_1", trial_days=7)
    ending = stripe_fake.create_subscription(customer="cus_2")
    stripe_client.v1.subscriptions.update(ending["id"], params={"cancel_at_period_end": True})

    now[0] = add_months(MARCH_15, 1) + 60

    assert stripe_fake.subscription(trial["id"])["status"] == "active"
    ended = stripe_client.v1.subscriptions.retrieve(ending["id"])
    assert (ended.status, ended.ended_at) == ("canceled", add_months(MARCH_15, 1))


def test_inspecting_with_expand(stripe_client, stripe_fake):
    sub = stripe_fake.create_subscription(customer="cus_1")
    stripe_fake.create_coupon(id="HALF", percent_off=50)
    stripe_client.v1.subscriptions.update(sub["id"], params={"discounts": [{"coupon": "HALF"}]})

    shown = stripe_fake.subscription(sub["id"], expand=["discounts.source.coupon"])

    assert shown["discounts"][0]["source"]["coupon"]["percent_off"] == 50.0
    assert stripe_fake.discount(shown["discounts"][0]["id"])["coupon"]["id"] == "HALF"


@pytest.mark.parametrize(
    ("pairs", "expected"),
    [
        (
            [("items[0][price]", "price_1"), ("items[0][quantity]", "2"), ("items[1][plan]", "p")],
            {"items": [{"price": "price_1", "quantity": "2"}, {"plan": "p"}]},
        ),
        (
            [("expand[]", "discounts"), ("expand[]", "customer")],
            {"expand": ["discounts", "customer"]},
        ),
        ([("expand[0]", "discounts")], {"expand": ["discounts"]}),
        (
            [("pause_collection[behavior]", "void"), ("pause_collection[resumes_at]", "9")],
            {"pause_collection": {"behavior": "void", "resumes_at": "9"}},
        ),
        (
            [("pause_collection", ""), ("metadata[a]", "")],
            {"pause_collection": "", "metadata": {"a": ""}},
        ),
        ([("discounts[0][coupon]", "C")], {"discounts": [{"coupon": "C"}]}),
    ],
)
def test_form_keys_nest_as_stripe_reads_them(pairs, expected):
    assert parse_params(pairs) == expected


def test_a_key_sent_both_as_a_value_and_a_hash_is_refused():
    with pytest.raises(StripeError) as error:
        parse_params([("pause_collection", ""), ("pause_collection[behavior]", "void")])
    assert error.value.status == 400


def test_monthly_periods_keep_the_anchor_day():
    jan_31 = int(datetime(2025, 1, 31, tzinfo=UTC).timestamp())
    assert add_months(jan_31, 1) == int(datetime(2025, 2, 28, tzinfo=UTC).timestamp())
    assert add_months(jan_31, 2) == int(datetime(2025, 3, 31, tzinfo=UTC).timestamp())
    assert add_months(jan_31, -2) == int(datetime(2024, 11, 30, tzinfo=UTC).timestamp())

    april_2 = int(datetime(2025, 4, 2, tzinfo=UTC).timestamp())
    assert period_containing(jan_31, "month", 1, april_2) == (
        add_months(jan_31, 2),
        add_months(jan_31, 3),
    )
    assert period_containing(jan_31, "day", 7, jan_31) == (jan_31, jan_31 + 7 * 86400)


def test_the_fake_accepts_the_keys_it_was_given():
    with FakeStripe(api_keys=("sk_test_a", "rk_test_b")) as fake:
        fake.create_subscription(id="sub_1")
        for key in ("sk_test_a", "rk_test_b"):
            assert sdk_client(fake, api_key=key).v1.subscriptions.retrieve("sub_1").id == "sub_1"
        with pytest.raises(stripe.AuthenticationError):
            sdk_client(fake, api_key="sk_test_fake").v1.subscriptions.retrieve("sub_1")
