"""`flask --app wsgi saveflow stripe connect|disconnect|status`: an app's Stripe keys per mode."""

import os

import click
from flask import current_app
from flask.cli import AppGroup

from saveflow.apps.models import App
from saveflow.billing.connections import (
    connect,
    disconnect,
    key_problem,
    load_connections,
    masked,
    webhook_secret_problem,
)
from saveflow.db import utcnow
from saveflow.domain_errors import BillingFailed
from saveflow.extensions import db

stripe_cli = AppGroup("stripe", help="Connect an app to Stripe, per mode (test first).")


def _app(app_id: str) -> App:
    app = db.session.get(App, app_id)
    if app is None:
        raise click.ClickException(f"no app {app_id!r}")
    return app


def _secret(env: str, prompt: str) -> str:
    # From the environment, or typed at a hidden prompt: never a command-line argument, which
    # would sit in the shell's history and in every process listing.
    value = os.environ.get(env) or click.prompt(prompt, hide_input=True)
    return value.strip()


def _sentence_part(message: str) -> str:
    # Click prints "Error: <message>": lower-case and no full stop, as the other errors read.
    return message[0].lower() + message[1:].rstrip(".")


@stripe_cli.command("connect")
@click.option("--app", "app_id", required=True, help="The app id.")
@click.option("--mode", type=click.Choice(["test", "live"]), required=True)
@click.option("--no-check", is_flag=True, help="Store the key without a test call to Stripe.")
def connect_cmd(app_id: str, mode: str, no_check: bool) -> None:
    """Store the app's Stripe keys for a mode (STRIPE_SECRET_KEY, STRIPE_WEBHOOK_SECRET, or
    hidden prompts) and make Stripe the mode's billing provider."""
    from saveflow.billing.settings import current_settings
    from saveflow.billing.stripe_billing import check_key

    app = _app(app_id)
    key = _secret("STRIPE_SECRET_KEY", f"Stripe secret key ({mode} mode)")
    if problem := key_problem(mode, key):
        raise click.ClickException(_sentence_part(problem))
    webhook_secret = _secret("STRIPE_WEBHOOK_SECRET", "Stripe webhook signing secret")
    if problem := webhook_secret_problem(webhook_secret):
        raise click.ClickException(_sentence_part(problem))
    if not no_check:
        try:
            check_key(key, current_settings())
        except BillingFailed as failure:
            raise click.ClickException(f"Stripe refused the key: {failure.message}") from None
    replaced = connect(app.id, mode, "stripe", key, webhook_secret, utcnow())
    db.session.commit()
    base = current_app.config.get("SAVEFLOW_URL") or "https://<your saveflow host>"
    click.echo(
        f"{'Reconnected' if replaced else 'Connected'} Stripe for {app.name!r} in {mode} mode "
        f"(key {masked(key)}); its keys are stored encrypted."
    )
    click.echo(f"Send Stripe's webhooks to {base.rstrip('/')}/webhooks/stripe/{app.id}")


@stripe_cli.command("disconnect")
@click.option("--app", "app_id", required=True, help="The app id.")
@click.option("--mode", type=click.Choice(["test", "live"]), required=True)
def disconnect_cmd(app_id: str, mode: str) -> None:
    """Forget the app's Stripe keys for a mode (the mode falls back to provider `none`)."""
    if disconnect(_app(app_id).id, mode) is None:
        raise click.ClickException(f"Stripe is not connected in {mode} mode")
    db.session.commit()
    click.echo(f"Disconnected Stripe in {mode} mode.")


@stripe_cli.command("status")
@click.option("--app", "app_id", required=True, help="The app id.")
def status_cmd(app_id: str) -> None:
    """Show which modes are connected (keys masked)."""
    connections = load_connections(_app(app_id).id)
    for mode in ("test", "live"):
        found = connections.get(mode)
        state = f"stripe, key {masked(found.secret_key)}" if found else "not connected (none)"
        click.echo(f"{mode:5} {state}")
