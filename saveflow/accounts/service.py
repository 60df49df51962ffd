"""Create users, check passwords and say which apps a user may see in which role."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from werkzeug.security import check_password_hash, generate_password_hash

from saveflow.accounts.models import ROLES, Membership, User
from saveflow.apps.models import App
from saveflow.domain_errors import Invalid, NotFound
from saveflow.extensions import db

MIN_PASSWORD = 12
# Checked against when the email is unknown, so a miss costs as long as a wrong password.
_DUMMY_HASH = generate_password_hash("saveflow-timing-equaliser")


@dataclass(frozen=True)
class AppRole:
    """One app a user can see, and their role there."""

    app_id: str
    name: str
    role: str


def normalize_email(email: str) -> str:
    """Return the stored form of an email: trimmed and lower-cased."""
    return email.strip().lower()


def find_user(email: str) -> User | None:
    """Return the user with this email, whatever its case."""
    return db.session.scalar(select(User).where(User.email == normalize_email(email)))


def create_user(email: str, password: str, role: str, app_id: str | None = None) -> User:
    """Create a user with a hashed password and one membership (every app when no app_id)."""
    email = normalize_email(email)
    errors: dict[str, list[str]] = {}
    if "@" not in email or len(email) > 254:
        errors["email"] = ["Give a valid email address."]
    if len(password) < MIN_PASSWORD:
        errors["password"] = [f"Use at least {MIN_PASSWORD} characters."]
    if role not in ROLES:
        errors["role"] = [f"Choose one of {', '.join(ROLES)}."]
    if errors:
        raise Invalid("The user is not valid.", errors=errors)
    if app_id is not None and db.session.get(App, app_id) is None:
        raise NotFound(f"No app {app_id!r}.")
    if find_user(email) is not None:
        raise Invalid("A user with this email exists.", errors={"email": ["Already taken."]})
    user = User(email=email, password_hash=generate_password_hash(password))
    db.session.add(user)
    db.session.flush()
    db.session.add(Membership(user_id=user.id, app_id=app_id, role=role))
    return user


def authenticate(email: str, password: str, now: datetime) -> User | None:
    """Return the active user these credentials belong to (stamping the login), else None."""
    user = find_user(email)
    if user is None:
        check_password_hash(_DUMMY_HASH, password)
        return None
    if not check_password_hash(user.password_hash, password) or not user.active:
        return None
    user.last_login_at = now
    return user


def role_on(user_id: int, app_id: str) -> str | None:
    """Return the user's role on an app: its own membership first, else the every-app one."""
    rows = db.session.execute(
        select(Membership.app_id, Membership.role).where(
            Membership.user_id == user_id,
            (Membership.app_id == app_id) | Membership.app_id.is_(None),
        )
    ).all()
    by_app = {row.app_id: row.role for row in rows}
    if app_id in by_app:
        return by_app[app_id]
    if None in by_app and db.session.get(App, app_id) is not None:
        return by_app[None]
    return None


def visible_apps(user_id: int) -> list[AppRole]:
    """Return every app the user can see, by name, with their role on each."""
    memberships = db.session.scalars(select(Membership).where(Membership.user_id == user_id))
    roles = {m.app_id: m.role for m in memberships}
    if not roles:
        return []
    query = select(App.id, App.name).order_by(App.name, App.id)
    if None not in roles:
        query = query.where(App.id.in_([a for a in roles if a is not None]))
    return [
        AppRole(app_id, name, roles.get(app_id) or roles[None])
        for app_id, name in db.session.execute(query)
    ]
