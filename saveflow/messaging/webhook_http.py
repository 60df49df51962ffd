"""Send one outbound webhook over HTTP and say how it went (the only importer of `requests`).

A JSON endpoint gets the body signed (`Saveflow-Signature`) with its delivery id and event
named in headers; a Slack incoming webhook gets the body as it is. Redirects are never
followed: a receiver that moved must be registered at its new address, and a signed body must
not travel to wherever a 3xx points.
"""

import time
from datetime import datetime

import requests
from requests.exceptions import InvalidSchema, InvalidURL, MissingSchema

from saveflow.db import utcnow
from saveflow.messaging.outbox import Outcome
from saveflow.messaging.signing import signature_header

USER_AGENT = "saveflow-webhooks/1"
BACKEND = "http"
DEFAULT_TIMEOUT = 10.0
# How much of a failing receiver's reply is kept with the attempt.
REPLY_CHARS = 200
# What the low-level messages of a failed connection come down to.
CONNECTION_PROBLEMS = (
    ("Connection refused", "connection refused"),
    ("Name or service not known", "host not found"),
    ("nodename nor servname", "host not found"),
    ("Temporary failure in name resolution", "host not found (DNS failed)"),
    ("certificate verify failed", "TLS certificate not trusted"),
    ("Connection reset", "connection reset"),
    ("Remote end closed connection", "connection closed without a reply"),
)


def headers_for(
    kind: str, body: str, secret: str, delivery_id: str, event: str, now: datetime
) -> dict[str, str]:
    """Return the request headers of one delivery."""
    headers = {"Content-Type": "application/json", "User-Agent": USER_AGENT}
    if kind == "slack":  # Slack reads none of ours, and holds no secret to check them with
        return headers
    return headers | {
        "Saveflow-Signature": signature_header(secret, body, int(now.timestamp())),
        "Saveflow-Delivery": delivery_id,
        "Saveflow-Event": event,
    }


def _one_line(text: str, limit: int = REPLY_CHARS) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def _reply_text(response: requests.Response) -> str:
    """Return the start of a reply, read no further than needed (a reply may be huge or slow)."""
    try:
        head = next(response.iter_content(REPLY_CHARS * 4), b"")
    except requests.RequestException:
        return ""
    if isinstance(head, str):
        return _one_line(head)
    return _one_line(head.decode(response.encoding or "utf-8", "replace"))


def _status_error(response: requests.Response) -> str:
    status = response.status_code
    if 300 <= status < 400:
        where = _one_line(response.headers.get("Location", "nowhere"))
        return f"HTTP {status}: redirect to {where} not followed"
    reply = _reply_text(response)
    return f"HTTP {status}: {reply}" if reply else f"HTTP {status}"


def _connection_error(exc: Exception) -> str:
    text = str(exc)
    for needle, said in CONNECTION_PROBLEMS:
        if needle in text:
            return said
    return _one_line(f"{type(exc).__name__}: {text}")


def post_event(
    url: str,
    body: str,
    secret: str,
    delivery_id: str,
    event: str,
    kind: str = "json",
    timeout: float = DEFAULT_TIMEOUT,
    now: datetime | None = None,
) -> Outcome:
    """POST one webhook body and return the outcome: 2xx delivered, 410 Gone refused for good,
    anything else (another status, a timeout, no connection) worth another try."""
    at = now or utcnow()
    headers = headers_for(kind, body, secret, delivery_id, event, at)
    started = time.monotonic()

    def outcome(ok: bool, **values) -> Outcome:
        spent = int((time.monotonic() - started) * 1000)
        return Outcome(ok=ok, backend=BACKEND, duration_ms=spent, **values)

    try:
        response = requests.post(
            url,
            data=body.encode("utf-8"),
            headers=headers,
            timeout=(timeout, timeout),
            allow_redirects=False,
            stream=True,
        )
    except requests.Timeout as exc:
        what = "no connection" if isinstance(exc, requests.ConnectTimeout) else "no answer"
        return outcome(False, error=f"{what} within {timeout:g} s")
    except (InvalidURL, InvalidSchema, MissingSchema) as exc:
        return outcome(False, error=_connection_error(exc), permanent=True)
    except requests.RequestException as exc:
        return outcome(False, error=_connection_error(exc))
    with response:
        status = response.status_code
        if 200 <= status < 300:
            return outcome(True, status_code=status)
        error = _status_error(response)
        return outcome(False, status_code=status, error=error, permanent=status == 410)
