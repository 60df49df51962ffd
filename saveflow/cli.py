"""`flask --app wsgi saveflow ...`: init, demo, classify, rules export|import, sign-token."""

import json
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

import click
from flask import current_app
from flask.cli import AppGroup
from marshmallow import ValidationError
from sqlalchemy import select

from saveflow.accounts.cli import api_token_cli
from saveflow.apps.models import App
from saveflow.billing.cli import stripe_cli
from saveflow.demo.cli import demo_cmd
from saveflow.extensions import db
from saveflow.messaging.cli import webhooks_cli
from saveflow.reasons.cli import classify_build_cmd, classify_eval_cmd
from saveflow.reports.cli import reports_cli
from saveflow.saves.cli import validate_saves_cmd
from saveflow.worker.cli import worker_cmd

saveflow_cli = AppGroup("saveflow", help="saveflow administration.")
saveflow_cli.add_command(stripe_cli)
saveflow_cli.add_command(validate_saves_cmd)
saveflow_cli.add_command(reports_cli)
saveflow_cli.add_command(api_token_cli)
saveflow_cli.add_command(demo_cmd)
saveflow_cli.add_command(worker_cmd)
saveflow_cli.add_command(webhooks_cli)
saveflow_cli.add_command(classify_build_cmd)
saveflow_cli.add_command(classify_eval_cmd)

DEMO_ORIGINS = ["http://localhost:5001", "http://127.0.0.1:5001"]


def _app_or_fail(app_id: str | None) -> App:
    app = (
        db.session.get(App, app_id)
        if app_id
        else db.session.scalar(select(App).order_by(App.created_at).limit(1))
    )
    if app is None:
        raise click.ClickException(f"no app {app_id!r}; run `flask saveflow init` first")
    return app


def _demo_origins() -> list[str]:
    """Return the demo host's origins: its configured public URL's and the loopback ones."""
    url = urlsplit(current_app.config["SAVEFLOW_DEMO_URL"])
    origin = f"{url.scheme}://{url.netloc}"
    return DEMO_ORIGINS if origin in DEMO_ORIGINS else [origin, *DEMO_ORIGINS]


@saveflow_cli.command("init")
@click.option("--json", "as_json", is_flag=True, help="Print {app_id, secret} on one line.")
@click.option("--name", default="Demo app", show_default=True, help="Name of the first app.")
def init(as_json: bool, name: str) -> None:
    """Migrate, then create a first app (the demo app under SAVEFLOW_DEMO) with defaults."""
    from flask_migrate import upgrade

    from saveflow.apps.demo import DEMO_DOWNGRADES, DEMO_SETTINGS, find_demo_app
    from saveflow.apps.setup import create_app_with_defaults

    upgrade(directory=current_app.extensions["migrate"].directory)
    if current_app.config["SAVEFLOW_DEMO"]:
        # The demo host signs for this app alone; other apps are never marked, so a database
        # that already holds apps gets a separate demo app.
        app = find_demo_app()
        origins, settings = _demo_origins(), dict(DEMO_SETTINGS)
    else:
        app = db.session.scalar(select(App).order_by(App.created_at).limit(1))
        origins, settings = DEMO_ORIGINS, None
    created = app is None
    if app is None:
        app = create_app_with_defaults(
            name, origins, settings=settings, downgrade_targets=DEMO_DOWNGRADES
        )
        db.session.commit()
    if as_json:
        click.echo(
            json.dumps(
                {"app_id": app.id, "secret": app.live_secret, "test_secret": app.test_secret}
            )
        )
        return
    demo = " (the demo host signs for it)" if current_app.config["SAVEFLOW_DEMO"] else ""
    click.echo(f"{'Created' if created else 'Found'} app {app.name!r}{demo}")
    click.echo(f"  app_id       {app.id}")
    click.echo(f"  live secret  {app.live_secret}")
    click.echo(f"  test secret  {app.test_secret}")


@saveflow_cli.command("classify")
@click.argument("text")
@click.option("--locale", default=None, help="en, zh-Hans or zh-Hant (a hint only).")
def classify_cmd(text: str, locale: str | None) -> None:
    """Classify a free-text cancellation reason and print the result as JSON."""
    from saveflow.reasons.classify import classify_text

    click.echo(json.dumps(classify_text(text, locale).to_dict(), ensure_ascii=False))


@saveflow_cli.command("sign-token")
@click.option("--app", "app_id", required=True, help="The app id.")
@click.option("--customer", required=True)
@click.option("--subscription", required=True)
@click.option("--mode", type=click.Choice(["test", "live"]), default="live", show_default=True)
@click.option("--snapshot", default=None, help="Subscription snapshot as JSON (provider none).")
@click.option(
    "--ttl",
    default=900,
    show_default=True,
    type=click.IntRange(1, 3600),
    help="Seconds until the token expires (at most 3600).",
)
def sign_token(app_id, customer, subscription, mode, snapshot, ttl) -> None:
    """Print a signed customer token, as the host's server would make it."""
    from saveflow.sessions.tokens import sign

    app = _app_or_fail(app_id)
    claims = {
        "app": app.id,
        "customer": customer,
        "subscription": subscription,
        "mode": mode,
        "exp": int(time.time()) + ttl,
    }
    if snapshot is not None:
        try:
            claims["snapshot"] = json.loads(snapshot)
        except ValueError as exc:
            raise click.BadParameter(f"not JSON: {exc}", param_hint="--snapshot") from None
    click.echo(sign(app.secret_for(mode), claims))


