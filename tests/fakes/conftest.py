"""Fixtures for the fakes' own tests."""

from tests.fakes.fixtures import stripe_client, stripe_fake  # noqa: F401  (fixtures, used by name)
