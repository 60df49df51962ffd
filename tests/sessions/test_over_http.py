"""Every outcome over a real socket: a WSGI server on loopback and urllib as the client."""

import json
import threading
import urllib.error
import urllib.request

import pytest
from werkzeug.serving import make_server

from saveflow.extensions import db
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
    # Reading a fixture row reopens the test's transaction; on SQLite that holds the write lock.
    db.session.rollback()
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


def test_racing_terminal_calls_finish_once(base_url, demo):
    """Real threads, real sockets: a double-clicked accept saves once; a racing cancel is 409."""
    from concurrent.futures import ThreadPoolExecutor

    from sqlalchemy import func, select

    from saveflow.models import OfferAcceptance, SessionEvent

    for attempt in range(3):
        session_id, token = start(base_url, demo, f"cus_race_{attempt}")
        path = f"/api/v1/sessions/{session_id}"
        offer = call(base_url, path + "/answer", {"reason_id": "too_expensive"}, token)[2][
            "offers"
        ][0]["id"]
        calls = [f"{path}/offers/{offer}/accept"] * 3 + [f"{path}/cancel"]
        with ThreadPoolExecutor(len(calls)) as pool:
            results = list(pool.map(lambda p, t=token: call(base_url, p, {}, t), calls))
        statuses = sorted(status for status, _h, _b in results)
        saved = [body for status, _h, body in results if status == 200]
        assert set(statuses) <= {200, 409} and statuses.count(200) >= 1, results
        assert all(body == saved[0] for body in saved)
        outcome = saved[0]["outcome"]
        assert statuses.count(409) == (1 if outcome == "saved" else 3)
        db.session.rollback()
        acceptances = db.session.scalar(
            select(func.count())
            .select_from(OfferAcceptance)
            .where(OfferAcceptance.session_id == session_id)
        )
        assert acceptances == (1 if outcome == "saved" else 0)
        finals = db.session.scalar(
            select(func.count())
            .select_from(SessionEvent)
            .where(SessionEvent.session_id == session_id, SessionEvent.type == outcome)
        )
        assert finals == 1
