"""The customer's address from billing: Stripe's customer record, read by the real SDK from the
fake; provider `none` knows no address."""

import pytest
import stripe

from saveflow.billing.connections import Connection
from saveflow.billing.none import NoneProvider
from saveflow.billing.settings import BillingSettings
from saveflow.billing.stripe_billing import StripeBilling
from saveflow.domain_errors import BillingFailed, BillingUnavailable
from tests.fakes.fixtures import sdk_client


@pytest.fixture
def billing(stripe_fake):
    connection = Connection("stripe", "test", stripe_fake.api_key, "whsec_fakefakefake")
    return StripeBilling(connection, BillingSettings(stripe_fake.url, 0.5, None, 300))


def test_stripe_returns_the_customers_email(billing, stripe_fake):
    stripe_fake.create_customer(id="cus_1", email="ada@example.com")
    assert billing.customer_email("cus_1") == "ada@example.com"
    [call] = stripe_fake.calls("GET", "/v1/customers/cus_1")
    assert call.status == 200


def test_stripe_knows_no_address_for_a_customer_without_one_or_unknown(billing, stripe_fake):
    stripe_fake.create_customer(id="cus_2")
    assert billing.customer_email("cus_2") is None
    assert billing.customer_email("cus_missing") is None


def test_a_deleted_customer_has_no_address(billing, stripe_fake):
    stripe_fake.create_customer(id="cus_3", email="gone@example.com")
    stripe_fake.create_subscription(id="sub_1", customer="cus_3")
    deleted = sdk_client(stripe_fake).v1.customers.delete("cus_3")
    assert deleted.to_dict() == {"id": "cus_3", "object": "customer", "deleted": True}
    assert billing.customer_email("cus_3") is None
    assert stripe_fake.subscription("sub_1")["status"] == "canceled"
    with pytest.raises(stripe.InvalidRequestError):
        sdk_client(stripe_fake).v1.customers.delete("cus_3")


def test_stripe_failures_are_billing_errors(billing, stripe_fake):
    stripe_fake.create_customer(id="cus_4", email="ada@example.com")
    stripe_fake.fail_next("/v1/customers/cus_4", status=500)
    with pytest.raises(BillingFailed, match="read the customer's email address"):
        billing.customer_email("cus_4")
    stripe_fake.delay_next("/v1/customers/cus_4", seconds=3)
    with pytest.raises(BillingUnavailable):
        billing.customer_email("cus_4")


def test_provider_none_knows_no_address():
    assert NoneProvider().customer_email("cus_1") is None
