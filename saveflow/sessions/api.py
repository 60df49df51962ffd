"""The public widget API v1 (SPEC §5): thin views over the session state machine."""

import hashlib
import hmac
from base64 import urlsafe_b64encode

from flask import Blueprint, current_app, g, jsonify, request
from sqlalchemy import select, update

from saveflow import text
from saveflow.apps.models import App
from saveflow.db import utcnow
from saveflow.errors import APIError
from saveflow.extensions import db
from saveflow.sessions import flow, outcomes, state
from saveflow.sessions.models import Session
from saveflow.sessions.schemas import AbandonSchema, AnswerSchema, EmptySchema, StartSchema

bp = Blueprint("sessions_api", __name__, url_prefix="/api/v1/sessions")


def session_token(session_id: str) -> str:
    """Return the bearer token of a session, derived from the server secret."""
    key = current_app.config["SECRET_KEY"].encode()
    mac = hmac.new(key, f"session:{session_id}".encode(), hashlib.sha256).digest()
    return "st_" + urlsafe_b64encode(mac).rstrip(b"=").decode()


def json_body() -> dict:
    """Parse the body as a JSON object whatever its content type (sendBeacon sends text)."""
    raw = request.get_data(cache=True)
    if not raw.strip():
        return {}
    try:
        body = text.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise APIError(400, "The request body is not valid JSON.") from None
    if not isinstance(body, dict):
        raise APIError(400, "The request body must be a JSON object.")
    return body


def _origin_allowed(app: App, origin: str | None) -> bool:
    same_origin = request.host_url.rstrip("/")
    return origin is None or origin == same_origin or origin in (app.allowed_origins or [])


def load_session(token: str | None = None, lock: bool = True) -> tuple[App, Session]:
    """Return the app and session named in the URL, checking the session's bearer token.

    With `lock`, the session row is write-locked first (a no-op UPDATE takes the row lock on
    PostgreSQL and the write lock on SQLite), so calls on one session run one at a time.
    """
    session_id = request.view_args["session_id"]
    if token is None:
        header = request.headers.get("Authorization", "")
        if not header.startswith("Bearer "):
            raise APIError(401, "Send the session token as `Authorization: Bearer <token>`.")
        token = header[len("Bearer ") :].strip()
    if lock:
        db.session.execute(
            update(Session).where(Session.id == session_id).values(event_seq=Session.event_seq)
        )
    session = db.session.scalar(select(Session).where(Session.id == session_id))
    # A wrong token and an unknown id look the same, so ids cannot be probed.
    expected = session_token(session.id).encode() if session else b""
    if session is None or not hmac.compare_digest(expected, token.encode("utf-8", "replace")):
        raise APIError(404, "No such session.")
    app = db.session.get(App, session.app_id)
    g.cors_origins = app.allowed_origins or []
    session.last_seen_at = utcnow()
    return app, session


@bp.url_value_preprocessor
def refuse_unstorable_ids(_endpoint, values):
    # A NUL or lone surrogate in a path id cannot name anything; PostgreSQL would refuse it.
    if values and not all(text.is_clean(v) for v in values.values() if isinstance(v, str)):
        raise APIError(404, "No such session.")


@bp.after_request
def cors(response):
    origin = request.headers.get("Origin")
    allowed = getattr(g, "cors_origins", None)
    if allowed is None and request.method == "OPTIONS":
        allowed = _preflight_origins()
    if origin and allowed and origin in allowed:
        response.headers["Access-Control-Allow-Origin"] = origin
        response.headers["Access-Control-Allow-Headers"] = "Authorization, Content-Type"
        response.headers["Access-Control-Allow-Methods"] = "GET, POST, OPTIONS"
        response.headers["Access-Control-Max-Age"] = "600"
        response.vary.add("Origin")
    return response


def _preflight_origins() -> list[str]:
    """Origins a preflight is answered for: any app's, so a preflight reveals no session."""
    return sorted(
        {o for origins in db.session.scalars(select(App.allowed_origins)) for o in origins or []}
    )


@bp.post("")
def start():
    data = StartSchema().load(json_body())
    app = db.session.get(App, data["app_id"])
    if app is None:
        raise APIError(404, "Unknown app.", code="unknown_app")
    origin = request.headers.get("Origin")
    if not _origin_allowed(app, origin):
        raise APIError(403, f"Origin {origin} is not allowed for this app.", code="origin")
    g.cors_origins = app.allowed_origins or []
    now = utcnow()
    session, created = flow.start(
        app,
        data["token"],
        data["locale"],
        data["attributes"],
        request.headers.get("Accept-Language"),
        now,
    )
    payload = {"session_token": session_token(session.id), **state.payload(session, app, now)}
    db.session.commit()
    return jsonify(payload), 201 if created else 200


@bp.get("/<session_id>")
def get_state(session_id):
    from saveflow.db import will_write  # (kept inside: this file's imports are being reworked)

    will_write()  # a GET, but it stamps last_seen_at: take SQLite's write lock from the start
    app, session = load_session(lock=False)
    payload = state.payload(session, app, utcnow())
    db.session.commit()
    return jsonify(payload)


@bp.post("/<session_id>/answer")
def answer(session_id):
    data = AnswerSchema().load(json_body())
    app, session = load_session()
    result = flow.answer(app, session, data["reason_id"], data["comment"], utcnow())
    db.session.commit()
    return jsonify(result)


@bp.post("/<session_id>/offers/<offer_id>/accept")
def accept(session_id, offer_id):
    EmptySchema().load(json_body())
    app, session = load_session()
    result = outcomes.accept(app, session, offer_id, utcnow())
    db.session.commit()
    return jsonify(result)


@bp.post("/<session_id>/offers/<offer_id>/decline")
def decline(session_id, offer_id):
    EmptySchema().load(json_body())
    app, session = load_session()
    result = flow.decline(app, session, offer_id, utcnow())
    db.session.commit()
    return jsonify(result)


@bp.post("/<session_id>/withdraw")
def withdraw(session_id):
    EmptySchema().load(json_body())
    app, session = load_session()
    result = outcomes.withdraw(app, session, utcnow())
    db.session.commit()
    return jsonify(result)


@bp.post("/<session_id>/cancel")
def cancel(session_id):
    EmptySchema().load(json_body())
    app, session = load_session()
    result = outcomes.cancel(app, session, utcnow())
    db.session.commit()
    return jsonify(result)


@bp.post("/<session_id>/recovery")
def recovery(session_id):
    EmptySchema().load(json_body())
    _app, session = load_session()
    result = flow.recovery_opened(session, utcnow())
    db.session.commit()
    return jsonify(result)


@bp.post("/<session_id>/abandon")
def abandon(session_id):
    # navigator.sendBeacon cannot set headers, so the token may travel in the body.
    data = AbandonSchema().load(json_body())
    app, session = load_session(token=data.get("session_token"))
    result = outcomes.abandon(app, session, utcnow(), why=data["why"])
    db.session.commit()
    return jsonify(result)
