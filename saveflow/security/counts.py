"""Count refusals in memory and write them in batches, so an attack costs no write per request."""

import threading
import time
from collections import Counter
from datetime import UTC, datetime

from flask import Flask, current_app
from sqlalchemy import insert

from saveflow.errors import DATABASE_UNAVAILABLE
from saveflow.extensions import db
from saveflow.security.models import SecurityCount


class Tally:
    """Per-process counts of refusals waiting to be written."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pending: Counter[tuple[str | None, str]] = Counter()
        self._since = time.time()  # start of the window the pending counts cover
        self._retry_at = 0.0  # after a failed write, not before this

    def note(self, app_id: str | None, kind: str) -> None:
        with self._lock:
            self._pending[(app_id, kind)] += 1

    def take(self, every: float) -> tuple[Counter, float] | None:
        """Return the pending counts and when they began, if a write is due."""
        with self._lock:
            now = time.time()
            if not self._pending or now - self._since < every or now < self._retry_at:
                return None
            pending, since = self._pending, self._since
            self._pending, self._since = Counter(), time.time()
            return pending, since

    def put_back(self, pending: Counter, since: float, retry_in: float) -> None:
        """Keep counts a failed write could not store; try again only after `retry_in` seconds."""
        with self._lock:
            self._pending.update(pending)
            self._since = min(self._since, since)
            # While the database is down, requests must not each pay another connect timeout.
            self._retry_at = time.time() + retry_in


def tally(app: Flask | None = None) -> Tally:
    app = app or current_app
    return app.extensions.setdefault("saveflow_security_tally", Tally())


def note(app_id: str | None, kind: str) -> None:
    """Count one refusal of `kind` against an app (None when no app could be named)."""
    tally().note(app_id, kind)


def flush_due(response=None):
    """Write the pending counts when the batch interval has passed (an after-request hook)."""
    every = current_app.config.get("SAVEFLOW_SECURITY_FLUSH_SECONDS", 10)
    taken = tally().take(every)
    if taken is None:
        return response
    pending, since = taken
    now = datetime.now(UTC)
    rows = [
        {
            "app_id": app_id,
            "kind": kind,
            "count": n,
            "window_start": datetime.fromtimestamp(since, UTC),
            "window_end": now,
        }
        for (app_id, kind), n in pending.items()
    ]
    try:
        # The view has committed or failed by now; what is left of its transaction is undone so
        # these rows commit alone (and on SQLite no second connection waits for its lock).
        db.session.rollback()
        db.session.execute(insert(SecurityCount), rows)
        db.session.commit()
    except DATABASE_UNAVAILABLE:
        db.session.rollback()
        tally().put_back(pending, since, retry_in=max(every, 10))  # never lost to an outage
        return response
    for row in rows:
        current_app.logger.warning(
            "security: %s refused %d time(s) for app %s since %s",
            row["kind"],
            row["count"],
            row["app_id"] or "-",
            row["window_start"].isoformat(timespec="seconds"),
        )
    return response
