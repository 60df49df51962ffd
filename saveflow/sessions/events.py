"""Append-only records: the session event log (the audit log is `saveflow.apps.audit`)."""

from datetime import datetime
from functools import cache
from typing import cast

from sqlalchemy import Table, bindparam, func, insert, inspect, select, update
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
def _append_statements(count: int, with_audit: bool) -> tuple:
    """Build, once per shape, the insert of `count` events and optionally an audit entry, each
    a single-row statement (SQLAlchemy caches those, never a multi-row VALUES)."""
    table, log = _table(SessionEvent), _table(AuditEntry)
    writes = [
        insert(table).values({f: _param(table, f, f"{f}_{i}") for f in _EVENT_FIELDS})
        for i in range(count)
    ]
    if with_audit:
        writes.append(
            insert(log).values({f: _param(log, f, f"audit_{f}") for f in _AUDIT_FIELDS})
        )
    return tuple(writes)


@cache
def _guarded_statement(count: int, with_audit: bool, session_changes: tuple[str, ...]):
    """Build, once per shape, one PostgreSQL statement that updates the session row only if its
    event counter is still the one read (compare-and-set) and, only then, inserts the events and
    the audit entry. It returns how many session rows it updated: 1, or 0 if another request
    moved the session first (then nothing at all was written).
    """
    table, log, sessions = _table(SessionEvent), _table(AuditEntry), _table(Session)
    moved = (
        update(sessions)
        .where(
            sessions.c.id == bindparam("upd_session_id"),
            sessions.c.event_seq == bindparam("upd_expected_seq"),
        )
        .values({c: _param(sessions, c, f"upd_{c}") for c in session_changes})
        .returning(sessions.c.id)
        .cte("moved")
    )

    def only_if_moved(target: Table, fields: tuple[str, ...], prefix: str, suffix: str = ""):
        values = select(*(_param(target, f, f"{prefix}{f}{suffix}") for f in fields))
        return insert(target).from_select(list(fields), values.select_from(moved))

    writes = [only_if_moved(table, _EVENT_FIELDS, "", f"_{i}") for i in range(count)]
    if with_audit:
        writes.append(only_if_moved(log, _AUDIT_FIELDS, "audit_"))
    statement = select(func.count()).select_from(moved)
    for i, write in enumerate(writes):
        statement = statement.add_cte(write.cte(f"appended_{i}"))
    return statement


def _pending_changes(session) -> dict:
    """Return the session row's columns changed in memory and not yet written."""
    return {a.key: a.value for a in inspect(session).attrs if a.history.has_changes()}


def append_events(
    session, records: list[tuple[str, dict]], at: datetime, audit_entry: dict | None = None
) -> bool:
    """Append events to a session's log, and optionally an audit entry; return whether written.

    On PostgreSQL one statement also writes the session row's pending changes, guarded by a
    compare-and-set on the event counter read with the row: it needs no row lock, and returns
    False (having written nothing) when another request moved the session first. The changes
    are then marked written, so a commit has nothing left to flush. Elsewhere the caller holds
    the write lock and the unit of work writes the session at commit as usual.
    """
    expected_seq = session.event_seq
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
    if db.session.get_bind().dialect.name != "postgresql":
        for statement in _append_statements(len(records), audit_entry is not None):
            db.session.execute(statement, params)
        return True
    changes = _pending_changes(session)
    params.update({f"upd_{k}": v for k, v in changes.items()})
    params.update(upd_session_id=session.id, upd_expected_seq=expected_seq)
    guarded = _guarded_statement(len(records), audit_entry is not None, tuple(sorted(changes)))
    if db.session.execute(guarded, params).scalar_one() != 1:
        return False
    for key, value in changes.items():
        set_committed_value(session, key, value)
    return True
