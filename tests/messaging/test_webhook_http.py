"""post_event against a real receiver on loopback: headers, status mapping, redirects, timeouts."""

import socket
import time
from datetime import UTC, datetime

import pytest

from saveflow.messaging.signing import verify
from saveflow.messaging.webhook_http import post_event
from tests.messaging.receiver import Answer, Receiver

NOW = datetime(2027, 3, 1, 12, 0, tzinfo=UTC)
T = int(NOW.timestamp())
SECRET = "whsec_receiver_secret"
BODY = f'{{"id":"dlv_abc","type":"session.completed","created":{T},"data":{{"plan":"Prö"}}}}'


def _post(url, kind="json", timeout=5.0, body=BODY):
    return post_event(url, body, SECRET, "dlv_abc", "session.completed", kind, timeout, NOW)


def test_a_json_endpoint_gets_the_exact_body_and_signed_headers():
    with Receiver(Answer(200, b"thanks")) as receiver:
        outcome = _post(receiver.url + "/hooks/saveflow?team=7")
    assert outcome.ok and outcome.status_code == 200 and outcome.backend == "http"
    assert outcome.error is None and not outcome.permanent and outcome.duration_ms >= 0
    [got] = receiver.received
    assert (got.method, got.path) == ("POST", "/hooks/saveflow?team=7")
    assert got.body == BODY.encode("utf-8")
    ours = {k: v for k, v in got.headers if k.lower().startswith("saveflow-")}
    assert ours == {
        "Saveflow-Signature": got.header("Saveflow-Signature"),
        "Saveflow-Delivery": "dlv_abc",
        "Saveflow-Event": "session.completed",
    }
    assert got.header("Content-Type") == "application/json"
    assert got.header("User-Agent") == "saveflow-webhooks/1"
    assert got.header("Content-Length") == str(len(BODY.encode("utf-8")))
    signature = got.header("Saveflow-Signature")
    assert signature.startswith(f"t={T},v1=")
    assert verify(signature, got.body, SECRET, 300, now=T) == T


def test_a_slack_endpoint_gets_the_body_as_is_without_our_headers():
    with Receiver(Answer(200, b"ok")) as receiver:
        outcome = _post(receiver.url + "/services/T1/B2/xyz", kind="slack", body='{"text":"hi"}')
    assert outcome.ok
    [got] = receiver.received
    assert got.body == b'{"text":"hi"}'
    assert got.header("Content-Type") == "application/json"
    assert got.header("User-Agent") == "saveflow-webhooks/1"
    assert not [k for k, _ in got.headers if k.lower().startswith("saveflow-")]


@pytest.mark.parametrize(
    "status, reply, ok, permanent, error",
    [
        (200, b"", True, False, None),
        (201, b"created", True, False, None),
        (204, b"", True, False, None),
        (299, b"", True, False, None),
        (410, b"endpoint deleted", False, True, "HTTP 410: endpoint deleted"),
        (400, b'{"error": "bad\n  json"}', False, False, 'HTTP 400: {"error": "bad json"}'),
        (404, b"", False, False, "HTTP 404"),
        (429, b"slow down", False, False, "HTTP 429: slow down"),
        (500, b"boom", False, False, "HTTP 500: boom"),
        (503, b"maintenance", False, False, "HTTP 503: maintenance"),
    ],
)
def test_status_mapping(status, reply, ok, permanent, error):
    with Receiver(Answer(status, reply)) as receiver:
        outcome = _post(receiver.url)
    assert (outcome.ok, outcome.status_code, outcome.permanent) == (ok, status, permanent)
    assert outcome.error == error


def test_a_long_reply_is_cut_to_about_two_hundred_characters():
    with Receiver(Answer(500, b"x" * 50_000)) as receiver:
        outcome = _post(receiver.url)
    assert outcome.error.startswith("HTTP 500: xxx")
    assert len(outcome.error) <= len("HTTP 500: ") + 200


def test_redirects_are_not_followed():
    with Receiver(Answer(200)) as elsewhere:
        moved = Answer(302, b"", {"Location": elsewhere.url + "/new"})
        with Receiver(moved) as receiver:
            outcome = _post(receiver.url)
    assert len(receiver.received) == 1 and elsewhere.received == []
    assert not outcome.ok and not outcome.permanent and outcome.status_code == 302
    assert outcome.error == f"HTTP 302: redirect to {elsewhere.url}/new not followed"


def test_a_hung_receiver_fails_within_the_timeout():
    with Receiver(Answer(hang=True)) as receiver:
        started = time.monotonic()
        outcome = _post(receiver.url, timeout=0.5)
        spent = time.monotonic() - started
    assert len(receiver.received) == 1
    assert 0.4 < spent < 2.0
    assert not outcome.ok and not outcome.permanent and outcome.status_code is None
    assert outcome.error == "no answer within 0.5 s"
    assert 400 <= outcome.duration_ms < 2000


def test_a_refused_connection_is_worth_another_try():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    outcome = _post(f"http://127.0.0.1:{port}/")
    assert not outcome.ok and not outcome.permanent and outcome.status_code is None
    assert outcome.error == "connection refused"


@pytest.mark.parametrize(
    "url, problem",
    [("ftp://127.0.0.1/hook", "InvalidSchema"), ("127.0.0.1/hook", "MissingSchema")],
)
def test_an_unusable_address_is_refused_for_good(url, problem):
    outcome = _post(url)
    assert not outcome.ok and outcome.permanent
    assert outcome.error.startswith(f"{problem}: ")
