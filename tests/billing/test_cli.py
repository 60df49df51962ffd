"""`flask saveflow stripe connect|status|disconnect`: keys checked, stored encrypted, never shown."""

import pytest
from sqlalchemy import text

from saveflow.billing.connections import load_connections
from saveflow.extensions import db
from tests.fakes.stripe_api import FakeStripe

WEBHOOK = "whsec_clitestsecret0000"


def run(app, *args, input=None, env=None):
    runner = app.test_cli_runner()
    return runner.invoke(args=["saveflow", "stripe", *args], input=input, env=env or {})


@pytest.fixture
def fake_base(app):
    # A key as long as Stripe's: the command refuses anything that does not look like one.
    with FakeStripe(api_keys=("sk_test_saveflowcli0000fake",)) as fake:
        app.config["STRIPE_API_BASE"] = fake.url
        yield fake


def test_connect_from_the_environment_checks_the_key_and_masks_it(app, demo, fake_base):
    env = {"STRIPE_SECRET_KEY": fake_base.api_key, "STRIPE_WEBHOOK_SECRET": WEBHOOK}
    result = run(app, "connect", "--app", demo.id, "--mode", "test", env=env)
    assert result.exit_code == 0, result.output
    assert fake_base.api_key not in result.output and WEBHOOK not in result.output
    assert f"/webhooks/stripe/{demo.id}" in result.output
    assert fake_base.calls("GET", "/v1/subscriptions")  # one harmless read with the key
    db.session.rollback()
    found = load_connections(demo.id)["test"]
    assert (found.provider, found.secret_key, found.webhook_secret) == (
        "stripe",
        fake_base.api_key,
        WEBHOOK,
    )
    stored = db.session.execute(text("SELECT secret_key FROM billing_connections")).scalar()
    assert fake_base.api_key not in stored  # ciphertext at rest
    status = run(app, "status", "--app", demo.id)
    assert "test  stripe, key sk_test_…fake" in status.output
    assert "live  not connected (none)" in status.output


def test_connect_prompts_hidden_when_the_environment_has_no_keys(app, demo, fake_base):
    answers = f"{fake_base.api_key}\n{WEBHOOK}\n"
    result = run(app, "connect", "--app", demo.id, "--mode", "test", input=answers)
    assert result.exit_code == 0, result.output
    assert fake_base.api_key not in result.output  # typed at a hidden prompt, never echoed
    assert "Connected Stripe" in result.output


@pytest.mark.parametrize(
    ("mode", "key", "secret", "message"),
    [
        ("live", "sk_test_abcdefghijkl", WEBHOOK, "not a Stripe live-mode secret key"),
        ("test", "pk_test_abcdefghijkl", WEBHOOK, "not a Stripe test-mode secret key"),
        ("test", "sk_test_abcdefghijkl", "secret", "not a Stripe webhook signing secret"),
    ],
)
def test_wrong_kinds_of_key_are_refused(app, demo, mode, key, secret, message):
    env = {"STRIPE_SECRET_KEY": key, "STRIPE_WEBHOOK_SECRET": secret}
    result = run(app, "connect", "--app", demo.id, "--mode", mode, env=env)
    assert result.exit_code != 0 and message in result.output
    assert key not in result.output
    assert load_connections(demo.id) == {}


def test_a_key_stripe_refuses_is_not_stored(app, demo, fake_base):
    env = {"STRIPE_SECRET_KEY": "sk_test_notakeyatall", "STRIPE_WEBHOOK_SECRET": WEBHOOK}
    result = run(app, "connect", "--app", demo.id, "--mode", "test", env=env)
    assert result.exit_code != 0 and "Stripe refused the key" in result.output
    db.session.rollback()
    assert load_connections(demo.id) == {}


def test_disconnect_falls_back_to_provider_none(app, demo, fake_base):
    env = {"STRIPE_SECRET_KEY": fake_base.api_key, "STRIPE_WEBHOOK_SECRET": WEBHOOK}
    run(app, "connect", "--app", demo.id, "--mode", "test", env=env)
    assert run(app, "disconnect", "--app", demo.id, "--mode", "test").exit_code == 0
    db.session.rollback()
    assert load_connections(demo.id) == {}
    assert run(app, "disconnect", "--app", demo.id, "--mode", "test").exit_code != 0
