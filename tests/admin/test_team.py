"""An app's team: add by email (a new account gets a one-time password), change roles, remove,
and never leave the app without an admin."""

import logging
import re

import pytest
from sqlalchemy import select

from saveflow.accounts.models import Membership
from saveflow.accounts.service import find_user, members_of
from saveflow.apps.setup import create_app_with_defaults
from saveflow.extensions import db
from tests.admin.settings_helpers import audit_entries, post


@pytest.fixture
def boss(demo, make_user, admin):
    user = make_user("admin@team.example", "admin", demo.id)
    admin.login("admin@team.example")
    return user


def _role(app_id, user_id):
    db.session.rollback()
    return db.session.scalar(
        select(Membership.role).where(Membership.app_id == app_id, Membership.user_id == user_id)
    )


def test_the_team_lists_roles_including_every_app_ones(boss, demo, make_user, client):
    make_user("ed@team.example", "editor", demo.id)
    make_user("cfo@team.example", "finance", None)
    html = client.get(f"/admin/apps/{demo.id}/users").text
    for email in ("admin@team.example", "ed@team.example", "cfo@team.example"):
        assert email in html
    assert "on every app" in html and "(you)" in html
    members = {m.email: (m.role, m.every_app) for m in members_of(demo.id)}
    assert members["cfo@team.example"] == ("finance", True)
    assert members["ed@team.example"] == ("editor", False)


def test_adding_a_new_person_shows_their_password_once(boss, demo, client, admin, caplog):
    caplog.set_level(logging.DEBUG)
    response = post(
        client, f"/admin/apps/{demo.id}/users", {"email": "New@Team.example", "role": "editor"}
    )
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    password = re.search(r'<code id="new-password">([^<]+)</code>', response.text).group(1)
    assert len(password) >= 12 and "shown only once" in response.text
    assert password not in client.get(f"/admin/apps/{demo.id}/users").text
    user = find_user("new@team.example")
    assert _role(demo.id, user.id) == "editor"
    [entry] = audit_entries(demo.id, "member.added")
    assert entry.data == {
        "before": None,
        "after": {"email": "new@team.example", "role": "editor", "new_account": True},
    }
    assert password not in str(entry.data) and password not in caplog.text
    admin.logout()
    assert admin.login("new@team.example", password).status_code == 302


def test_adding_someone_with_an_account_attaches_it(boss, demo, make_user, client):
    other = create_app_with_defaults("Other", ["https://other.example"], actor="test")
    db.session.commit()
    user = make_user("ann@team.example", "viewer", other.id)
    response = post(
        client, f"/admin/apps/{demo.id}/users", {"email": "ann@team.example", "role": "finance"}
    )
    assert response.status_code == 302
    assert _role(demo.id, user.id) == "finance"
    assert _role(other.id, user.id) == "viewer"
    again = post(
        client, f"/admin/apps/{demo.id}/users", {"email": "ANN@team.example", "role": "viewer"}
    )
    assert again.status_code == 400 and "Already on this app" in again.text
    assert _role(demo.id, user.id) == "finance"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"email": "not-an-email", "role": "viewer"}, "valid email"),
        ({"email": "x@team.example", "role": "owner"}, "Not a valid choice"),
        ({"email": "", "role": "viewer"}, "This field is required"),
    ],
)
def test_bad_additions_are_refused(data, message, boss, demo, client):
    response = post(client, f"/admin/apps/{demo.id}/users", data)
    assert response.status_code == 400 and message in response.text
    assert find_user("x@team.example") is None and find_user("not-an-email") is None


def test_changing_a_role_and_removing_someone(boss, demo, make_user, client):
    ed = make_user("ed@team.example", "editor", demo.id)
    response = post(
        client, f"/admin/apps/{demo.id}/users/{ed.id}/role", {f"m{ed.id}-role": "viewer"}
    )
    assert response.status_code == 302
    assert _role(demo.id, ed.id) == "viewer"
    [changed] = audit_entries(demo.id, "member.role")
    assert changed.data == {
        "before": {"email": "ed@team.example", "role": "editor"},
        "after": {"email": "ed@team.example", "role": "viewer"},
    }
    assert post(client, f"/admin/apps/{demo.id}/users/{ed.id}/remove").status_code == 302
    assert _role(demo.id, ed.id) is None
    assert find_user("ed@team.example") is not None  # the account stays
    [removed] = audit_entries(demo.id, "member.removed")
    assert removed.data == {"before": {"email": "ed@team.example", "role": "viewer"}, "after": None}


def test_the_last_admin_can_be_neither_demoted_nor_removed(boss, demo, make_user, client):
    url = f"/admin/apps/{demo.id}/users/{boss.id}"
    demoted = post(client, f"{url}/role", {f"m{boss.id}-role": "editor"})
    assert demoted.status_code == 400 and "needs an admin" in demoted.text
    removed = post(client, f"{url}/remove")
    assert removed.status_code == 400 and "needs an admin" in removed.text
    assert _role(demo.id, boss.id) == "admin"
    assert audit_entries(demo.id, "member.role") == []
    assert audit_entries(demo.id, "member.removed") == []
    # With a second admin, the first may step down.
    second = make_user("second@team.example", "admin", demo.id)
    assert post(client, f"{url}/role", {f"m{boss.id}-role": "editor"}).status_code == 302
    assert _role(demo.id, boss.id) == "editor"
    assert _role(demo.id, second.id) == "admin"


def test_an_admin_of_every_app_counts_as_an_admin(boss, demo, make_user, client):
    make_user("root@team.example", "admin", None)
    response = post(client, f"/admin/apps/{demo.id}/users/{boss.id}/remove")
    assert response.status_code == 302 and _role(demo.id, boss.id) is None


def test_unknown_members_are_404(boss, demo, make_user, client):
    other = create_app_with_defaults("Other", ["https://other.example"], actor="test")
    db.session.commit()
    stranger = make_user("stranger@team.example", "admin", other.id)
    url = f"/admin/apps/{demo.id}/users"
    assert (
        post(client, f"{url}/{stranger.id}/role", {f"m{stranger.id}-role": "viewer"}).status_code
        == 404
    )
    assert post(client, f"{url}/{stranger.id}/remove").status_code == 404
    assert post(client, f"{url}/99999/remove").status_code == 404
    assert _role(other.id, stranger.id) == "admin"


def test_non_admins_see_the_team_without_controls(demo, make_user, admin, client):
    make_user("admin@team.example", "admin", demo.id)
    make_user("viewer@team.example", "viewer", demo.id)
    admin.login("viewer@team.example")
    html = client.get(f"/admin/apps/{demo.id}/users").text
    assert "admin@team.example" in html
    assert "Add to team" not in html and "Remove" not in html and "<select" not in html
