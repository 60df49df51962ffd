"""Create users, check passwords and say which apps a user may see in which role."""

import secrets
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


# --- An app's team: who has which role on it, and the changes an app's admin makes ---------


@dataclass(frozen=True)
class Member:
    """Someone with a role on an app: through its own membership, or one for every app."""

    user_id: int
    email: str
    role: str
    every_app: bool
    active: bool


def new_password() -> str:
    """Return a random password to hand over once (the person changes it later)."""
    return secrets.token_urlsafe(15)


def members_of(app_id: str) -> list[Member]:
    """Return everyone with a role on the app, by email; an app's own membership wins."""
    rows = db.session.execute(
        select(User, Membership)
        .join(Membership, Membership.user_id == User.id)
        .where((Membership.app_id == app_id) | Membership.app_id.is_(None))
        .order_by(User.email, Membership.app_id.is_(None))
    ).all()
    found: dict[int, Member] = {}
    for user, membership in rows:
        if user.id not in found:
            found[user.id] = Member(
                user.id, user.email, membership.role, membership.app_id is None, user.active
            )
    return list(found.values())


def can_create_apps(user_id: int) -> bool:
    """Say whether the user is an admin of every app (who alone may create apps)."""
    return (
        db.session.scalar(
            select(Membership.id).where(
                Membership.user_id == user_id,
                Membership.app_id.is_(None),
                Membership.role == "admin",
            )
        )
        is not None
    )


def _lock_team(app_id: str) -> None:
    # Two admins demoting each other at once must not both pass the last-admin check: changes
    # to one app's team wait for each other on the app's row (PostgreSQL; SQLite has one writer).
    db.session.execute(select(App.id).where(App.id == app_id).with_for_update())


def _admins(app_id: str) -> set[int]:
    return {m.user_id for m in members_of(app_id) if m.role == "admin" and m.active}


def _membership(app_id: str, user_id: int) -> Membership:
    membership = db.session.scalar(
        select(Membership).where(Membership.app_id == app_id, Membership.user_id == user_id)
    )
    if membership is None:
        raise NotFound("That person has no role on this app of their own.")
    return membership


def add_member(app_id: str, email: str, role: str) -> tuple[User, str | None]:
    """Give a person a role on the app; a new email gets an account and a one-time password.

    Returns the user and the generated password (None when the account already existed).
    """
    if role not in ROLES:
        raise Invalid("Unknown role.", errors={"role": [f"Choose one of {', '.join(ROLES)}."]})
    _lock_team(app_id)
    user = find_user(email)
    if user is None:
        password = new_password()
        return create_user(email, password, role, app_id), password
    if db.session.scalar(
        select(Membership.id).where(Membership.app_id == app_id, Membership.user_id == user.id)
    ):
        raise Invalid("Already a member.", errors={"email": ["Already on this app's team."]})
    db.session.add(Membership(user_id=user.id, app_id=app_id, role=role))
    return user, None


def set_member_role(app_id: str, user_id: int, role: str) -> tuple[str, str]:
    """Change a member's role on the app; return (old role, new role).

    The app must keep at least one admin.
    """
    if role not in ROLES:
        raise Invalid("Unknown role.", errors={"role": [f"Choose one of {', '.join(ROLES)}."]})
    _lock_team(app_id)
    membership = _membership(app_id, user_id)
    old = membership.role
    if old == "admin" and role != "admin" and _admins(app_id) == {user_id}:
        raise Invalid(
            "The last admin.", errors={"role": ["The app needs an admin: make someone else one."]}
        )
    membership.role = role
    return old, role


def remove_member(app_id: str, user_id: int) -> Membership:
    """Take away a member's role on the app (the account stays); the app keeps an admin."""
    _lock_team(app_id)
    membership = _membership(app_id, user_id)
    if membership.role == "admin" and _admins(app_id) == {user_id}:
        raise Invalid(
            "The last admin.", errors={"member": ["The app needs an admin: make someone else one."]}
        )
    db.session.delete(membership)
    return membership
