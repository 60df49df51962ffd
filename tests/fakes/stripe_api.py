"""A stateful fake of the Stripe API on loopback, for the real `stripe` SDK to talk to."""

import copy
import html
import json
import threading
import time
from dataclasses import dataclass, field
from urllib.parse import parse_qsl

import stripe
from werkzeug.serving import WSGIRequestHandler, make_server
from werkzeug.wrappers import Request, Response

from tests.fakes.stripe_forms import StripeError, parse_params
from tests.fakes.stripe_routes import dispatch
from tests.fakes.stripe_seeding import Seeding
from tests.fakes.stripe_store import Store

WRITES = ("POST", "DELETE")


@dataclass
class Recorded:
    """One request the fake received, and how it answered."""

    method: str
    path: str
    params: dict
    idempotency_key: str | None
    api_key: str | None
    stripe_version: str | None
    request_id: str
    status: int | None = None
    replayed: bool = False  # answered from the idempotency store, state untouched
    injected: bool = False  # answered by fail_next, state untouched

    @property
    def wrote(self):
        """True when this request changed the fake's state."""
        return self.method in WRITES and self.status == 200 and not self.replayed


@dataclass
class _Rule:
    kind: str  # "fail" or "delay"
    prefix: str
    times: int
    method: str | None
    options: dict = field(default_factory=dict)


class _QuietHandler(WSGIRequestHandler):
    def log_request(self, *args, **kwargs):
        pass  # fake.requests is the log; stderr lines would only bury test output


