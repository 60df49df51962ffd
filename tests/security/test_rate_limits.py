"""Rate limits: per address and per app on starts and failed token checks, per session on calls."""

import uuid

import pytest
from sqlalchemy import select

from saveflow.app import create_app
from saveflow.extensions import db
from tests.conftest import _config, make_token
from tests.sessions.test_bad_input import assert_error


def _limited_app(database, **settings):
    _kind, fresh = database
    base = {"SAVEFLOW_RATE_LIMITS": True, "SAVEFLOW_SECURITY_FLUSH_SECONDS": 0}
    config = type("Limited", (_config(fresh()),), {**base, **settings})
    return create_app(config)


@pytest.fixture
def limited(database):
    """An app (with a seeded tenant) whose limits are small enough to reach in a test."""
    from saveflow.apps.setup import create_app_with_defaults

    application = _limited_app(
        database,
        SAVEFLOW_LIMIT_STARTS_PER_IP="5/minute",
        SAVEFLOW_LIMIT_STARTS_PER_APP="8/minute",
        SAVEFLOW_LIMIT_TOKEN_FAILURES_PER_IP="3/minute",
        SAVEFLOW_LIMIT_TOKEN_FAILURES_PER_APP="4/minute",
        SAVEFLOW_LIMIT_SESSION_CALLS="4/minute",
        SAVEFLOW_LIMIT_FLOW_PAGES="3/minute",
    )
    from tests.conftest import IsolatedClient

    application.test_client_class = IsolatedClient
    with application.app_context():
        tenant = create_app_with_defaults("Acme", ["https://shop.example"], actor="test")
        db.session.commit()
        yield application, tenant
        db.session.remove()
        db.engine.dispose()


def _start(client, tenant, ip="198.51.100.1", token=None, **kwargs):
    body = {"app_id": tenant.id, "token": token or make_token(tenant, **kwargs)}
    return client.post("/api/v1/sessions", json=body, environ_base={"REMOTE_ADDR": ip})


def _forged(tenant) -> str:
    """A well-formed token for the tenant whose signature is wrong."""
    return make_token(tenant).split(".")[0] + "." + "0" * 64


def test_defaults_are_far_above_human_use():
    from saveflow.config import Config

    per_minute = int(Config.SAVEFLOW_LIMIT_STARTS_PER_IP.split("/")[0])
    assert per_minute >= 120 and Config.SAVEFLOW_LIMIT_STARTS_PER_IP.endswith("minute")


def test_session_starts_per_address(limited):
    application, tenant = limited
    client = application.test_client()
    statuses = [_start(client, tenant, customer=f"c{i}").status_code for i in range(6)]
    assert statuses == [201] * 5 + [429]
    refused = _start(client, tenant, customer="c99")
    assert_error(refused, 429, "rate_limited")
    assert int(refused.headers["Retry-After"]) > 0
    # Another address is not affected.
    assert _start(client, tenant, ip="198.51.100.2", customer="c100").status_code == 201


def test_session_starts_per_app(limited):
    application, tenant = limited
    client = application.test_client()
    statuses = [
        _start(client, tenant, ip=f"203.0.113.{i}", customer=f"c{i}").status_code for i in range(9)
    ]
    assert statuses == [201] * 8 + [429]


def test_failed_token_checks_per_address_lock_that_address(limited):
    application, tenant = limited
    client = application.test_client()
    bad = _forged(tenant)
    statuses = [_start(client, tenant, token=bad).status_code for _ in range(4)]
    assert statuses == [401, 401, 401, 429]
    # Even a good token from that address waits now; another address is served.
    assert _start(client, tenant, customer="ok").status_code == 429
    assert _start(client, tenant, ip="198.51.100.7", customer="ok").status_code == 201


def test_failed_token_checks_per_app_never_lock_out_good_tokens(limited):
    application, tenant = limited
    client = application.test_client()
    bad = _forged(tenant)
    statuses = [_start(client, tenant, ip=f"192.0.2.{i}", token=bad).status_code for i in range(6)]
    assert statuses == [401] * 4 + [429] * 2
    # A customer with a valid token is still served: forged tokens cannot lock an app out.
    assert _start(client, tenant, ip="192.0.2.200", customer="real").status_code == 201


