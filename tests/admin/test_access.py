"""Who may open which admin page: a role matrix over every page, plus the shell's promises."""

import re

import pytest

from saveflow.apps.setup import create_app_with_defaults
from saveflow.extensions import db
from tests.conftest import FlowActions

ROLES = ("admin", "editor", "finance", "viewer")
APP_PAGES = ("/apps/{app}/sessions", "/apps/{app}/audit", "/apps/{app}/sessions/{session}")


@pytest.fixture
def pages(client, demo):
    flow = FlowActions(client, demo)
    assert flow.start().status_code == 201
    assert flow.answer("too_expensive").status_code == 200
    urls = [f"/admin{p.format(app=demo.id, session=flow.session_id)}" for p in APP_PAGES]
    return ["/admin/", *urls]


@pytest.mark.parametrize("who", [*ROLES, "other-app", "none", "anonymous"])
def test_role_matrix(who, pages, demo, make_user, admin, client):
    if who in ROLES:
        make_user(f"{who}@team.example", who, demo.id)
    elif who == "other-app":
        other = create_app_with_defaults("Other", ["https://other.example"], actor="test")
        db.session.commit()
        make_user("other@team.example", "admin", other.id)
    elif who == "none":
        from saveflow.accounts.models import Membership

        user = make_user("none@team.example", "viewer", demo.id)
        db.session.query(Membership).filter_by(user_id=user.id).delete()
        db.session.commit()
    if who != "anonymous":
        email = "other@team.example" if who == "other-app" else f"{who}@team.example"
        assert admin.login(email).status_code == 302
    for url in pages:
        response = client.get(url)
        if who == "anonymous":
            assert response.status_code == 302, url
            assert response.headers["Location"].startswith("/admin/login?next=")
        elif who in ROLES or url == "/admin/":
            assert response.status_code == 200, url
        else:
            assert response.status_code == 403, url
            assert "<h1>Forbidden</h1>" in response.text


def test_every_role_on_every_app_through_a_global_membership(demo, make_user, admin, client):
    make_user("boss@team.example", "finance")
    admin.login("boss@team.example")
    page = client.get("/admin/")
    assert "Acme" in page.text and "Finance" in page.text
    assert client.get(f"/admin/apps/{demo.id}/audit").status_code == 200
    assert client.get("/admin/apps/app_missing/audit").status_code == 403


def test_every_page_has_a_title_one_h1_and_a_skip_link(pages, demo, make_user, admin, client):
    make_user("viewer@team.example", "viewer", demo.id)
    client.get("/admin/login")
    login_page = client.get("/admin/login").text
    admin.login("viewer@team.example")
    for html in [login_page, *(client.get(url).text for url in pages)]:
        assert re.search(r"<title>[^<]+</title>", html)
        assert len(re.findall(r"<h1[\s>]", html)) == 1
        assert 'href="#main"' in html and 'id="main"' in html
    dashboard = client.get("/admin/").text
    assert "viewer@team.example" in dashboard and "Log out" in dashboard


@pytest.mark.parametrize(
    "query",
    [
        "?page=0",
        "?page=-3",
        "?page=abc",
        "?since=not-a-date&until=2026-13-45",
        "?outcome=bogus&mode=%00",
        "?q=%27%3B+drop+table&reason=x&offer=y",
        "?actor=%25&action=_",
    ],
)
def test_no_admin_page_answers_5xx(query, pages, demo, make_user, admin, client):
    make_user("a@team.example", "admin", demo.id)
    admin.login("a@team.example")
    for url in pages:
        assert client.get(url + query).status_code < 500, url + query
    assert client.get(f"/admin/apps/{demo.id}/sessions/ses_missing").status_code == 404
