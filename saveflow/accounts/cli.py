"""`flask --app wsgi saveflow api-token create | list | revoke`: a user's reports API tokens."""

import click
from flask.cli import AppGroup

from saveflow.accounts import api_tokens
from saveflow.accounts.models import User
from saveflow.accounts.service import find_user
from saveflow.db import utcnow
from saveflow.domain_errors import DomainError
from saveflow.extensions import db

api_token_cli = AppGroup("api-token", help="Per-user tokens for the reports API.")
ACTOR = "cli"


def _user(email: str) -> User:
    user = find_user(email)
    if user is None:
        raise click.ClickException(f"No user {email!r}; create one with `saveflow create-user`.")
    return user


@api_token_cli.command("create")
@click.option("--user", "email", required=True, help="The email of the token's owner.")
@click.option("--name", default=None, help="What the token is for (shown in lists).")
def create_cmd(email: str, name: str | None) -> None:
    """Make a token; it is printed alone on the last line, once, and never shown again."""
    user = _user(email)
    try:
        token, full = api_tokens.issue(user, name, ACTOR)
    except DomainError as exc:
        details = "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.errors.items())
        raise click.ClickException(f"{exc.message} {details}".strip()) from None
    db.session.commit()
    click.echo(f"Created API token {token.shown_prefix} ({token.name}) for {user.email}.", err=True)
    click.echo("It is shown this once; saveflow keeps only its digest. Send it as", err=True)
    click.echo("`Authorization: Bearer <token>`. The token:", err=True)
    click.echo(full)


@api_token_cli.command("list")
@click.option("--user", "email", required=True, help="The email of the tokens' owner.")
def list_cmd(email: str) -> None:
    """List a user's tokens (prefixes only), newest first."""
    user = _user(email)
    tokens = api_tokens.tokens_of(user.id)
    if not tokens:
        click.echo(f"{user.email} has no API tokens.")
        return
    click.echo(f"{'token':<14} {'created (UTC)':<17} {'last used (UTC)':<17} {'state':<8} name")
    for token in tokens:
        used = token.last_used_at.strftime("%Y-%m-%d %H:%M") if token.last_used_at else "never"
        state = "revoked" if token.revoked_at else "active"
        click.echo(
            f"{token.shown_prefix:<14} {token.created_at.strftime('%Y-%m-%d %H:%M'):<17} "
            f"{used:<17} {state:<8} {token.name}"
        )


@api_token_cli.command("revoke")
@click.argument("token")
@click.option("--user", "email", default=None, help="Only if the token is this user's.")
def revoke_cmd(token: str, email: str | None) -> None:
    """Revoke a token, named by its prefix (`sf_1a2b3c4d`) or in full; it stops working at once."""
    owner = _user(email).id if email else None
    try:
        found = api_tokens.find_by_prefix(token, owner)
    except DomainError as exc:
        raise click.ClickException(exc.message) from None
    if api_tokens.revoke(found, utcnow(), ACTOR):
        db.session.commit()
        click.echo(f"Revoked {found.shown_prefix} ({found.name}).")
    else:
        click.echo(f"{found.shown_prefix} ({found.name}) was revoked already.")
