from tests.fakes.fixtures import stripe_client, stripe_fake  # noqa: F401
