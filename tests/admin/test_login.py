"""Signing in and out: CSRF, audit, rate limits, open redirects, cookies, no passwords leaked."""

import logging

import pytest
from sqlalchemy import select

from saveflow.apps.models import AuditEntry
from saveflow.extensions import db
from tests.admin.conftest import PASSWORD, csrf_from


def _audit(app_id):
    return db.session.scalars(
        select(AuditEntry).where(AuditEntry.app_id == app_id).order_by(AuditEntry.id)
    ).all()


def test_login_form_has_labelled_email_and_password(client):
    html = client.get("/admin/login").text
    assert '<label for="email">Email</label>' in html
    assert '<label for="password">Password</label>' in html
    assert 'type="password"' in html


def test_login_and_logout_are_audited_and_change_the_session(demo, make_user, admin, client):
    make_user("Ada@Team.example", "editor", demo.id)
    response = admin.login("ADA@team.example")
    assert response.status_code == 302 and response.headers["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200
    assert admin.logout().status_code == 302
    assert client.get("/admin/").status_code == 302
    entries = [(e.actor, e.action) for e in _audit(demo.id) if e.action.startswith("admin.")]
    assert entries == [("ada@team.example", "admin.login")]


def test_failed_login_is_audited_and_refused_with_401(demo, make_user, admin, client, caplog):
    user = make_user("ada@team.example", "viewer", demo.id)
    caplog.set_level(logging.DEBUG)
    response = admin.login("ada@team.example", "wrong password here")
    assert response.status_code == 401
    assert "do not match" in response.text
    assert client.get("/admin/").status_code == 302
    [entry] = [e for e in _audit(demo.id) if e.action.startswith("admin.")]
    assert (entry.action, entry.target) == ("admin.login_failed", f"user:{user.id}")
    assert "wrong password here" not in str(entry.data) + (entry.note or "")
    assert "wrong password here" not in caplog.text and "wrong password here" not in response.text


def test_password_never_in_logs_or_responses(demo, make_user, admin, client, caplog):
    caplog.set_level(logging.DEBUG)
    make_user("ada@team.example", "admin", demo.id)
    responses = [
        admin.login("nobody@team.example"),
        admin.login("ada@team.example"),
        client.get("/admin/"),
        client.get(f"/admin/apps/{demo.id}/audit"),
    ]
    for response in responses:
        assert PASSWORD not in response.text
    assert PASSWORD not in caplog.text
    assert all(PASSWORD not in str(e.data) for e in _audit(demo.id))


def test_inactive_user_cannot_sign_in(demo, make_user, admin):
    user = make_user("gone@team.example", "admin", demo.id)
    user.active = False
    db.session.commit()
    assert admin.login("gone@team.example").status_code == 401


@pytest.mark.parametrize("path", ["/admin/login", "/admin/logout"])
def test_posts_without_a_csrf_token_are_400(path, demo, make_user, admin, client):
    make_user("ada@team.example", "admin", demo.id)
    if path == "/admin/logout":
        admin.login("ada@team.example")
    response = client.post(path, data={"email": "ada@team.example", "password": PASSWORD})
    assert response.status_code == 400
    assert "CSRF" in response.text
    if path == "/admin/logout":
        assert client.get("/admin/").status_code == 200  # still signed in


def test_logout_by_get_is_not_allowed(client):
    assert client.get("/admin/logout").status_code == 405


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example/",
        "/\\evil.example",
        "http:/evil.example",
        "javascript:alert(1)",
    ],
)
def test_next_may_not_leave_the_site(target, demo, make_user, admin):
    make_user("ada@team.example", "admin", demo.id)
    response = admin.login("ada@team.example", next_url=target)
    assert response.status_code == 302
    assert response.headers["Location"] == "/admin/"


def test_next_brings_you_back_to_the_page_you_asked_for(demo, make_user, admin, client):
    make_user("ada@team.example", "admin", demo.id)
    asked = f"/admin/apps/{demo.id}/audit?actor=x"
    redirect = client.get(asked).headers["Location"]
    assert redirect.startswith("/admin/login?next=")
    page = client.get(redirect)
    response = client.post(
        redirect,
        data={
            "email": "ada@team.example",
            "password": PASSWORD,
            "csrf_token": csrf_from(page.text),
        },
    )
    assert response.headers["Location"] == asked


def test_login_posts_are_rate_limited_per_address(demo, make_user, admin, client):
    make_user("ada@team.example", "admin", demo.id)
    codes = [admin.login("ada@team.example", "not the password").status_code for _ in range(11)]
    assert codes[:10] == [401] * 10 and codes[10] == 429
    assert client.get("/admin/login").status_code == 200  # the form itself is not limited


def test_session_cookie_is_httponly_and_samesite_lax(demo, make_user, admin):
    make_user("ada@team.example", "admin", demo.id)
    cookie = admin.login("ada@team.example").headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_session_cookie_is_secure_outside_debug_testing_and_demo():
    from saveflow.app import create_app
    from tests.conftest import _config

    class Production(_config("sqlite://")):
        TESTING = False

    class Demo(Production):
        SAVEFLOW_DEMO = True

    class Forced(Demo):
        SESSION_COOKIE_SECURE = True

    assert create_app(Production).config["SESSION_COOKIE_SECURE"] is True
    assert create_app(Demo).config["SESSION_COOKIE_SECURE"] is False
    assert create_app(Forced).config["SESSION_COOKIE_SECURE"] is True


def test_the_json_api_needs_no_csrf_token(flow):
    assert flow.start().status_code == 201
    assert flow.post("/withdraw").status_code == 200
