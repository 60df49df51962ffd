"""Admin fixtures: users with roles, and sign-in through the real form (CSRF token and all)."""

import re

import pytest

from saveflow.accounts.service import create_user
from saveflow.apps.setup import create_app_with_defaults
from saveflow.extensions import db

PASSWORD = "correct horse battery"


def csrf_from(html: str) -> str:
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html) or re.search(
        r'name="csrf_token" value="([^"]+)"', html
    )
    assert match, "no CSRF token on the page"
    return match.group(1)


class AdminActions:
    """Sign in and out the way a browser does."""

    def __init__(self, client):
        self.client = client

    def login(self, email, password=PASSWORD, next_url=None):
        page = self.client.get("/admin/login")
        url = "/admin/login" + (f"?next={next_url}" if next_url else "")
        return self.client.post(
            url,
            data={"email": email, "password": password, "csrf_token": csrf_from(page.text)},
        )

    def logout(self):
        page = self.client.get("/admin/")
        return self.client.post("/admin/logout", data={"csrf_token": csrf_from(page.text)})


@pytest.fixture
def make_user(app):
    def make(email, role="admin", app_id=None, password=PASSWORD):
        user = create_user(email, password, role, app_id)
        db.session.commit()
        return user

    return make


def sign_in_as(who, demo, make_user, admin):
    """Sign in as a role on the demo app, an admin of another app ("other-app"), or nobody."""
    if who == "anonymous":
        return
    if who == "other-app":
        other = create_app_with_defaults("Other", ["https://other.example"], actor="test")
        db.session.commit()
        make_user("other@team.example", "admin", other.id)
        assert admin.login("other@team.example").status_code == 302
        return
    make_user(f"{who}@team.example", who, demo.id)
    assert admin.login(f"{who}@team.example").status_code == 302


def browser_sign_in(page, email, password=PASSWORD):
    """Fill in the login form the page is showing and submit it, as a person would."""
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


@pytest.fixture
def admin(client):
    return AdminActions(client)


@pytest.fixture(scope="session")
def chromium(browser):
    """The run's one Chromium (see tests/conftest.py)."""
    return browser
