"""Who may see an admin page: signed in, and a role on the app in the URL."""

from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlsplit

from flask import abort, g, redirect, request, url_for
from flask_login import current_user

from saveflow.accounts.models import REPORT_ROLES, ROLES
from saveflow.accounts.service import role_on

# Pages that only read: every role. Editing pages pass fewer roles; admin always passes.
READ_ROLES = ROLES
EDIT_ROLES = ("admin", "editor")
# Pages of the finance reports: finance and admins (saveflow.accounts.models says who reads them).
FINANCE_ROLES = REPORT_ROLES


def safe_next(target: str | None) -> str | None:
    """Return target when it is a path on this site, else None (no open redirects)."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or "\\" in target:
        return None
    return target


def login_redirect():
    """Send the visitor to the login page, asking to come back here afterwards."""
    back = request.full_path if request.query_string else request.path
    return redirect(url_for("admin.login", next=back))


def signed_in(view: Callable[..., Any]) -> Callable[..., Any]:
    """Let signed-in users through; send everyone else to the login page."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        if not current_user.is_authenticated:
            return login_redirect()
        return view(*args, **kwargs)

    return wrapper


def require_role(*roles: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Let through users whose role on the URL's <app_id> is one of roles (admin always)."""
    allowed = {"admin", *roles}

    def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(view)
        def wrapper(*args, **kwargs):
            if not current_user.is_authenticated:
                return login_redirect()
            role = role_on(current_user.id, kwargs["app_id"])
            if role not in allowed:
                abort(403)
            g.admin_role = role
            return view(*args, **kwargs)

        return wrapper

    return decorate
