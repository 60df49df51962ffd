"""The worker's loop: claim due messages, send each, settle it; run periodic jobs between."""

import os
import signal
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from saveflow.db import utcnow
from saveflow.messaging import outbox
from saveflow.worker.dispatch import Senders, Targets, deliver
from saveflow.worker.jobs import run_due_jobs


def worker_name() -> str:
    """Return this worker's name as attempts record it: host and process id."""
    return f"{socket.gethostname()}:{os.getpid()}"


@dataclass
class Tally:
    delivered: int = 0
    retrying: int = 0
    dead: int = 0
    skipped: int = 0
    jobs: list[str] = field(default_factory=list)

    def add(self, status: str) -> None:
        name = {"pending": "retrying", "delivered": "delivered"}.get(status, status)
        setattr(self, name, getattr(self, name) + 1)


def drain(senders: Senders, name: str, batch: int = 20, now=utcnow) -> Tally:
    """Deliver everything due now, batch by batch, and return what became of it."""
    tally = Tally()
    while True:
        claimed = outbox.claim(now(), batch, senders.lease)
        if not claimed:
            return tally
        targets = Targets.of(claimed)
        for delivery in claimed:
            outcome = deliver(delivery, targets, senders, now())
            tally.add(outbox.settle(delivery, outcome, now(), name))


class _Stop:
    """Set by SIGTERM or SIGINT: the worker finishes the message in hand, then exits."""

    def __init__(self) -> None:
        self.requested = False

    def __call__(self, *_args) -> None:
        self.requested = True


def run(
    senders: Senders,
    once: bool = False,
    poll_seconds: float = 1.0,
    batch: int = 20,
    log: Callable[[str], object] = print,
) -> Tally:
    """Run until stopped (or, with `once`, until nothing is due); return the last round's tally."""
    name = worker_name()
    stop = _Stop()
    if not once:
        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        log(f"worker {name} started (polling every {poll_seconds:g} s)")
    while True:
        tally = drain(senders, name, batch)
        tally.jobs = run_due_jobs(utcnow(), log)
        if tally.delivered or tally.retrying or tally.dead or tally.skipped:
            log(
                f"delivered {tally.delivered}, retrying {tally.retrying}, "
                f"dead {tally.dead}, skipped {tally.skipped}"
            )
        if once or stop.requested:
            return tally
        deadline = time.monotonic() + poll_seconds
        while time.monotonic() < deadline and not stop.requested:
            time.sleep(min(0.2, poll_seconds))
        if stop.requested:
            log(f"worker {name} stopping")
            return tally
