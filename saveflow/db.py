"""Column types and helpers shared by every domain's models."""

import secrets
import sqlite3
from contextvars import ContextVar
from datetime import UTC, datetime

from sqlalchemy import JSON, DateTime, event
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Engine
from sqlalchemy.types import TypeDecorator

JSONType = JSON().with_variant(JSONB(), "postgresql")

# Whether transactions begun on this thread (or task) will write; SQLite reads it at BEGIN.
_writes: ContextVar[bool] = ContextVar("saveflow_writes", default=True)
READ_ONLY_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class UTCDateTime(TypeDecorator):
    """A timezone-aware timestamp that comes back aware on SQLite too."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are not stored; pass an aware UTC datetime")
        return value.astimezone(UTC)

    def process_result_value(self, value, dialect):
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value


def utcnow() -> datetime:
    """Return the current time as an aware UTC datetime."""
    return datetime.now(UTC)


def new_id(prefix: str) -> str:
    """Return an unguessable public id such as `ses_4f9c...`."""
    return f"{prefix}_{secrets.token_hex(12)}"


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, _record) -> None:
    # SQLite ignores foreign keys unless asked, and WAL lets readers go on while one writes.
    if isinstance(dbapi_connection, sqlite3.Connection):
        # We issue BEGIN ourselves (below), so the driver must not start transactions on its own.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA busy_timeout = 5000")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.close()


def will_write(writes: bool = True) -> None:
    """Declare whether the transactions this request (or command) begins from now on write."""
    _writes.set(writes)


def writes_for_method(method: str) -> None:
    """Before a request: GET, HEAD and OPTIONS read; any other method may write."""
    will_write(method not in READ_ONLY_METHODS)


def single_statement_writes(session) -> None:
    """Run the rest of this unit of work without an enclosing transaction (PostgreSQL only).

    For a request whose only write is one atomic statement, BEGIN and COMMIT are two round
    trips that buy nothing; each statement commits on its own instead. Call it before the first
    statement. SQLite keeps its transactions: they are what takes its write lock.
    """
    # Inside a transaction already (a test sharing its session), the statements simply join it.
    current = session()  # the request's Session behind Flask-SQLAlchemy's scoped proxy
    if current.get_bind().dialect.name == "postgresql" and not current.in_transaction():
        current.connection(execution_options={"isolation_level": "AUTOCOMMIT"})


@event.listens_for(Engine, "begin")
def _sqlite_begin(connection) -> None:
    # A transaction that will write takes SQLite's write lock when it starts: writers then queue
    # for up to the busy timeout instead of failing when a read turns into a write after another
    # writer committed. Reads begin deferred so they never wait for, or block, a writer.
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql("BEGIN IMMEDIATE" if _writes.get() else "BEGIN")


def engine_options(url: str, config) -> dict:
    """Return engine options that bound every wait on the database and keep parameters out of logs.

    PostgreSQL gets a connect timeout, server-side statement, lock and idle-in-transaction
    timeouts and JIT off in the startup packet (no extra round trip); every database gets a
    bounded wait for a pooled connection. Parameters are hidden from logged SQL so a secret never reaches a log.
    """
    options: dict = {
        "pool_pre_ping": True,
        "hide_parameters": True,
        **dict(config.get("SQLALCHEMY_ENGINE_OPTIONS") or {}),
    }
    if url.startswith("postgresql"):
        statement = config["SAVEFLOW_DB_STATEMENT_TIMEOUT_MS"]
        server = (
            f"-c statement_timeout={statement} "
            f"-c lock_timeout={config['SAVEFLOW_DB_LOCK_TIMEOUT_MS']} "
            f"-c idle_in_transaction_session_timeout={max(statement * 2, 10000)} "
            # JIT pays off only for long analytical scans; a backend that once JIT-compiled runs
            # the small queries of requests and reports measurably slower afterwards.
            "-c jit=off"
        )
        options.setdefault("pool_timeout", config["SAVEFLOW_DB_POOL_TIMEOUT"])
        options.setdefault(
            "connect_args",
            {
                "connect_timeout": config["SAVEFLOW_DB_CONNECT_TIMEOUT"],
                "options": server,
                # A peer that stops acknowledging (a dead host) is noticed within seconds.
                "keepalives": 1,
                "keepalives_idle": 5,
                "keepalives_interval": 2,
                "keepalives_count": 2,
                "tcp_user_timeout": config["SAVEFLOW_DB_CONNECT_TIMEOUT"] * 1000,
            },
        )
    return options
