"""`flask --app wsgi saveflow reports ...`: rebuild the rollups the saved-revenue reports read,
and render the monthly finance digest."""

from datetime import UTC, datetime

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import select

from saveflow.apps.models import App
from saveflow.extensions import db
from saveflow.reports import digest
from saveflow.reports.rebuild import rebuild, total_months

reports_cli = AppGroup("reports", help="Saved-revenue reports.")


@reports_cli.command("rebuild")
@click.option("--app", "app_ids", multiple=True, help="Only this app (repeatable); all by default.")
def rebuild_cmd(app_ids: tuple[str, ...]) -> None:
    """Write the report rollups afresh from the sessions table (one commit per app)."""
    chosen = list(app_ids) or None
    total = total_months(chosen)
    with click.progressbar(length=total, label="Rebuilding report rollups", file=None) as bar:
        done = rebuild(chosen, bar.update)
    click.echo(f"Rebuilt {len(done)} app(s), {sum(done.values())} month(s) of sessions.")


@reports_cli.command("digest")
@click.option("--app", "app_ids", multiple=True, help="Only this app (repeatable); all by default.")
@click.option("--month", help="YYYY-MM; by default the last complete month in each app's zone.")
def digest_cmd(app_ids: tuple[str, ...], month: str | None) -> None:
    """Render each app's monthly finance digest and store it (re-rendering replaces it)."""
    chosen = None
    if month:
        try:
            chosen = datetime.strptime(month, "%Y-%m").date()
        except ValueError:
            raise click.BadParameter("use YYYY-MM, e.g. 2026-03", param_hint="--month") from None
    query = select(App).order_by(App.created_at)
    if app_ids:
        query = query.where(App.id.in_(app_ids))
    apps = db.session.scalars(query).all()
    missing = set(app_ids) - {a.id for a in apps}
    if missing:
        raise click.BadParameter(f"no app {sorted(missing)[0]}", param_hint="--app")
    base_url = current_app.config.get("SAVEFLOW_URL") or ""
    now = datetime.now(UTC)
    for app in apps:
        row = digest.store(
            app,
            chosen or digest.last_complete_month(app, now),
            current_app.jinja_env,
            base_url,
            now,
        )
        db.session.commit()
        click.echo(
            f"{app.name} ({app.id}): stored the {row.month.strftime('%B %Y')} digest "
            f"for {len(row.recipients)} recipient(s)."
        )
