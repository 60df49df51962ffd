"""Append-only records: the session event log and the audit log."""

from datetime import datetime
from functools import cache
from typing import cast

from sqlalchemy import Insert, Table, Update, bindparam, insert, inspect, update
from sqlalchemy.orm.attributes import set_committed_value

from saveflow.apps.models import AuditEntry
from saveflow.extensions import db
from saveflow.sessions.models import Session, SessionEvent


def _table(model) -> Table:
    # Core inserts on the table skip the ORM's bulk-insert machinery (measurably slower here).
    return cast(Table, model.__table__)


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


def _param(table: Table, column: str, name: str):
    # The column's type binds the value (JSON, aware timestamps), as a literal value would be.
    return bindparam(name, type_=table.c[column].type)


@cache
def _start_statements(columns: tuple[str, ...], one_statement: bool) -> tuple:
    """Build, once per column set, the insert of a session and of its `started` event.

    Statements built once and run with parameters skip SQLAlchemy's per-call construction and
    cache-key work, which costs more than the database round trip on this path.
    """
    # Parameter names match no column: Core would add a parameter named like a column to the
    # insert it was not meant for.
    sessions, events = _table(Session), _table(SessionEvent)
    row = insert(sessions).values({c: _param(sessions, c, f"s_{c}") for c in columns})
    event = insert(events).values(
        app_id=_param(events, "app_id", "ev_app_id"),
        session_id=_param(events, "session_id", "ev_session_id"),
        seq=1,
        type="started",
        data=_param(events, "data", "ev_data"),
        at=_param(events, "at", "ev_at"),
    )
    if one_statement:
        # A data-modifying WITH runs in the same statement; the foreign key from the event to
        # the session is checked at the statement's end, when both rows exist.
        return (event.add_cte(row.cte("started")),)
    return row, event


def insert_started(values: dict, data: dict, at: datetime) -> None:
    """Insert a new session row with its first event, `started`, in one statement where possible.

    `values` must set `event_seq=1`. Core inserts skip the unit of work: the caller keeps no ORM
    object for the row, so nothing is flushed again at commit.
    """
    pg = db.session.get_bind().dialect.name == "postgresql"
    params = {
        **{f"s_{c}": v for c, v in values.items()},
        "ev_app_id": values["app_id"],
        "ev_session_id": values["id"],
        "ev_data": data,
        "ev_at": at,
    }
    for statement in _start_statements(tuple(values), pg):
        db.session.execute(statement, params)


_EVENT_FIELDS = ("app_id", "session_id", "seq", "type", "data", "at")
_AUDIT_FIELDS = ("app_id", "actor", "action", "target", "data", "note", "at")


@cache
def _append_statements(
    count: int, with_audit: bool, one_statement: bool, session_changes: tuple[str, ...] = ()
) -> tuple:
    """Build, once per shape, the insert of `count` events, optionally an audit entry and, in
    one statement, the update of the session's changed columns.

    Single-row inserts only: SQLAlchemy caches their compiled form, never a multi-row VALUES.
    On PostgreSQL they are chained as data-modifying WITHs into one statement.
    """
    table, log, sessions = _table(SessionEvent), _table(AuditEntry), _table(Session)
    writes: list[Insert | Update] = [
        insert(table).values({f: _param(table, f, f"{f}_{i}") for f in _EVENT_FIELDS})
        for i in range(count)
    ]
    if with_audit:
        writes.append(
            insert(log).values({f: _param(log, f, f"audit_{f}") for f in _AUDIT_FIELDS})
        )
    if session_changes:
        writes.append(
            update(sessions)
            .where(sessions.c.id == bindparam("upd_session_id"))
            .values({c: _param(sessions, c, f"upd_{c}") for c in session_changes})
        )
    if not one_statement:
        return tuple(writes)
    last = writes[-1]
    for i, earlier in enumerate(writes[:-1]):
        last = last.add_cte(earlier.cte(f"appended_{i}"))
    return (last,)


def _pending_changes(session) -> dict:
    """Return the session row's columns changed in memory and not yet written."""
    return {a.key: a.value for a in inspect(session).attrs if a.history.has_changes()}


def append_events(
    session, records: list[tuple[str, dict]], at: datetime, audit_entry: dict | None = None
) -> None:
    """Append events to a session's log, and optionally an audit entry, in one statement.

    On PostgreSQL the same statement also writes the session row's pending changes (the caller
    holds the row lock), which are then marked written so the commit has nothing left to flush;
    elsewhere the unit of work writes the session at commit as usual.
    """
    params: dict = {}
    for i, (type_, data) in enumerate(records):
        session.event_seq = (session.event_seq or 0) + 1
        params.update(
            {
                f"app_id_{i}": session.app_id,
                f"session_id_{i}": session.id,
                f"seq_{i}": session.event_seq,
                f"type_{i}": type_,
                f"data_{i}": data,
                f"at_{i}": at,
            }
        )
    if audit_entry is not None:
        entry = {"app_id": session.app_id, "data": {}, "note": None, "at": at, **audit_entry}
        params.update({f"audit_{k}": v for k, v in entry.items()})
    pg = db.session.get_bind().dialect.name == "postgresql"
    changes = _pending_changes(session) if pg else {}
    if changes:
        params["upd_session_id"] = session.id
        params.update({f"upd_{k}": v for k, v in changes.items()})
    shape = (len(records), audit_entry is not None, pg, tuple(sorted(changes)))
    for statement in _append_statements(*shape):
        db.session.execute(statement, params)
    for key, value in changes.items():
        set_committed_value(session, key, value)


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