class FakeStripe(Seeding):
    """Serve the fake on 127.0.0.1 (an ephemeral port) until stop()."""

    def __init__(self, api_keys=("sk_test_fake",), clock=time.time):
        self.api_keys = set(api_keys)
        self.api_key = api_keys[0]
        # The version the SDK pins; events carry it, as an account's webhooks would.
        self.api_version = stripe.api_version
        self.requests: list[Recorded] = []
        self._lock = threading.RLock()
        self._stopping = threading.Event()
        self._rules: list[_Rule] = []
        self._idempotent = {}
        self._request_ids = 0
        self._server = make_server(
            "127.0.0.1", 0, self.wsgi, threaded=True, request_handler=_QuietHandler
        )
        self.url = f"http://127.0.0.1:{self._server.server_port}"
        self.store = Store(self.url, clock)
        # A short poll keeps stop() from costing each test half a second.
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    def start(self):
        self._thread.start()
        return self

    def stop(self):
        # Wake delayed requests first, so a slow answer never holds shutdown up.
        self._stopping.set()
        self._server.shutdown()
        self._thread.join(timeout=5)
        self._server.server_close()

    @property
    def clock(self):
        """The fake's time source (Unix seconds); set a callable to travel in time."""
        return self.store.clock

    @clock.setter
    def clock(self, clock):
        with self._lock:
            self.store.clock = clock

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    def fail_next(
        self, path_prefix, status=500, times=1, method=None, type=None, code=None, message=None
    ):
        """Answer the next matching request(s) with a Stripe-shaped error, changing nothing."""
        error_type = type or ("api_error" if status >= 500 else "invalid_request_error")
        options = {"status": status, "type": error_type, "code": code, "message": message}
        self._add_rule(_Rule("fail", path_prefix, times, method, options))

    def delay_next(self, path_prefix, seconds, times=1, method=None, after=False):
        """Sleep before handling the next matching request(s); after=True handles it first."""
        self._add_rule(
            _Rule("delay", path_prefix, times, method, {"seconds": seconds, "after": after})
        )

    def _add_rule(self, rule):
        with self._lock:
            self._rules.append(rule)

    def _take(self, kind, method, path):
        with self._lock:
            for rule in self._rules:
                if (
                    rule.kind == kind
                    and path.startswith(rule.prefix)
                    and rule.method in (None, method)
                ):
                    rule.times -= 1
                    if rule.times <= 0:
                        self._rules.remove(rule)
                    return rule
        return None

    def calls(self, method=None, path_prefix=""):
        """Return the recorded requests with this method and path prefix."""
        with self._lock:
            return [
                r
                for r in self.requests
                if r.method == (method or r.method) and r.path.startswith(path_prefix)
            ]

    def writes(self, path_prefix=""):
        """Return the requests under a path prefix that changed state."""
        return [r for r in self.calls(path_prefix=path_prefix) if r.wrote]

    def wsgi(self, environ, start_response):
        """The WSGI entry point the loopback server calls."""
        request = Request(environ)
        with self._lock:
            self._request_ids += 1
            request_id = f"req_fake{self._request_ids:08d}"
        headers = {"Request-Id": request_id}
        if not request.path.startswith("/v1/"):
            response = self._page(request.path)
        else:
            status, body, extra = self._answer(request, request_id)
            headers.update(extra)
            headers["Stripe-Version"] = request.headers.get("Stripe-Version", self.api_version)
            response = Response(json.dumps(body, indent=2), status, mimetype="application/json")
        response.headers.update(headers)
        return response(environ, start_response)

    def _answer(self, request, request_id):
        """Return (status, body, headers) for an API request, recording it."""
        method, path = request.method, request.path
        auth = request.headers.get("Authorization", "")
        record = Recorded(
            method=method,
            path=path,
            params={},
            idempotency_key=request.headers.get("Idempotency-Key") if method in WRITES else None,
            api_key=auth[7:] if auth.startswith("Bearer ") else None,
            stripe_version=request.headers.get("Stripe-Version"),
            request_id=request_id,
        )
        with self._lock:
            self.requests.append(record)
        extra = {}
        if record.idempotency_key:
            extra["Idempotency-Key"] = record.idempotency_key
        try:
            self._authenticate(record.api_key)
            pairs = parse_qsl(request.query_string.decode(), keep_blank_values=True)
            if method in WRITES:
                pairs += parse_qsl(request.get_data(as_text=True), keep_blank_values=True)
            record.params = parse_params(pairs)
            delay = self._take("delay", method, path)
            if delay and not delay.options["after"]:
                self._stopping.wait(delay.options["seconds"])
            fault = self._take("fail", method, path)
            if fault:
                record.injected = True
                options = fault.options
                message = options["message"] or "An unknown error occurred (injected by the fake)."
                raise StripeError(
                    options["status"], message, type=options["type"], code=options["code"]
                )
            status, body, original = self._execute(record)
            if original:
                record.replayed = True
                extra.update({"Idempotent-Replayed": "true", "Original-Request": original})
            if delay and delay.options["after"]:
                self._stopping.wait(delay.options["seconds"])
        except StripeError as error:
            status, body = error.status, error.body(request_id)
        record.status = status
        return status, body, extra

    def _authenticate(self, api_key):
        if not api_key:
            raise StripeError(
                401,
                "You did not provide an API key. You need to provide your API key in the "
                "Authorization header, using Bearer auth (e.g. 'Authorization: Bearer "
                "YOUR_SECRET_KEY').",
            )
        if api_key not in self.api_keys:
            raise StripeError(401, f"Invalid API Key provided: {api_key[:8]}****{api_key[-4:]}")

    def _execute(self, record):
        """Run a request once per idempotency key; return (status, body, original request id)."""
        with self._lock:
            # Keys belong to the account, not to the API key that sent them.
            key = record.idempotency_key
            fingerprint = (record.method, record.path, record.params)
            saved = self._idempotent.get(key) if record.idempotency_key else None
            if saved is not None:
                if saved["fingerprint"] != fingerprint:
                    raise StripeError(
                        400,
                        "Keys for idempotent requests can only be used with the same parameters "
                        "they were first used with. Try using a key other than "
                        f"'{record.idempotency_key}' if you meant to execute a different request.",
                        type="idempotency_error",
                    )
                return saved["status"], copy.deepcopy(saved["body"]), saved["request_id"]
            # Any error leaves the account as it was, however far the handler got.
            before = copy.deepcopy(self.store.__dict__) if record.method in WRITES else None
            try:
                status, body = 200, dispatch(self.store, *fingerprint)
            except StripeError as error:
                if before is not None:
                    self.store.__dict__.update(before)
                if not (record.idempotency_key and error.replayable):
                    raise
                status, body = error.status, error.body(record.request_id)
            if record.idempotency_key:
                self._idempotent[key] = {
                    "fingerprint": copy.deepcopy(fingerprint),
                    "status": status,
                    "body": copy.deepcopy(body),
                    "request_id": record.request_id,
                }
            return status, body, None

    def _page(self, path):
        """Serve the pages a customer's browser would open: the portal and hosted invoices."""
        kind, _, object_id = path.strip("/").partition("/")
        table = {"portal": "portal_sessions", "hosted_invoices": "invoices"}.get(kind)
        with self._lock:
            found = getattr(self.store, table).get(object_id.split("/")[0]) if table else None
            found = copy.deepcopy(found)
        if found is None:
            return Response("Not found", 404, mimetype="text/plain")
        if kind == "portal":
            back = html.escape(found["return_url"] or "#")
            body = f"<h1>Fake billing portal</h1><p><a id='return' href='{back}'>Return</a></p>"
        else:
            body = f"<h1>Invoice {html.escape(found['id'])}</h1><p>{found['amount_due']}</p>"
        return Response(f"<!doctype html><title>Fake Stripe</title>{body}", mimetype="text/html")
