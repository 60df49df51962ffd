"""The API tokens page: anyone signed in makes (seen once), lists and revokes their own tokens."""

import logging
import re

import pytest
from sqlalchemy import select

from saveflow.accounts import api_tokens
from saveflow.accounts.models import ApiToken
from saveflow.extensions import db
from tests.admin.conftest import csrf_from
from tests.admin.settings_helpers import audit_entries, post

PAGE = "/admin/account/api-tokens"
REPORT = "/api/v1/reports/saved-revenue"


def _made(response) -> str:
    found = re.search(r'<code id="new-token">([^<]+)</code>', response.text)
    assert found, "no token on the page"
    return found.group(1)


def _report(client, token):
    return client.get(REPORT, headers={"Authorization": f"Bearer {token}"})


@pytest.fixture
def cfo(demo, make_user, admin):
    user = make_user("cfo@team.example", "finance", demo.id)
    assert admin.login("cfo@team.example").status_code == 302
    return user


def test_a_token_made_on_the_page_is_shown_once_and_works(cfo, demo, client, caplog):
    caplog.set_level(logging.DEBUG)
    page = client.get(PAGE)
    assert page.status_code == 200
    assert "Acme" in page.text and "No tokens yet" in page.text
    made = post(client, PAGE, {"name": "Month-end export"})
    assert made.status_code == 200
    assert made.headers["Cache-Control"] == "no-store"
    token = _made(made)
    assert "only time it is shown" in made.text
    assert _report(client, token).status_code == 200
    again = client.get(PAGE).text
    assert token not in again
    assert f"sf_{token.split('_')[1]}_…" in again and "Month-end export" in again
    [entry] = audit_entries(demo.id, "api_token.created")
    assert entry.actor == "user:cfo@team.example"
    assert entry.data["after"]["name"] == "Month-end export"
    secret = token.split("_", 2)[2]
    assert secret not in str(entry.data) and secret not in caplog.text


def test_revoking_on_the_page_stops_the_token(cfo, demo, client):
    token = _made(post(client, PAGE, {"name": "Leaked"}))
    row = db.session.scalar(select(ApiToken))
    revoked = post(client, f"{PAGE}/{row.id}/revoke")
    assert revoked.status_code == 302
    assert _report(client, token).status_code == 401
    page = client.get(PAGE).text
    assert "Revoked" in page and f"{PAGE}/{row.id}/revoke" not in page
    [entry] = audit_entries(demo.id, "api_token.revoked")
    assert (entry.data["before"]["state"], entry.data["after"]["state"]) == ("active", "revoked")


def test_forms_need_their_csrf_token(cfo, client):
    assert client.post(PAGE, data={"name": "x"}).status_code == 400
    post(client, PAGE, {"name": "kept"})
    row = db.session.scalar(select(ApiToken))
    assert client.post(f"{PAGE}/{row.id}/revoke").status_code == 400
    db.session.refresh(row)
    assert row.revoked_at is None


def test_nobody_revokes_someone_elses_token(demo, make_user, admin, client):
    other = make_user("other@team.example", "finance", demo.id)
    _token, full = api_tokens.issue(other, "theirs", "test")
    db.session.commit()
    theirs = db.session.scalar(select(ApiToken))
    make_user("cfo@team.example", "finance", demo.id)
    admin.login("cfo@team.example")
    assert post(client, f"{PAGE}/{theirs.id}/revoke").status_code == 404
    assert post(client, f"{PAGE}/999999/revoke").status_code == 404
    assert "theirs" not in client.get(PAGE).text
    assert _report(client, full).status_code == 200


def test_a_name_that_is_too_long_is_refused(cfo, client):
    refused = post(client, PAGE, {"name": "x" * 101})
    assert refused.status_code == 400
    assert 'id="new-token"' not in refused.text
    assert db.session.scalar(select(ApiToken)) is None


def test_a_viewer_is_told_the_token_reads_nothing_yet(demo, make_user, admin, client):
    make_user("viewer@team.example", "viewer", demo.id)
    admin.login("viewer@team.example")
    page = client.get(PAGE).text
    assert "None of your apps yet" in page


def test_signed_out_visitors_go_to_the_login(client):
    response = client.get(PAGE)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/admin/login?next=")
    token = csrf_from(client.get("/admin/login").text)
    refused = client.post(PAGE, data={"name": "x", "csrf_token": token})
    assert refused.status_code == 302 and refused.headers["Location"].startswith("/admin/login")
    assert db.session.scalar(select(ApiToken)) is None


def test_the_top_bar_links_to_the_page(cfo, client):
    assert f'href="{PAGE}"' in client.get("/admin/").text
