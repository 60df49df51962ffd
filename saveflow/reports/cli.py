"""`flask --app wsgi saveflow reports ...`: rebuild the rollups the saved-revenue reports read."""

import click
from flask.cli import AppGroup

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
