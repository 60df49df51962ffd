"""The OpenAPI document and the server agree: schemathesis drives every operation in process.

Every built-in check runs. A hook-like `prepare` gives each generated call what only the server
can mint — a signed customer token, a real session id and its bearer token, a reason and an offer
that exist, a finance user's API token — so positive cases reach the flow and the reports instead
of stopping at authentication.
"""

import itertools
import json
import zlib
from datetime import date

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from sqlalchemy import select

from saveflow.accounts import api_tokens
from saveflow.accounts.service import create_user
from saveflow.api.openapi import build_spec
from saveflow.billing.connections import connect
from saveflow.db import utcnow
from saveflow.extensions import db
from saveflow.reasons.models import Reason
from tests.conftest import make_token
from tests.saves.conftest import KEYS, WHSEC, signature

BASE = "/api/v1/sessions"
REPORTS = "/api/v1/reports/"
PENDING = "st_pending"
API_TOKEN_PENDING = "sf_pending"
MAX_EXAMPLES = 40
# schemathesis's default expectations for valid and for invalid requests.
ACCEPTED = ["2xx", "3xx", "401", "403", "404", "409", "429", "5xx"]
REJECTED = ["400", "401", "403", "404", "405", "406", "409", "415", "422", "428", "429", "5xx"]
CONFIG = {
    # Deterministic generation and no example database: the same cases on every run.
    "seed": 20240611,
    "generation": {"max-examples": MAX_EXAMPLES, "deterministic": True, "database": "none"},
    "checks": {
        "enabled": True,
        # The 16 KB body cap (documented 413) is a byte limit JSON Schema cannot state: a long
        # token plus 50 attributes of 500 characters is schema-valid and still too large.
        # 404/409 for well-formed input (an unknown offer id, a finished session) are already in
        # schemathesis's defaults; an unknown reason id (422) cannot happen because `prepare`
        # only sends the app's real reasons in positive cases.
        "positive_data_acceptance": {"expected-statuses": [*ACCEPTED, "413"]},
        "negative_data_rejection": {"expected-statuses": [*REJECTED, "413"]},
    },
}


def _keep_generated(value) -> bool:
    """Keep one generated id in four as it came, so unknown ids are exercised too."""
    return zlib.crc32(str(value).encode("utf-8", "surrogatepass")) % 4 == 0