def test_session_calls_per_session(limited):
    application, tenant = limited
    client = application.test_client()
    started = _start(client, tenant).json
    headers = {"Authorization": f"Bearer {started['session_token']}"}
    url = f"/api/v1/sessions/{started['session_id']}"
    statuses = [client.get(url, headers=headers).status_code for _ in range(5)]
    assert statuses == [200] * 4 + [429]
    other = _start(client, tenant, ip="198.51.100.3", customer="c2").json
    headers2 = {"Authorization": f"Bearer {other['session_token']}"}
    assert (
        client.get(f"/api/v1/sessions/{other['session_id']}", headers=headers2).status_code == 200
    )


def test_flow_pages_per_address(limited):
    application, tenant = limited
    client = application.test_client()
    statuses = [client.get(f"/flow/{tenant.id}").status_code for _ in range(4)]
    assert statuses == [200] * 3 + [429]


def test_trips_and_token_failures_are_audited_as_counts(limited):
    from saveflow.security.models import SecurityCount

    application, tenant = limited
    client = application.test_client()
    bad = _forged(tenant)
    for _ in range(4):
        _start(client, tenant, token=bad)
    rows = db.session.scalars(select(SecurityCount)).all()
    counts = {}
    for row in rows:
        counts[(row.app_id, row.kind)] = counts.get((row.app_id, row.kind), 0) + row.count
    assert counts[(tenant.id, "token_failed")] == 3  # the 4th is refused before it is checked
    assert counts[(tenant.id, "rate_limited")] >= 1
    # Counts only: no token (or any part of one) is stored.
    assert all(bad.split(".")[1] not in str(vars(row)) for row in rows)


def test_off_switch(database):
    application = _limited_app(
        database, SAVEFLOW_RATE_LIMITS=False, SAVEFLOW_LIMIT_FLOW_PAGES="1/minute"
    )
    client = application.test_client()
    assert [client.get("/flow/app_x").status_code for _ in range(3)] == [404] * 3


def test_counters_are_shared_through_redis(database):
    pytest.importorskip("redis")
    import redis

    url = "redis://127.0.0.1:6379/15"
    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except redis.RedisError:
        pytest.fail("Redis must answer on 127.0.0.1:6379 for this test (.ci/ensure-redis)")
    prefix = f"test-{uuid.uuid4().hex}"
    settings = {
        "REDIS_URL": url,
        "RATELIMIT_KEY_PREFIX": prefix,
        "SAVEFLOW_LIMIT_FLOW_PAGES": "3/minute",
    }
    one = _limited_app(database, **settings).test_client()
    two = _limited_app(database, **settings).test_client()
    statuses = [c.get("/flow/app_x").status_code for c in (one, two, one, two)]
    assert statuses == [404, 404, 404, 429]


def test_security_report_prints_counts(limited):
    application, tenant = limited
    client = application.test_client()
    bad = _forged(tenant)
    for _ in range(2):
        _start(client, tenant, token=bad)
    result = application.test_cli_runner().invoke(args=["saveflow", "security-report"])
    assert result.exit_code == 0, result.output
    line = next(row for row in result.output.splitlines() if "token_failed" in row)
    assert tenant.id in line and line.split()[-1] == "2"


def test_counts_survive_a_failed_write_and_wait_before_retrying(monkeypatch):
    from collections import Counter

    from saveflow.security.counts import Tally

    tally = Tally()
    tally.note("app_1", "token_failed")
    taken = tally.take(every=0)
    assert taken is not None
    pending, since = taken
    assert pending == Counter({("app_1", "token_failed"): 1})
    tally.put_back(pending, since, retry_in=10)
    tally.note("app_1", "token_failed")
    assert tally.take(every=0) is None  # a database that just failed is not asked again at once
    monkeypatch.setattr("saveflow.security.counts.time.time", lambda: since + 11)
    assert tally.take(every=0)[0] == Counter({("app_1", "token_failed"): 2})
