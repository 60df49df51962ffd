"""`flask --app wsgi saveflow validate-saves`: decide the pending saves old enough to decide."""

import click
from flask import current_app

from saveflow.billing.settings import current_settings
from saveflow.db import utcnow
from saveflow.saves.settings import current_rules
from saveflow.saves.validate import Summary, due_count, validate_saves

# Below this many saves to walk, a progress bar is noise.
PROGRESS_FROM = 200


@click.command("validate-saves")
@click.option("--batch", default=200, show_default=True, type=click.IntRange(1, 10_000))
def validate_saves_cmd(batch: int) -> None:
    """Confirm saves still on after SAVEFLOW_SAVE_CONFIRM_DAYS, mark boomerangs (run daily; safe
    on several machines at once)."""
    now, rules = utcnow(), current_rules()
    total = due_count(now, rules)
    if total >= PROGRESS_FROM:
        with click.progressbar(length=total, label="Deciding pending saves", file=None) as bar:
            summary = validate_saves(now, rules, current_settings(), batch, bar.update)
    else:
        summary = validate_saves(now, rules, current_settings(), batch)
    click.echo(report(summary, rules.confirm_days))
    for error in summary.errors[:20]:
        current_app.logger.warning("validate-saves: %s", error)


def report(summary: Summary, confirm_days: int) -> str:
    """Return the run's summary as a few lines for a terminal or a cron mail."""
    lines = [
        f"Pending saves older than {confirm_days} days: {summary.examined}",
        f"  confirmed {summary.confirmed} ({summary.by_age} by age alone: no billing data)",
        f"  boomerang {summary.boomerang}",
        f"  decided meanwhile elsewhere {summary.elsewhere}",
        f"  still pending {summary.waiting}",
        f"Subscriptions read from Stripe (no webhook had said): {summary.read_from_stripe}",
    ]
    if summary.errors:
        lines.append(
            f"Stripe could not be read for {len(summary.errors)} save(s); run again later."
        )
    return "\n".join(lines)
