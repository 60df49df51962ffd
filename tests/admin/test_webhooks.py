"""The Webhooks settings page: app admins only, CSRF on every form, the secret shown once."""

import re
from datetime import UTC, datetime

import pytest
from sqlalchemy import select, text

from saveflow.extensions import db
from saveflow.messaging import endpoints
from saveflow.messaging.models import WebhookEndpoint
from saveflow.messaging.publish import publish
from tests.admin.conftest import sign_in_as
from tests.admin.settings_helpers import audit_entries, post

ROLES = ("admin", "editor", "finance", "viewer")
URL = "https://hooks.example.com/saveflow"


def _endpoint(demo, url=URL, **kwargs):
    endpoint = endpoints.add_endpoint(demo.id, url, actor="test", **kwargs)
    db.session.commit()
    return endpoint


def _secret_on(html):
    match = re.search(r'<code id="new-secret">([^<]+)</code>', html)
    return match and match.group(1)


@pytest.mark.parametrize("who", [*ROLES, "other-app", "anonymous"])
def test_only_app_admins_open_the_page(who, demo, make_user, admin, client):
    _endpoint(demo)
    sign_in_as(who, demo, make_user, admin)
    response = client.get(f"/admin/apps/{demo.id}/webhooks")
    if who == "anonymous":
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/admin/login?next=")
    elif who == "admin":
        assert response.status_code == 200 and URL in response.text
    else:
        assert response.status_code == 403 and URL not in response.text
    # The tab shows to admins only.
    settings = client.get(f"/admin/apps/{demo.id}/settings")
    if settings.status_code == 200:
        assert ("/webhooks" in settings.text) == (who == "admin")


@pytest.mark.parametrize("who", [*ROLES, "other-app", "anonymous"])
@pytest.mark.parametrize("action", ["add", "rotate", "off", "remove"])
def test_only_app_admins_change_endpoints(action, who, demo, make_user, admin, client):
    endpoint = _endpoint(demo)
    base = f"/admin/apps/{demo.id}/webhooks"
    url, data, admin_status = {
        "add": (base, {"url": "https://other.example/in", "events": "session.alert"}, 200),
        "rotate": (f"{base}/{endpoint.id}/rotate", {}, 200),
        "off": (f"{base}/{endpoint.id}/active", {"active": "off"}, 302),
        "remove": (f"{base}/{endpoint.id}/remove", {}, 302),
    }[action]
    secret = endpoint.secret
    sign_in_as(who, demo, make_user, admin)
    if who == "anonymous":
        assert client.post(url, data=data).status_code in (302, 400)
    else:
        response = post(client, url, data)
        assert response.status_code == (admin_status if who == "admin" else 403)
    db.session.rollback()
    db.session.expire_all()
    rows = db.session.scalars(select(WebhookEndpoint)).all()
    if who != "admin":
        assert [(r.id, r.active, r.secret) for r in rows] == [(endpoint.id, True, secret)]


def test_posts_without_a_csrf_token_are_refused(demo, make_user, admin, client):
    endpoint = _endpoint(demo)
    make_user("admin@team.example", "admin", demo.id)
    admin.login("admin@team.example")
    base = f"/admin/apps/{demo.id}/webhooks"
    for url, data in [
        (base, {"url": "https://other.example/in", "kind": "json", "events": "session.alert"}),
        (f"{base}/{endpoint.id}/rotate", {}),
        (f"{base}/{endpoint.id}/active", {"active": "off"}),
        (f"{base}/{endpoint.id}/remove", {}),
    ]:
        assert client.post(url, data=data).status_code == 400, url
        assert client.post(url, data={**data, "csrf_token": "forged"}).status_code == 400, url
    db.session.rollback()
    db.session.expire_all()
    [row] = db.session.scalars(select(WebhookEndpoint)).all()
    assert (row.id, row.active, row.secret) == (endpoint.id, True, endpoint.secret)


@pytest.fixture
def signed_in(demo, make_user, admin):
    make_user("admin@team.example", "admin", demo.id)
    admin.login("admin@team.example")


def test_adding_shows_the_secret_once(signed_in, demo, client):
    base = f"/admin/apps/{demo.id}/webhooks"
    assert "No endpoints yet" in client.get(base).text
    response = post(
        client,
        base,
        {
            "url": " HTTPS://Hooks.Example.com/in ",
            "kind": "json",
            "events": ["session.completed", "session.alert"],
            "description": "CRM",
        },
    )
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    secret = _secret_on(response.text)
    assert secret and secret.startswith("whsec_")
    db.session.rollback()
    [row] = db.session.scalars(select(WebhookEndpoint)).all()
    assert row.secret == secret and row.url == "https://hooks.example.com/in"
    assert row.events == ["session.completed", "session.alert"] and row.description == "CRM"
    raw = db.session.scalar(text("SELECT secret FROM webhook_endpoints"))
    assert secret not in raw
    # Listed afterwards, never shown again.
    page = client.get(base)
    assert page.headers["Cache-Control"] == "no-store"
    assert secret not in page.text and _secret_on(page.text) is None
    for shown in (
        "https://hooks.example.com/in",
        "CRM",
        row.id,
        "session.completed, session.alert",
    ):
        assert shown in page.text
    assert "Switch off" in page.text and "Rotate secret" in page.text
    [entry] = audit_entries(demo.id, "webhook.added")
    assert entry.actor == "user:admin@team.example" and secret not in str(entry.data)


