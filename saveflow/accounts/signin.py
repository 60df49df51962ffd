"""A sign-in attempt, audited on the apps the account can see (never with the password)."""

from saveflow.accounts.models import User
from saveflow.accounts.service import authenticate, find_user, visible_apps
from saveflow.apps.audit import audit
from saveflow.db import utcnow


def attempt(email: str, password: str, address: str) -> User | None:
    """Check credentials and audit the outcome on each app the named account can see.

    An email that names no account has no app to file the attempt under, so the caller logs it.
    """
    user = authenticate(email, password, utcnow())
    named = user or find_user(email)
    if named is not None:
        action = "admin.login" if user is not None else "admin.login_failed"
        for app in visible_apps(named.id):
            audit(app.app_id, named.email, action, f"user:{named.id}", {"address": address})
    return user
