"""Fixtures for a fake Stripe; import them into a conftest.py to use them in a test package."""

import pytest
import stripe

from tests.fakes.stripe_api import FakeStripe


def sdk_client(fake, timeout=5.0, api_key=None):
    """Return the real SDK's client pointed at the fake, without network retries."""
    return stripe.StripeClient(
        api_key or fake.api_key,
        base_addresses={"api": fake.url},
        max_network_retries=0,
        http_client=stripe.RequestsClient(timeout=timeout),
    )


@pytest.fixture
def stripe_fake():
    """A fresh fake Stripe account on a loopback port, stopped after the test."""
    with FakeStripe() as fake:
        yield fake


@pytest.fixture
def stripe_client(stripe_fake):
    """The real `stripe` SDK's client, talking to stripe_fake."""
    return sdk_client(stripe_fake)
