"""Shared steps of the reasons tests: sign in as a role, post a form with a CSRF token."""

from sqlalchemy import select

from saveflow.apps.models import App, AuditEntry
from saveflow.extensions import db
from saveflow.reasons.models import Reason
from tests.admin.conftest import csrf_from, sign_in_as

ROLES = ("admin", "editor", "finance", "viewer")
EVERYONE = (*ROLES, "other-app", "anonymous")

__all__ = ["EVERYONE", "ROLES", "sign_in_as", "audit", "post", "reason", "stamp"]


def token(client) -> str:
    """Return a CSRF token of the client's session (signed in or not)."""
    page = client.get("/admin/login")
    if page.status_code == 302:
        page = client.get("/admin/")
    return csrf_from(page.text)


def post(client, url: str, data: dict | None = None, csrf: bool = True):
    """Post a form the way a browser does, with the session's CSRF token unless told not to."""
    body = dict(data or {})
    if csrf:
        body["csrf_token"] = token(client)
    return client.post(url, data=body)


def reason(app_id: str, key: str) -> Reason | None:
    db.session.rollback()
    return db.session.scalar(select(Reason).where(Reason.app_id == app_id, Reason.key == key))


def audit(app_id: str, action: str) -> list[AuditEntry]:
    db.session.rollback()
    return list(
        db.session.scalars(
            select(AuditEntry)
            .where(AuditEntry.app_id == app_id, AuditEntry.action == action)
            .order_by(AuditEntry.id)
        )
    )


def stamp(app_id: str) -> int:
    db.session.rollback()
    return db.session.scalar(select(App.config_version).where(App.id == app_id)) or 0
