"""Append-only records: the session event log and the audit log."""

from saveflow.apps.models import AuditEntry
from saveflow.extensions import db
from saveflow.sessions.models import SessionEvent


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
