"""Who may open and use the apps, settings, brand, secrets, Stripe and team pages."""

import pytest

from saveflow.accounts.service import find_user
from saveflow.extensions import db
from tests.admin.conftest import sign_in_as
from tests.admin.settings_helpers import post, settings_form

ROLES = ("admin", "editor", "finance", "viewer")
WHO = (*ROLES, "other-app", "anonymous")
READ_BY_ALL = ("settings", "brand", "users")
ADMIN_ONLY = ("secrets", "stripe")
# Brand and widget copy are what customers read: editors change them as well as admins.
EDITOR_ACTIONS = ("brand",)


@pytest.mark.parametrize("who", WHO)
@pytest.mark.parametrize("page", READ_BY_ALL + ADMIN_ONLY)
def test_pages(page, who, demo, make_user, admin, client):
    sign_in_as(who, demo, make_user, admin)
    response = client.get(f"/admin/apps/{demo.id}/{page}")
    if who == "anonymous":
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/admin/login?next=")
    elif who == "admin" or (who in ROLES and page in READ_BY_ALL):
        assert response.status_code == 200
    else:
        assert response.status_code == 403


def _actions(demo):
    """(name, url, form data, prefix, admin's status) for every POST of these pages."""
    base = f"/admin/apps/{demo.id}"
    member = find_user("member@team.example")
    return {
        "settings": (f"{base}/settings", settings_form(demo, name="Renamed"), None, 302),
        "brand": (f"{base}/brand", {"accent": "#123456"}, None, 302),
        "rotate": (f"{base}/secrets", {"mode": "test", "test-grace": "24h"}, "test", 200),
        "stripe": (
            f"{base}/stripe",
            {
                "mode": "test",
                "test-secret_key": "sk_test_abcdefghijklmnop",
                "test-webhook_secret": "whsec_abcdefghijkl",
            },
            "test",
            302,
        ),
        "disconnect": (f"{base}/stripe/disconnect", {"mode": "test"}, None, 302),
        "provider": (f"{base}/stripe/provider", {"billing_provider": "none"}, None, 302),
        "add": (f"{base}/users", {"email": "new@team.example", "role": "viewer"}, None, 200),
        "role": (f"{base}/users/{member.id}/role", {f"m{member.id}-role": "editor"}, None, 302),
        "remove": (f"{base}/users/{member.id}/remove", {}, None, 302),
    }


@pytest.mark.parametrize("who", WHO)
@pytest.mark.parametrize(
    "action",
    ["settings", "brand", "rotate", "stripe", "disconnect", "provider", "add", "role", "remove"],
)
def test_actions(action, who, demo, make_user, admin, client):
    make_user("member@team.example", "viewer", demo.id)
    sign_in_as(who, demo, make_user, admin)
    url, data, prefix, admin_status = _actions(demo)[action]
    if who == "anonymous":
        response = client.post(url, data=data)
        # No session, no CSRF token: refused before anything else is looked at.
        assert response.status_code in (302, 400)
        return
    response = post(client, url, data, prefix)
    if who == "admin" or (who == "editor" and action in EDITOR_ACTIONS):
        assert response.status_code == admin_status, response.text[:2000]
    else:
        assert response.status_code == 403


@pytest.mark.parametrize("who", [*ROLES, "global-admin", "global-viewer", "anonymous"])
def test_only_an_admin_of_every_app_creates_apps(who, demo, make_user, admin, client):
    if who.startswith("global-"):
        make_user("g@team.example", who.removeprefix("global-"), None)
        admin.login("g@team.example")
    elif who != "anonymous":
        make_user(f"{who}@team.example", who, demo.id)
        admin.login(f"{who}@team.example")
    page = client.get("/admin/apps/new")
    if who == "anonymous":
        assert page.status_code == 302
        return
    expected = 200 if who == "global-admin" else 403
    assert page.status_code == expected
    response = post(client, "/admin/apps/new", {"name": "Beta", "default_locale": "en"})
    assert response.status_code == (302 if who == "global-admin" else 403)
    assert ("New app" in client.get("/admin/").text) == (who == "global-admin")


def test_a_post_without_a_csrf_token_is_refused(demo, make_user, admin, client):
    make_user("admin@team.example", "admin", demo.id)
    admin.login("admin@team.example")
    response = client.post(f"/admin/apps/{demo.id}/settings", data=settings_form(demo, name="X"))
    assert response.status_code == 400
    db.session.rollback()
    assert db.session.get(type(demo), demo.id).name == "Acme"


def test_anonymous_posts_change_nothing(demo, client):
    client.get("/admin/login")
    response = client.post(f"/admin/apps/{demo.id}/secrets", data={"mode": "live"})
    assert response.status_code in (302, 400)
    db.session.rollback()
    assert db.session.get(type(demo), demo.id).previous_live_secret is None
