"""`flask saveflow create-user | demo-admin`: admin accounts from the command line."""

import os
import secrets
import sys

import click
from flask import current_app
from sqlalchemy import exists, select

from saveflow.accounts.models import ROLES, User
from saveflow.accounts.service import create_user
from saveflow.domain_errors import DomainError
from saveflow.extensions import db

DEMO_EMAIL = "admin@example.com"


def _create(email: str, password: str, role: str, app_id: str | None) -> User:
    try:
        user = create_user(email, password, role, app_id)
    except DomainError as exc:
        details = "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.errors.items())
        raise click.ClickException(f"{exc.message} {details}".strip()) from None
    db.session.commit()
    return user


@click.command("create-user")
@click.argument("email")
@click.option("--role", type=click.Choice(ROLES), required=True, help="Role on the app(s).")
@click.option("--app", "app_id", default=None, help="Limit the role to this app (default: all).")
@click.option("--password-stdin", is_flag=True, help="Read the password from stdin (one line).")
def create_user_cmd(email: str, role: str, app_id: str | None, password_stdin: bool) -> None:
    """Create an admin user; the password is read hidden (or from stdin), never echoed."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    user = _create(email, password, role, app_id)
    scope = f"app {app_id}" if app_id else "every app"
    click.echo(f"Created {user.email} as {role} on {scope}")


def _demo_password() -> str:
    """Return the demo admin's password: made once, kept in instance/ like the secret key."""
    path = os.path.join(current_app.instance_path, "demo_admin_password")
    os.makedirs(current_app.instance_path, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        with open(path) as handle:
            return handle.read().strip()
    with os.fdopen(fd, "w") as handle:
        handle.write(secrets.token_urlsafe(18))
    with open(path) as handle:
        return handle.read().strip()


@click.command("demo-admin")
@click.option("--url", default="http://127.0.0.1:5000", show_default=True)
def demo_admin_cmd(url: str) -> None:
    """Under SAVEFLOW_DEMO, create admin@example.com when no user exists and print its login."""
    if not current_app.config["SAVEFLOW_DEMO"]:
        raise click.ClickException("demo-admin runs only with SAVEFLOW_DEMO=1")
    password = _demo_password()
    if not db.session.scalar(select(exists().where(User.id.isnot(None)))):
        _create(DEMO_EMAIL, password, "admin", None)
    elif db.session.scalar(select(User).where(User.email == DEMO_EMAIL)) is None:
        return  # someone made real users; the demo login is not theirs to print
    click.echo(f"Admin: {url.rstrip('/')}/admin/login  {DEMO_EMAIL} / {password}")


admin_commands = [create_user_cmd, demo_admin_cmd]
