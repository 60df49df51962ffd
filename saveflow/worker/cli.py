"""`flask --app wsgi saveflow worker`: deliver the outbox and run the periodic jobs."""

import click


@click.command("worker")
@click.option("--once", is_flag=True, help="Deliver what is due, run due jobs, then exit.")
@click.option("--poll", default=1.0, show_default=True, type=click.FloatRange(0.05, 60))
@click.option("--batch", default=20, show_default=True, type=click.IntRange(1, 500))
def worker_cmd(once: bool, poll: float, batch: int) -> None:
    """Deliver emails and webhooks from the outbox, and run the idle sweep, save validation and
    monthly digest when due. Run as many as you like on PostgreSQL; one on SQLite."""
    from saveflow.worker.dispatch import senders_for_app
    from saveflow.worker.loop import run

    tally = run(senders_for_app(), once=once, poll_seconds=poll, batch=batch, log=click.echo)
    if once:
        click.echo(
            f"Delivered {tally.delivered}, retrying {tally.retrying}, dead {tally.dead}, "
            f"skipped {tally.skipped}; jobs run: {', '.join(tally.jobs) or 'none'}"
        )
