"""Append-only records: the session event log and the audit log."""

from datetime import datetime

from sqlalchemy import insert

from saveflow.apps.models import AuditEntry
from saveflow.extensions import db
from saveflow.sessions.models import Session, SessionEvent


def record(session, type_: str, data: dict | None = None, at=None) -> SessionEvent:
    """Append an event to a session's log (the caller holds the session row)."""
    # The counter lives on the locked session row, so numbering needs no extra query.
    session.event_seq = (session.event_seq or 0) + 1
    event = SessionEvent(
        app_id=session.app_id,
        session_id=session.id,
        seq=session.event_seq,
        type=type_,
        data=data or {},
    )
    if at is not None:
        event.at = at
    db.session.add(event)
    return event


def insert_started(values: dict, data: dict, at: datetime) -> None:
    """Insert a new session row with its first event, `started`, in one statement where possible.

    `values` must set `event_seq=1`. Core inserts skip the unit of work: the caller keeps no ORM
    object for the row, so nothing is flushed again at commit.
    """
    row = insert(Session).values(values)
    event = insert(SessionEvent).values(
        app_id=values["app_id"], session_id=values["id"], seq=1, type="started", data=data, at=at
    )
    if db.session.get_bind().dialect.name == "postgresql":
        # A data-modifying WITH runs in the same statement; the foreign key from the event to
        # the session is checked at the statement's end, when both rows exist.
        db.session.execute(event.add_cte(row.cte("started")))
    else:
        db.session.execute(row)
        db.session.execute(event)


def append_events(
    session, records: list[tuple[str, dict]], at: datetime, audit_entry: dict | None = None
) -> None:
    """Append events to a session's log, and optionally an audit entry, in one statement.

    Core inserts return nothing and leave the unit of work alone; the caller holds the session
    row, whose counter moves here and is written with the rest of the session at commit.
    """
    rows = []
    for type_, data in records:
        session.event_seq = (session.event_seq or 0) + 1
        rows.append(
            {
                "app_id": session.app_id,
                "session_id": session.id,
                "seq": session.event_seq,
                "type": type_,
                "data": data,
                "at": at,
            }
        )
    events = insert(SessionEvent).values(rows)
    if audit_entry is None:
        db.session.execute(events)
        return
    entry = insert(AuditEntry).values(
        {"app_id": session.app_id, "data": {}, "note": None, "at": at, **audit_entry}
    )
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(entry.add_cte(events.cte("events")))
    else:
        db.session.execute(events)
        db.session.execute(entry)


def audit(
    app_id: str,
    actor: str,
    action: str,
    target: str,
    data: dict | None = None,
    note: str | None = None,
) -> AuditEntry:
    """Append an entry to the app's audit log."""
    entry = AuditEntry(
        app_id=app_id, actor=actor, action=action, target=target, data=data or {}, note=note
    )
    db.session.add(entry)
    return entry
