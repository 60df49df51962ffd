"""Record an admin's change in the app's audit log: who, when, and the value before and after."""

from typing import Any

from flask import g
from flask_login import current_user

from saveflow.admin.auth import FINANCE_ROLES
from saveflow.apps.audit import audit
from saveflow.apps.models import AuditEntry

EDITORS = ("admin", "editor")


def actor() -> str:
    """Return how the signed-in user appears in the audit log."""
    return f"user:{current_user.email}"


def can_edit() -> bool:
    """Say whether the signed-in user's role on this page's app may change reasons, offers, rules."""
    return getattr(g, "admin_role", None) in EDITORS


def can_read_reports() -> bool:
    """Say whether the signed-in user's role on this page's app may read the finance reports."""
    return getattr(g, "admin_role", None) in FINANCE_ROLES


def is_app_admin() -> bool:
    """Say whether the signed-in user administers this page's app (settings, users, secrets)."""
    return getattr(g, "admin_role", None) == "admin"


def record(
    app_id: str,
    action: str,
    target: str,
    before: Any = None,
    after: Any = None,
    note: str | None = None,
) -> AuditEntry:
    """Append a change to the audit log; `before` and `after` are JSON (None when absent).

    Never pass a secret: write "(set)" or a masked form instead.
    """
    return audit(app_id, actor(), action, target, {"before": before, "after": after}, note)
