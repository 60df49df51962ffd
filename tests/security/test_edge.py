"""The HTTP edge: unstorable paths, log lines, 405s and response headers."""

import logging

import pytest

from tests.conftest import _config
from tests.sessions.test_bad_input import assert_error


@pytest.mark.parametrize(
    "path",
    [
        "/flow/%00",
        "/flow/app%00x",
        "/flow/%ED%A0%80",
        "/api/v1/sessions/%00",
        "/api/v1/sessions/ses_x/offers/%00/decline",
    ],
)
def test_unstorable_path_ids_are_404_on_every_route(client, demo, path):
    method = client.get if path.startswith("/flow") or path.count("/") == 4 else client.post
    response = method(path, headers={"Authorization": "Bearer st_x"})
    assert response.status_code == 404
    if path.startswith("/api/"):
        assert_error(response, 404)


def test_logged_values_have_control_characters_escaped(app, client, caplog):
    @app.get("/boom/<word>")
    def boom(word):
        raise RuntimeError("boom")

    with caplog.at_level(logging.ERROR, logger=app.logger.name):
        response = client.get("/boom/x%0A2026-11-24%20CRITICAL%20fake%1b[31m")
    assert_error(response, 500)
    lines = [r.getMessage() for r in caplog.records]
    assert lines and all("\n" not in line and "\x1b" not in line for line in lines)
    assert any("\\n2026-11-24" in line for line in lines)


def test_405_keeps_the_allow_header(client):
    response = client.get("/api/v1/sessions")
    assert_error(response, 405)
    assert set(response.headers["Allow"].replace(" ", "").split(",")) >= {"POST", "OPTIONS"}
    response = client.post("/healthz")
    assert response.status_code == 405 and "GET" in response.headers["Allow"]


@pytest.mark.parametrize("path", ["/healthz", "/embed.js", "/api/v1/openapi.json", "/nope"])
def test_nosniff_everywhere(client, path):
    assert client.get(path).headers["X-Content-Type-Options"] == "nosniff"


def test_api_responses_are_never_cached(flow):
    start = flow.start()
    assert start.headers["Cache-Control"] == "no-store"
    assert flow.get().headers["Cache-Control"] == "no-store"
    assert flow.post("/cancel").headers["Cache-Control"] == "no-store"
    assert flow.client.post("/api/v1/sessions", data="{").headers["Cache-Control"] == "no-store"


def test_hsts_only_over_https(client):
    assert "Strict-Transport-Security" not in client.get("/healthz").headers
    secure = client.get("/healthz", base_url="https://saveflow.example")
    assert secure.headers["Strict-Transport-Security"].startswith("max-age=")


def _app_with(database, **settings):
    from saveflow.app import create_app

    _kind, fresh = database
    config = type("Edge", (_config(fresh()),), settings)
    return create_app(config)


def test_trusted_hosts_refuse_others(database):
    app = _app_with(database, TRUSTED_HOSTS=["saveflow.example"])
    client = app.test_client()
    assert client.get("/healthz", base_url="http://saveflow.example").status_code == 200
    assert_error(client.get("/healthz", base_url="http://evil.example"), 400)


def test_proxy_hops_are_honoured_only_when_configured(database):
    headers = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9"}
    direct = _app_with(database).test_client().get("/healthz", headers=headers)
    assert "Strict-Transport-Security" not in direct.headers
    proxied = _app_with(database, SAVEFLOW_PROXY_HOPS=1).test_client()
    assert "Strict-Transport-Security" in proxied.get("/healthz", headers=headers).headers
