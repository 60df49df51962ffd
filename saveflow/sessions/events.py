"""Append-only records: the session event log and the audit log."""

from sqlalchemy import func, select

from saveflow.apps.models import AuditEntry
from saveflow.extensions import db
from saveflow.sessions.models import SessionEvent


def record(session, type_: str, data: dict | None = None, at=None) -> SessionEvent:
    """Append an event to a session's log (the caller holds the session row)."""
    last = db.session.scalar(
        select(func.max(SessionEvent.seq)).where(SessionEvent.session_id == session.id)
    )
    event = SessionEvent(
        app_id=session.app_id,
        session_id=session.id,
        seq=(last or 0) + 1,
        type=type_,
        data=data or {},
    )
    if at is not None:
        event.at = at
    db.session.add(event)
    db.session.flush()
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
