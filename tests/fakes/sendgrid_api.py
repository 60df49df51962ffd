"""A fake of SendGrid's v3 mail API on loopback, for the real `sendgrid` SDK to talk to.

It answers `POST /v3/mail/send` as SendGrid does: 202 with an `X-Message-Id` and no body for a
message it takes; `{"errors": [{"message", "field", "help"}]}` with 400 for a malformed one, 401
for a wrong key, 413 for one too large. Tests can make the next requests fail with any status or
hang, and read every request back, exactly as sent.
"""

import json
import threading
from dataclasses import dataclass

from werkzeug.serving import WSGIRequestHandler, make_server
from werkzeug.wrappers import Request, Response

SEND = "/v3/mail/send"
MAX_BYTES = 30 * 1024 * 1024  # SendGrid's limit on one message, attachments included


@dataclass
class Recorded:
    """One request the fake received, and the status it answered (None: still hanging)."""

    method: str
    path: str
    headers: dict
    body: bytes
    status: int | None = None

    @property
    def json(self):
        return json.loads(self.body)


class _QuietHandler(WSGIRequestHandler):
    def log_request(self, *args, **kwargs):
        pass  # fake.requests is the log


def _errors(status, message, field=None):
    body = {"errors": [{"message": message, "field": field, "help": None}]}
    return status, body


class FakeSendGrid:
    """Serve the fake on 127.0.0.1 (an ephemeral port) until stop()."""

    def __init__(self, api_key="SG.fakekey.fakesecret", max_bytes=MAX_BYTES):
        self.api_key = api_key
        self.max_bytes = max_bytes
        self.requests: list[Recorded] = []
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._plan: list[tuple[str, object]] = []  # ("fail", status) or ("hang", seconds)
        self._ids = 0
        self._server = make_server(
            "127.0.0.1", 0, self.wsgi, threaded=True, request_handler=_QuietHandler
        )
        self.url = f"http://127.0.0.1:{self._server.server_port}"
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    def start(self):
        self._thread.start()
        return self

    def stop(self):
        self._stopping.set()  # wake hanging requests, so shutdown never waits on them
        self._server.shutdown()
        self._thread.join(timeout=5)
        self._server.server_close()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    def fail_next(self, status, times=1):
        """Answer the next `times` requests with `status` and a SendGrid-shaped error."""
        with self._lock:
            self._plan += [("fail", status)] * times

    def hang_next(self, seconds=30.0, times=1):
        """Hold the next `times` requests this long before answering (or until stop)."""
        with self._lock:
            self._plan += [("hang", seconds)] * times

    def sent(self):
        """Return the JSON bodies of the messages the fake took."""
        with self._lock:
            return [r.json for r in self.requests if r.status == 202]

    def wsgi(self, environ, start_response):
        """The WSGI entry point the loopback server calls."""
        request = Request(environ)
        record = Recorded(
            request.method, request.path, dict(request.headers), request.get_data(cache=True)
        )
        with self._lock:
            self.requests.append(record)
            step = self._plan.pop(0) if self._plan else None
        if step and step[0] == "hang":
            self._stopping.wait(float(step[1]))  # type: ignore[arg-type]
        status, body = self._answer(request, record, step)
        record.status = status
        if body is None:
            with self._lock:
                self._ids += 1
                message_id = f"fake-message-{self._ids:06d}"
            response = Response(b"", status, headers={"X-Message-Id": message_id})
        else:
            response = Response(json.dumps(body), status, mimetype="application/json")
        return response(environ, start_response)

    def _answer(self, request, record, step):
        """Return (status, JSON body or None) for a request."""
        if step and step[0] == "fail":
            status = int(step[1])
            return _errors(status, f"Injected failure {status} (the fake).")
        if request.headers.get("Authorization") != f"Bearer {self.api_key}":
            return _errors(401, "The provided authorization grant is invalid, expired, or revoked")
        if (request.method, request.path) != ("POST", SEND):
            return _errors(404, "Not found.")
        if len(record.body) > self.max_bytes:
            return _errors(413, "Payload Too Large")
        try:
            mail = json.loads(record.body)
        except ValueError:
            return _errors(400, "Bad Request", None)
        problem = _problem(mail)
        if problem:
            return _errors(400, *problem)
        return 202, None


def _problem(mail):
    """Return (message, field) for the first rule a message breaks, as SendGrid words it."""
    people = mail.get("personalizations") or []
    if not people or not all(p.get("to") for p in people):
        return (
            "The personalizations field is required and must have at least one personalization.",
            "personalizations",
        )
    if not (mail.get("from") or {}).get("email"):
        return "The from object must be provided for every email send.", "from"
    if not mail.get("subject") and not all(p.get("subject") for p in people):
        return "The subject is required.", "subject"
    content = mail.get("content") or []
    if not content or any(not c.get("value") for c in content):
        return (
            "Unless a valid template_id is provided, the content parameter is required.",
            "content",
        )
    types = [c.get("type") for c in content]
    if "text/plain" in types and types[0] != "text/plain":
        return "The text/plain content type must be first.", "content"
    for item in mail.get("attachments") or []:
        if not item.get("content") or not item.get("filename"):
            return "The attachment content and filename are required.", "attachments"
    return None
