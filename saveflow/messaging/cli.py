"""`flask --app wsgi saveflow webhooks add | list | remove | rotate-secret`: an app's outbound
webhook endpoints."""

import json

import click
from flask.cli import AppGroup

from saveflow.apps.models import App
from saveflow.domain_errors import DomainError
from saveflow.extensions import db
from saveflow.messaging import endpoints
from saveflow.messaging.models import ENDPOINT_KINDS, WEBHOOK_EVENTS

webhooks_cli = AppGroup("webhooks", help="Outbound webhook endpoints of an app.")
ACTOR = "cli"


def _app(app_id: str) -> App:
    app = db.session.get(App, app_id)
    if app is None:
        raise click.ClickException(f"No app {app_id!r}.")
    return app


def _fail(exc: DomainError) -> click.ClickException:
    details = "; ".join(" ".join(messages) for messages in exc.errors.values())
    return click.ClickException(details or exc.message)


def _secret_line(endpoint_id: str, secret: str | None, as_json: bool) -> None:
    if as_json:
        click.echo(json.dumps({"id": endpoint_id, "secret": secret}))
        return
    if secret:
        click.echo(f"  secret       {secret}")
        click.echo("The secret is shown this once (saveflow keeps it encrypted). Receivers check")
        click.echo("each body's Saveflow-Signature with it; see the README, Outbound webhooks.")


@webhooks_cli.command("add")
@click.option("--app", "app_id", required=True, help="The app id.")
@click.option("--url", required=True, help="The receiver's address (https://).")
@click.option("--kind", type=click.Choice(ENDPOINT_KINDS), default="json", show_default=True)
@click.option(
    "--event",
    "events",
    multiple=True,
    type=click.Choice(WEBHOOK_EVENTS),
    help="An event to send (repeat it; default: every event, or session.alert for Slack).",
)
@click.option("--description", default=None, help="What the endpoint is for (shown in lists).")
@click.option("--json", "as_json", is_flag=True, help='Print {"id", "secret"} on one line.')
def add_cmd(app_id, url, kind, events, description, as_json) -> None:
    """Add an endpoint; its signing secret is printed once and never shown again."""
    app = _app(app_id)
    try:
        endpoint = endpoints.add_endpoint(
            app.id, url, kind, list(events) or None, description, actor=ACTOR
        )
    except DomainError as exc:
        raise _fail(exc) from None
    secret = endpoint.secret if kind == "json" else None
    db.session.commit()
    if not as_json:
        click.echo(f"Added webhook endpoint {endpoint.id} ({kind}) for {app.name!r}")
        click.echo(f"  url          {endpoints.shown_url(endpoint)}")
        click.echo(f"  events       {', '.join(endpoint.events)}")
    _secret_line(endpoint.id, secret, as_json)


@webhooks_cli.command("list")
@click.option("--app", "app_id", required=True, help="The app id.")
def list_cmd(app_id: str) -> None:
    """List an app's endpoints (secrets are never shown)."""
    app = _app(app_id)
    rows = endpoints.list_endpoints(app.id)
    if not rows:
        click.echo(f"{app.name!r} has no webhook endpoints.")
        return
    click.echo(f"{'id':<30} {'kind':<6} {'state':<9} {'created (UTC)':<17} url / events")
    for row in rows:
        state = "active" if row.active else "off"
        created = row.created_at.strftime("%Y-%m-%d %H:%M")
        click.echo(
            f"{row.id:<30} {row.kind:<6} {state:<9} {created:<17} {endpoints.shown_url(row)}"
        )
        extra = f"  {row.description}" if row.description else ""
        click.echo(f"{'':<65} {', '.join(row.events)}{extra}")


@webhooks_cli.command("remove")
@click.option("--app", "app_id", required=True, help="The app id.")
@click.argument("endpoint_id")
def remove_cmd(app_id: str, endpoint_id: str) -> None:
    """Remove an endpoint (one that was sent deliveries is switched off and kept instead)."""
    app = _app(app_id)
    try:
        done = endpoints.remove(app.id, endpoint_id, actor=ACTOR)
    except DomainError as exc:
        raise _fail(exc) from None
    db.session.commit()
    if done == "deleted":
        click.echo(f"Removed {endpoint_id}.")
    else:
        click.echo(f"Switched {endpoint_id} off; it is kept because deliveries went to it.")


@webhooks_cli.command("rotate-secret")
@click.option("--app", "app_id", required=True, help="The app id.")
@click.argument("endpoint_id")
@click.option("--json", "as_json", is_flag=True, help='Print {"id", "secret"} on one line.')
def rotate_cmd(app_id: str, endpoint_id: str, as_json: bool) -> None:
    """Give an endpoint a new signing secret, printed once; the old one stops at once."""
    app = _app(app_id)
    try:
        secret = endpoints.rotate_secret(app.id, endpoint_id, actor=ACTOR)
    except DomainError as exc:
        raise _fail(exc) from None
    db.session.commit()
    if not as_json:
        click.echo(f"New signing secret for {endpoint_id}; the old one no longer signs.")
    _secret_line(endpoint_id, secret, as_json)
