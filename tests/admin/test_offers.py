"""The offers editor: who may do what, one form per offer type, audit, deactivation."""

import pytest
from sqlalchemy import select

from saveflow.apps.models import AuditEntry
from saveflow.apps.setup import create_app_with_defaults
from saveflow.extensions import db
from tests.admin.conftest import csrf_from

ROLES = ("admin", "editor", "finance", "viewer")
COPY = {"title.en": "Half off for two months", "body.en": "Stay on {plan}, {first_name}."}


def sign_in(who, demo, make_user, admin):
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


@pytest.fixture
def editor(demo, make_user, admin):
    sign_in("editor", demo, make_user, admin)


def token(client, url):
    return csrf_from(client.get(url).text)


def audit_entries(app_id, action):
    return db.session.scalars(
        select(AuditEntry).where(AuditEntry.app_id == app_id, AuditEntry.action == action)
    ).all()


def post_new(client, demo, type_name, **form):
    url = f"/admin/apps/{demo.id}/offers/new?type={type_name}"
    return client.post(url, data={"csrf_token": token(client, url), **form})


def post_edit(client, demo, key, **form):
    url = f"/admin/apps/{demo.id}/offers/{key}"
    return client.post(url, data={"csrf_token": token(client, url), **form})
