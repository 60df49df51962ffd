"""SQLite takes its write lock only for requests that may write; reads never wait for it."""

import sqlite3
import time

import pytest
from sqlalchemy import event

from saveflow.extensions import db


@pytest.fixture
def begins(app):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite's locking only")
    seen: list[str] = []

    def hook(_conn, _cursor, statement, *_args):
        if statement.startswith("BEGIN"):
            seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", hook)
    yield seen
    event.remove(db.engine, "before_cursor_execute", hook)


def test_reads_begin_deferred_and_writes_immediate(flow, begins):
    flow.client.get("/healthz")
    assert begins == ["BEGIN"]
    begins.clear()
    flow.start()
    assert begins == ["BEGIN IMMEDIATE"]
    begins.clear()
    flow.get()  # a GET that stamps last_seen_at declares its write up front
    assert begins == ["BEGIN IMMEDIATE"]
    begins.clear()
    flow.answer("too_expensive")
    assert begins == ["BEGIN IMMEDIATE"]


def test_a_read_does_not_wait_for_a_writer(app, client, begins):
    db.session.rollback()
    writer = sqlite3.connect(db.engine.url.database, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    try:
        t0 = time.perf_counter()
        response = client.get("/healthz")
        waited = time.perf_counter() - t0
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    assert response.status_code == 200 and response.json["db"] == "ok"
    assert waited < 1  # the busy timeout is 5 s
