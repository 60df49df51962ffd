"""Connecting Stripe from the admin: keys written once, checked with one read, only masked after."""

import logging

import pytest
from sqlalchemy import text

from saveflow.apps.models import App
from saveflow.billing.connections import connect, load_connections
from saveflow.db import utcnow
from saveflow.extensions import db
from tests.admin.settings_helpers import audit_entries, fresh, post
from tests.fakes.stripe_api import FakeStripe

KEY = "sk_test_adminpagekey0000fake"
WEBHOOK = "whsec_adminpagewebhook9999"


@pytest.fixture
def fake(app):
    with FakeStripe(api_keys=(KEY,)) as running:
        app.config["STRIPE_API_BASE"] = running.url
        yield running


@pytest.fixture
def signed_in(demo, make_user, admin):
    make_user("admin@team.example", "admin", demo.id)
    admin.login("admin@team.example")


def _connect(client, demo, key=KEY, webhook=WEBHOOK, mode="test", check=True):
    data = {"mode": mode, f"{mode}-secret_key": key, f"{mode}-webhook_secret": webhook}
    if check:
        data[f"{mode}-check"] = "y"
    return post(client, f"/admin/apps/{demo.id}/stripe", data, mode)


def test_connect_checks_the_key_stores_it_encrypted_and_shows_it_masked(
    signed_in, demo, client, fake, caplog
):
    caplog.set_level(logging.DEBUG)
    response = _connect(client, demo)
    assert response.status_code == 302
    assert fake.calls("GET", "/v1/subscriptions")  # one harmless read with the key
    found = load_connections(demo.id)["test"]
    assert (found.provider, found.secret_key, found.webhook_secret) == ("stripe", KEY, WEBHOOK)
    raw = db.session.execute(text("SELECT secret_key, webhook_secret FROM billing_connections"))
    assert all(KEY not in k and WEBHOOK not in w for k, w in raw)
    page = client.get(response.headers["Location"]).text
    assert "sk_test_…fake" in page and "Connected" in page
    assert KEY not in page and WEBHOOK not in page
    assert f"/webhooks/stripe/{demo.id}" in page
    [entry] = audit_entries(demo.id, "stripe.connected")
    assert entry.data["before"] is None
    assert entry.data["after"] == {
        "key": "sk_test_…fake",
        "webhook_secret": "(set)",
        "checked": True,
    }
    audit_page = client.get(f"/admin/apps/{demo.id}/audit").text
    for text_ in (str(entry.data), audit_page, caplog.text):
        assert KEY not in text_ and WEBHOOK not in text_


def test_a_key_stripe_refuses_is_not_stored(signed_in, demo, client, fake):
    response = _connect(client, demo, key="sk_test_someoneelseskey1234")
    assert response.status_code == 400
    assert "Stripe refused the key" in response.text
    assert "sk_test_someoneelseskey1234" not in response.text  # password fields are not echoed
    assert load_connections(demo.id) == {}
    assert audit_entries(demo.id, "stripe.connected") == []


@pytest.mark.parametrize(
    ("mode", "key", "webhook", "message"),
    [
        ("live", KEY, WEBHOOK, "not a Stripe live-mode secret key"),
        ("test", "pk_test_abcdefghijkl", WEBHOOK, "not a Stripe test-mode secret key"),
        ("test", KEY, "secret", "not a Stripe webhook signing secret"),
        ("test", "", WEBHOOK, "This field is required"),
    ],
)
def test_malformed_keys_are_refused_without_calling_stripe(
    mode, key, webhook, message, signed_in, demo, client, fake
):
    response = _connect(client, demo, key=key, webhook=webhook, mode=mode)
    assert response.status_code == 400 and message in response.text
    assert not fake.calls("GET", "/v1/subscriptions")
    assert load_connections(demo.id) == {}


def test_replacing_and_disconnecting(signed_in, demo, client, fake):
    connect(demo.id, "test", "stripe", "sk_test_oldkeyoldkey1111", "whsec_oldoldold1", utcnow())
    db.session.commit()
    assert _connect(client, demo, check=False).status_code == 302
    assert not fake.calls("GET", "/v1/subscriptions")  # the admin chose not to check
    [entry] = audit_entries(demo.id, "stripe.connected")
    assert entry.data["before"] == {"key": "sk_test_…1111"}
    assert load_connections(demo.id)["test"].secret_key == KEY
    response = post(client, f"/admin/apps/{demo.id}/stripe/disconnect", {"mode": "test"})
    assert response.status_code == 302
    assert load_connections(demo.id) == {}
    [gone] = audit_entries(demo.id, "stripe.disconnected")
    assert gone.data == {"before": {"key": "sk_test_…fake"}, "after": None}
    again = post(client, f"/admin/apps/{demo.id}/stripe/disconnect", {"mode": "test"})
    assert "was not connected" in client.get(again.headers["Location"]).text


def test_billing_provider_choice(signed_in, demo, client):
    response = post(
        client, f"/admin/apps/{demo.id}/stripe/provider", {"billing_provider": "stripe"}
    )
    assert response.status_code == 302
    assert fresh(App, demo.id).billing_provider == "stripe"
    [entry] = audit_entries(demo.id, "app.billing_provider")
    assert entry.data == {"before": "none", "after": "stripe"}
    bad = post(client, f"/admin/apps/{demo.id}/stripe/provider", {"billing_provider": "paypal"})
    assert bad.status_code == 400
    assert fresh(App, demo.id).billing_provider == "stripe"
