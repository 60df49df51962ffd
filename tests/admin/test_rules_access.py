"""Who may read the rule builder's pages and who may change rules: every role reads, editors
(and admins) change, everyone else gets 403, nobody signed out gets in; CSRF on every post."""

import json
from copy import deepcopy

import pytest

from saveflow.extensions import db
from saveflow.offers import service
from tests.admin.conftest import csrf_from, sign_in_as
from tests.admin.test_rules import rule_of

ROLES = ("admin", "editor", "finance", "viewer")
WHO = (*ROLES, "other-app", "anonymous")
PAGES = (
    "",
    "/too_expensive",
    "/new",
    "/versions",
    "/diff",
    "/diff?a=1&b=draft",
    "/export",
    "/export?version=draft",
)


@pytest.fixture
def setup(demo):
    """Two published versions and an open draft, so every page and action has something."""
    document = deepcopy(service.published(demo.id).document)
    rule_of(document, "too_expensive")["offers"] = ["pause_2m"]
    service.save_draft(demo.id, document, "test")
    service.publish(demo.id, "test")
    document["max_offers"] = 1
    service.save_draft(demo.id, document, "test")
    db.session.commit()
    return f"/admin/apps/{demo.id}/rules"


@pytest.mark.parametrize("who", WHO)
def test_pages(who, setup, demo, make_user, admin, client):
    sign_in_as(who, demo, make_user, admin)
    for page in PAGES:
        response = client.get(setup + page)
        expected = {"anonymous": 302, "other-app": 403}.get(who, 200)
        assert response.status_code == expected, (who, page)
        if who == "anonymous":
            assert response.headers["Location"].startswith("/admin/login?next=")


ACTIONS = {
    "edit": (
        "/too_expensive",
        {"rule_id": "too_expensive", "priority": "5", "offers-0": "contact"},
    ),
    "add": ("/new", {"rule_id": "fresh", "priority": "0", "offers-0": "contact"}),
    "publish": ("/publish", {"note": "go"}),
    "discard": ("/discard", {}),
    "limit": ("/settings", {"max_offers": "2"}),
    "move": ("/not_using/move", {"direction": "up"}),
    "delete": ("/not_using/delete", {}),
    "rollback": ("/rollback/1", {}),
    "import": ("/import", {"text": json.dumps({"schema": 1, "rules": []})}),
}


@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("who", WHO)
def test_actions(who, action, setup, demo, make_user, admin, client):
    sign_in_as(who, demo, make_user, admin)
    token = csrf_from(client.get("/admin/login" if who == "anonymous" else "/admin/").text)
    path, data = ACTIONS[action]
    before = [(r.version, r.status, r.document) for r in _rows(demo.id)]
    response = client.post(setup + path, data={"csrf_token": token, **data})
    after = [(r.version, r.status, r.document) for r in _rows(demo.id)]
    if who in ("admin", "editor"):
        assert response.status_code == 302, response.text
        assert after != before
    else:
        assert response.status_code == (302 if who == "anonymous" else 403)
        assert after == before


def _rows(app_id):
    from sqlalchemy import select

    from saveflow.offers.models import RuleSet

    db.session.rollback()
    return list(db.session.scalars(select(RuleSet).where(RuleSet.app_id == app_id)))


@pytest.mark.parametrize("action", ACTIONS)
def test_a_post_without_a_csrf_token_is_refused(action, setup, demo, make_user, admin, client):
    sign_in_as("editor", demo, make_user, admin)
    path, data = ACTIONS[action]
    before = [(r.version, r.status, r.document) for r in _rows(demo.id)]
    response = client.post(setup + path, data=data)
    assert response.status_code == 400
    assert [(r.version, r.status, r.document) for r in _rows(demo.id)] == before