class World:
    """Sessions opened through the real API, one per generated case, and an app on Stripe whose
    webhook secrets sign the generated events."""

    def __init__(self, app, client, record, hooks):
        self.client = client
        self.app = record
        self.hooks = hooks
        self.customers = itertools.count()
        # Reasons that need no comment, so any generated comment (or none) is acceptable.
        self.reasons = list(
            db.session.scalars(
                select(Reason.key)
                .where(Reason.app_id == record.id, Reason.follow_up != "required")
                .order_by(Reason.position)
            )
        )
        self.offer_reason = next(r for r in self.reasons if self._offers_after(r))
        # One decided session, so the reports' positive cases have rows to check against the
        # document.
        sid, bearer, offers = self.open(self.offer_reason)
        accepted = self.client.post(
            f"{BASE}/{sid}/offers/{offers[0]['id']}/accept",
            headers={"Authorization": f"Bearer {bearer}"},
        )
        assert accepted.status_code == 200, accepted.json
        finance = create_user("finance@fuzz.example", "correct horse battery", "finance", record.id)
        self.api_token = api_tokens.issue(finance, "fuzz", "test")[1]
        db.session.commit()

    def token(self) -> str:
        return make_token(self.app, customer=f"cus_fuzz_{next(self.customers)}")

    def open(self, reason: str | None = None) -> tuple[str, str, list[dict]]:
        """Start a session (and answer it) through the API; return id, bearer token, offers."""
        started = self.client.post(BASE, json={"app_id": self.app.id, "token": self.token()})
        assert started.status_code == 201, started.json
        sid, bearer = started.json["session_id"], started.json["session_token"]
        offers: list[dict] = []
        if reason:
            answered = self.client.post(
                f"{BASE}/{sid}/answer",
                json={"reason_id": reason},
                headers={"Authorization": f"Bearer {bearer}"},
            )
            assert answered.status_code == 200, answered.json
            offers = answered.json["offers"]
        return sid, bearer, offers

    def _offers_after(self, reason: str) -> bool:
        return bool(self.open(reason)[2])

    def prepare(self, case) -> None:
        """Aim a case at a real session and fill in what exists only on the server."""
        body = case.body if isinstance(case.body, dict) else None
        if case.headers and case.headers.get("Authorization") == f"Bearer {PENDING}":
            self._authenticate(case, body)
        if case.headers and case.headers.get("Authorization") == f"Bearer {API_TOKEN_PENDING}":
            case.headers["Authorization"] = f"Bearer {self.api_token}"
            if case.meta is None or case.meta.generation.mode.is_positive:
                self._report_query(case)
        if body is None or not (case.meta is None or case.meta.generation.mode.is_positive):
            return  # a negative case keeps what makes it negative
        path = case.operation.path
        if path.startswith("/webhooks/stripe/"):
            self._sign(case, body)
        elif path == BASE:
            body["app_id"], body["token"] = self.app.id, self.token()
        elif path.endswith("/answer"):
            # Reasons are each app's own data, so the document cannot enumerate them.
            body["reason_id"] = self.reasons[zlib.crc32(repr(body).encode()) % len(self.reasons)]

    def _report_query(self, case) -> None:
        """Keep a generated report query within what the server accepts together.

        The document states each parameter's form, but not that `from` ≤ `to` within 36 months
        (counting from this month when `to` is left out), nor which app ids the token may read.
        """
        query = case.query if case.query is not None else {}
        last = query.get("to") or date.today().strftime("%Y-%m")
        if "from" in query:
            year, month = (int(part) for part in str(last).split("-"))
            back = zlib.crc32(str(query["from"]).encode()) % 36
            index = year * 12 + month - 1 - back
            query["from"] = f"{index // 12:04d}-{index % 12 + 1:02d}"
            if index // 12 < 1970:
                query["from"] = last
        if "app" in query and not _keep_generated(query["app"]):
            query["app"] = self.app.id
        case.query = query

    def _sign(self, case, body: dict) -> None:
        """Sign a generated event as Stripe would, for the app's secret of the event's mode."""
        if not _keep_generated(case.path_parameters["app_id"]):
            case.path_parameters["app_id"] = self.hooks.id
        # The WSGI transport sends the body as json.dumps writes it; that is the text signed.
        secret = WHSEC["live" if body["livemode"] else "test"]
        case.headers["Stripe-Signature"] = signature(json.dumps(body), secret)

    def _authenticate(self, case, body: dict | None) -> None:
        params = case.path_parameters
        sid, bearer, offers = self.open(self.offer_reason if "offer_id" in params else None)
        if not _keep_generated(params["session_id"]):
            params["session_id"] = sid
        if "offer_id" in params and not _keep_generated(params["offer_id"]):
            params["offer_id"] = offers[0]["id"]
        case.headers["Authorization"] = f"Bearer {bearer}"
        if body is not None and "session_token" in body:
            body["session_token"] = bearer


class SessionBearer:
    """Mark where a session's bearer token goes; `World.prepare` swaps in a real one.

    Schemathesis builds some cases while collecting, before any app exists, so the session
    cannot be opened here. Going through an auth provider tells schemathesis the credentials
    are deliberate, which is what its auth checks (ignored_auth and friends) key on.
    """

    def get(self, case, ctx):
        return PENDING

    def set(self, case, data, ctx):
        case.headers = {**(case.headers or {}), "Authorization": f"Bearer {data}"}


@pytest.fixture
def world(app, demo):
    from saveflow.apps.setup import create_app_with_defaults

    hooks = create_app_with_defaults("Hooks", [], actor="test")
    db.session.commit()
    for mode in ("live", "test"):
        connect(hooks.id, mode, "stripe", KEYS[mode], WHSEC[mode], utcnow())
    db.session.commit()
    return World(app, app.test_client(), demo, hooks)


class ApiTokenBearer:
    """Mark where a user's API token goes; `World.prepare` swaps in a real one."""

    def get(self, case, ctx):
        return API_TOKEN_PENDING

    def set(self, case, data, ctx):
        case.headers = {**(case.headers or {}), "Authorization": f"Bearer {data}"}


# The document the server serves is `build_spec()` (test_meta checks the route); loading it here
# lets pytest collect one test per operation before any app exists.
schema = schemathesis.openapi.from_dict(build_spec(), config=schemathesis.Config.from_dict(CONFIG))
schema.auth().apply_to(path_regex="session_id")(SessionBearer)
schema.auth().apply_to(path_regex="^/api/v1/reports/")(ApiTokenBearer)


@schema.parametrize()
# One database per operation on purpose: each case opens its own session in it.
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
def test_server_keeps_its_openapi_promises(case, app, world):
    world.prepare(case)
    # The test's own read transaction must not hold SQLite's lock while the app writes.
    db.session.rollback()
    # Every request, the checks' own probes included, goes to this test's app in process.
    case.operation.schema.app = case.operation.app = app
    case.call_and_validate()