rules_cli = AppGroup("rules", help="Export and import rule sets (JSON).")
saveflow_cli.add_command(rules_cli)


@rules_cli.command("export")
@click.argument("file", type=click.Path(dir_okay=False, allow_dash=True))
@click.option("--app", "app_id", default=None, help="The app id (default: the first app).")
@click.option("--version", "number", type=int, default=None, help="Default: the published one.")
def rules_export(file: str, app_id: str | None, number: int | None) -> None:
    """Write a rule set version as JSON to FILE (- for stdout)."""
    from saveflow.offers import service

    app = _app_or_fail(app_id)
    row = service.version(app.id, number) if number else service.published(app.id)
    if row is None:
        raise click.ClickException("no such rule set version")
    text = json.dumps(row.document, indent=2, ensure_ascii=False) + "\n"
    if file == "-":
        sys.stdout.write(text)
    else:
        Path(file).write_text(text, encoding="utf-8")
        click.echo(f"Wrote version {row.version} ({row.status}) to {file}", err=True)


@rules_cli.command("import")
@click.argument("file", type=click.Path(dir_okay=False, allow_dash=True))
@click.option("--app", "app_id", default=None, help="The app id (default: the first app).")
@click.option("--draft", is_flag=True, help="Save as draft only; do not publish.")
@click.option("--note", default=None)
def rules_import(file: str, app_id: str | None, draft: bool, note: str | None) -> None:
    """Validate FILE and publish it as the app's new rule set version."""
    from saveflow.offers import service

    app = _app_or_fail(app_id)
    raw = sys.stdin.read() if file == "-" else Path(file).read_text(encoding="utf-8")
    try:
        document = json.loads(raw)
        row = (service.save_draft if draft else service.import_and_publish)(
            app.id, document, "cli", note
        )
    except (ValueError, ValidationError) as exc:
        detail = exc.messages if isinstance(exc, ValidationError) else str(exc)
        raise click.ClickException(f"rule set rejected: {json.dumps(detail)}") from None
    db.session.commit()
    click.echo(f"{'Saved draft' if draft else 'Published'} version {row.version}")


@rules_cli.command("rollback")
@click.argument("version", type=int)
@click.option("--app", "app_id", default=None)
def rules_rollback(version: int, app_id: str | None) -> None:
    """Put an earlier published version back in force."""
    from saveflow.offers import service

    app = _app_or_fail(app_id)
    try:
        row = service.rollback(app.id, version, "cli")
    except LookupError as exc:
        raise click.ClickException(str(exc)) from None
    db.session.commit()
    click.echo(f"Version {version} restored as version {row.version}")


@saveflow_cli.command("sweep-idle")
def sweep_idle_cmd() -> None:
    """Mark sessions idle past SAVEFLOW_IDLE_MINUTES as abandoned (run every few minutes)."""
    from saveflow.db import utcnow
    from saveflow.sessions.outcomes import sweep_idle

    minutes = current_app.config["SAVEFLOW_IDLE_MINUTES"]
    total = 0
    while swept := sweep_idle(utcnow(), minutes):
        total += swept
    click.echo(f"Abandoned {total} idle session(s)")


@saveflow_cli.command("rotate-encryption-key")
def rotate_encryption_key() -> None:
    """Re-encrypt every secret at rest with the first key (docs/security.md, Secrets at rest)."""
    from saveflow import crypto

    try:
        keyring, count = crypto.rotate_keys(db.engine, db.metadata, crypto.current_keyring())
    except (ValueError, crypto.UndecryptableValue) as exc:
        raise click.ClickException(str(exc)) from None
    crypto.bind(current_app, keyring)
    click.echo(f"Re-encrypted {count} value(s) with the first key of {keyring.source}")
    if keyring.path is None:
        click.echo(f"Next: set {crypto.SETTING} to the new key alone and restart saveflow")
    else:
        click.echo("The old key is gone from the file: restart saveflow's web processes")


@saveflow_cli.command("security-report")
@click.option("--hours", default=24, show_default=True, type=click.IntRange(1, 24 * 90))
def security_report(hours: int) -> None:
    """Print refused requests per app and kind (failed token checks, rate-limit trips)."""
    from datetime import timedelta

    from sqlalchemy import func

    from saveflow.db import utcnow
    from saveflow.security.models import SecurityCount

    since = utcnow() - timedelta(hours=hours)
    rows = db.session.execute(
        select(SecurityCount.app_id, SecurityCount.kind, func.sum(SecurityCount.count))
        .where(SecurityCount.window_end >= since)
        .group_by(SecurityCount.app_id, SecurityCount.kind)
        .order_by(func.sum(SecurityCount.count).desc())
    ).all()
    if not rows:
        click.echo(f"No refused requests in the last {hours} hour(s).")
        return
    click.echo(f"Refused requests in the last {hours} hour(s):")
    click.echo(f"  {'app':<32} {'kind':<14} {'count':>8}")
    for app_id, kind, total in rows:
        click.echo(f"  {app_id or '(none named)':<32} {kind:<14} {total:>8}")