def test_refused_addresses_say_why(signed_in, demo, client):
    base = f"/admin/apps/{demo.id}/webhooks"
    response = post(client, base, {"url": "http://hooks.example.com/", "kind": "json"})
    assert response.status_code == 400
    assert "Use https:// (plain http only for localhost, 127.0.0.1 or ::1)." in response.text
    response = post(client, base, {"url": "https://a.example/", "kind": "json"})
    assert response.status_code == 400 and "Choose at least one event." in response.text
    response = post(client, base, {"url": "https://a.example/in", "kind": "slack"})
    assert response.status_code == 400 and "https://hooks.slack.com/" in response.text
    db.session.rollback()
    assert db.session.scalars(select(WebhookEndpoint)).all() == []


def test_a_slack_endpoint_gets_alerts_and_has_no_secret(signed_in, demo, client):
    base = f"/admin/apps/{demo.id}/webhooks"
    slack = "https://hooks.slack.com/services/T0/B0/secretpart123"
    response = post(client, base, {"url": slack, "kind": "slack", "events": ["session.completed"]})
    assert response.status_code == 302
    db.session.rollback()
    [row] = db.session.scalars(select(WebhookEndpoint)).all()
    assert (row.kind, row.events) == ("slack", ["session.alert"])
    page = client.get(base).text
    assert "Slack endpoint" in page and "secretpart123" not in page
    assert "Rotate secret" not in page


def test_rotate_switch_and_remove(signed_in, demo, client):
    endpoint = _endpoint(demo)
    old = endpoint.secret
    base = f"/admin/apps/{demo.id}/webhooks/{endpoint.id}"
    rotated = post(client, f"{base}/rotate")
    new = _secret_on(rotated.text)
    assert rotated.status_code == 200 and new and new != old
    assert "New signing secret" in rotated.text
    db.session.rollback()
    db.session.expire_all()
    assert db.session.get(WebhookEndpoint, endpoint.id).secret == new
    assert post(client, f"{base}/active", {"active": "off"}).status_code == 302
    assert "Switch on" in client.get(f"/admin/apps/{demo.id}/webhooks").text
    db.session.expire_all()
    assert db.session.get(WebhookEndpoint, endpoint.id).active is False
    assert post(client, f"{base}/active", {"active": "maybe"}).status_code == 400
    assert post(client, f"{base}/active", {"active": "on"}).status_code == 302
    # Sent something: kept and switched off rather than deleted.
    publish(demo.id, "session.completed", {"x": 1}, datetime(2027, 3, 1, tzinfo=UTC), "ses_1")
    db.session.commit()
    assert post(client, f"{base}/remove").status_code == 302
    assert "is switched off and kept" in client.get(f"/admin/apps/{demo.id}/webhooks").text
    db.session.expire_all()
    assert db.session.get(WebhookEndpoint, endpoint.id).active is False
    actions = [e.action for e in audit_entries(demo.id, "webhook.secret_rotated")]
    assert actions == ["webhook.secret_rotated"]
    assert [e.actor for e in audit_entries(demo.id, "webhook.disabled")] == [
        "user:admin@team.example",
        "user:admin@team.example",
    ]


def test_an_unused_endpoint_is_removed_and_other_apps_endpoints_are_404(signed_in, demo, client):
    from saveflow.apps.setup import create_app_with_defaults

    other = create_app_with_defaults("Other", ["https://other.example"], actor="test")
    db.session.commit()
    theirs = _endpoint(other)
    endpoint = _endpoint(demo)
    base = f"/admin/apps/{demo.id}/webhooks"
    for action in ("remove", "rotate", "active"):
        assert post(client, f"{base}/{theirs.id}/{action}", {"active": "off"}).status_code == 404
    assert post(client, f"{base}/whe_nope/remove").status_code == 404
    assert post(client, f"{base}/{endpoint.id}/remove").status_code == 302
    db.session.rollback()
    remaining = db.session.scalars(select(WebhookEndpoint.id)).all()
    assert remaining == [theirs.id]
    assert f"{endpoint.id} removed." in client.get(base).text
