"""`flask --app wsgi saveflow demo`: seed the demo app with months of history (SAVEFLOW_DEMO)."""

import click
from flask import current_app

from saveflow.db import utcnow

DEFAULT_SESSIONS = 5000


@click.command("demo")
@click.option(
    "--sessions",
    default=DEFAULT_SESSIONS,
    show_default=True,
    type=click.IntRange(1, 100_000),
    help="How many decided sessions to seed.",
)
@click.option(
    "--months",
    default=8,
    show_default=True,
    type=click.IntRange(1, 24),
    help="How many months of history, up to today.",
)
@click.option("--seed", "seed_value", default=2025, show_default=True, help="Random seed.")
@click.option("--reset", is_flag=True, help="Delete the seeded history first, then seed afresh.")
def demo_cmd(sessions: int, months: int, seed_value: int, reset: bool) -> None:
    """Seed the demo app with history (sessions, saves, invoices, an experiment) up to today."""
    from saveflow.apps.demo import find_demo_app
    from saveflow.demo import history
    from saveflow.demo.reset import reset as reset_history

    if not current_app.config["SAVEFLOW_DEMO"]:
        raise click.ClickException("demo runs only with SAVEFLOW_DEMO=1 (never in production)")
    app = find_demo_app()
    if app is None:
        raise click.ClickException("no demo app yet; run SAVEFLOW_DEMO=1 flask saveflow init")
    found = history.seeded_count(app.id)
    if found and not reset:
        click.echo(
            f"The demo app already has {found} sessions of demo history; nothing to do "
            "(--reset replaces them)."
        )
        return
    if found:
        removed = reset_history(app.id)
        click.echo(f"Deleted {removed} seeded sessions and their events, invoices and rollups.")
    with click.progressbar(length=sessions, label="Seeding demo history", file=None) as bar:
        done = history.seed(app, sessions, utcnow().date(), months, seed_value, bar.update)
    click.echo(
        f"Seeded {done.sessions} sessions ({done.events} events, {done.invoices} paid invoices) "
        f"from {done.first_day} to {done.last_day}; report rollups rebuilt."
    )
