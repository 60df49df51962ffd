"""Every outcome over a real socket: a WSGI server on loopback and urllib as the client."""

import json
import threading
import urllib.error
import urllib.request

import pytest
from werkzeug.serving import make_server

from tests.conftest import ORIGIN, make_token


@pytest.fixture
def base_url(app, demo):
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(5)


def call(base_url, path, body=None, token=None, origin=ORIGIN):
    request = urllib.request.Request(
        base_url + path,
        data=None if body is None else json.dumps(body).encode(),
        method="GET" if body is None else "POST",
        headers={"Content-Type": "application/json", "Origin": origin},
    )
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers), json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), json.loads(error.read())


def start(base_url, demo, customer):
    body = {"app_id": demo.id, "token": make_token(demo, customer=customer), "locale": "en"}
    status, headers, session = call(base_url, "/api/v1/sessions", body)
    assert status == 201
    assert headers["Access-Control-Allow-Origin"] == ORIGIN
    return session["session_id"], session["session_token"]


@pytest.mark.parametrize(
    "outcome, reason, steps",
    [
        ("saved", "too_expensive", ["accept"]),
        ("withdrawn", "not_using", ["withdraw"]),
        ("cancelled", "too_expensive", ["decline", "decline", "cancel"]),
        ("abandoned", "poor_support", ["abandon"]),
    ],
)
def test_outcome_over_http(base_url, demo, outcome, reason, steps):
    session_id, token = start(base_url, demo, f"cus_{outcome}")
    path = f"/api/v1/sessions/{session_id}"
    status, _h, answered = call(base_url, path + "/answer", {"reason_id": reason}, token)
    assert status == 200
    for step in steps:
        if step in ("accept", "decline"):
            step = f"offers/{answered['offers'][0]['id']}/{step}"
        status, _h, answered = call(base_url, f"{path}/{step}", {}, token)
        assert status == 200, answered
    assert answered["outcome"] == outcome
    status, _h, state = call(base_url, path, token=token)
    assert (status, state["step"], state["outcome"]) == (200, "done", outcome)
    # Repeating the finishing call replays its result; another terminal verb is a conflict.
    assert call(base_url, f"{path}/{step}", {}, token)[2] == answered
    other = "withdraw" if outcome != "withdrawn" else "cancel"
    assert call(base_url, f"{path}/{other}", {}, token)[0] == 409
