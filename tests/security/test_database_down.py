"""A database that hangs or refuses: fast 503s in the error shape; static assets still served."""

import socket
import threading
import time

import pytest

from saveflow.app import create_app
from tests.conftest import _config


@pytest.fixture
def silent_database():
    """A TCP server that accepts connections and never answers a byte."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(64)
    held, stop = [], threading.Event()

    def accept():
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(server.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"postgresql+psycopg://u:p@127.0.0.1:{server.getsockname()[1]}/saveflow"
    stop.set()
    thread.join()
    for conn in held:
        conn.close()
    server.close()


@pytest.fixture
def refusing_database():
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()  # nothing listens there now
    return f"postgresql+psycopg://u:p@127.0.0.1:{port}/saveflow"


def _client(url):
    config = type("Down", (_config(url),), {"SAVEFLOW_DB_CONNECT_TIMEOUT": 2})
    return create_app(config).test_client()


def _timed(call):
    t0 = time.monotonic()
    response = call()
    return response, time.monotonic() - t0


@pytest.mark.parametrize("which", ["silent_database", "refusing_database"])
def test_database_trouble_is_a_fast_503(request, which):
    client = _client(request.getfixturevalue(which))
    health, took = _timed(lambda: client.get("/healthz"))
    assert health.status_code == 503 and took < 5
    assert health.json == {"status": "degraded", "db": "unavailable"}
    body = {"app_id": "app_x", "token": "a.b"}
    for _ in range(3):
        response, took = _timed(lambda: client.post("/api/v1/sessions", json=body))
        assert response.status_code == 503 and took < 5
        assert response.json["code"] == "database_unavailable"
        assert set(response.json) == {"code", "status", "message", "errors"}
        assert response.headers["Retry-After"]
    embed, took = _timed(lambda: client.get("/embed.js"))
    assert embed.status_code == 200 and took < 1


def test_many_hung_requests_do_not_stop_static_assets(silent_database):
    from concurrent.futures import ThreadPoolExecutor

    client = _client(silent_database)
    body = {"app_id": "app_x", "token": "a.b"}
    t0 = time.monotonic()
    with ThreadPoolExecutor(12) as pool:
        calls = [pool.submit(client.post, "/api/v1/sessions", json=body) for _ in range(12)]
        time.sleep(0.3)
        embed, took = _timed(lambda: client.get("/embed.js"))
        statuses = [c.result().status_code for c in calls]
    assert embed.status_code == 200 and took < 1
    assert statuses == [503] * 12
    assert time.monotonic() - t0 < 8
