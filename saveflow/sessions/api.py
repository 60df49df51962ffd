"""The public widget API v1: thin views over the session state machine."""

import hashlib
import hmac
from base64 import urlsafe_b64encode

from flask import Blueprint, current_app, g, jsonify, request
from sqlalchemy import select, update

from saveflow import text
from saveflow.apps.models import App
from saveflow.db import utcnow, will_write
from saveflow.errors import APIError
from saveflow.extensions import db
from saveflow.security import limits
from saveflow.sessions import flow, outcomes, state, tokens
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


def _own_origin() -> str:
    return request.host_url.rstrip("/")


def _origin_allowed(app: App, origin: str | None) -> bool:
    # No Origin: a server calling. Our own origin: the hosted flow page in its iframe.
    return origin is None or origin == _own_origin() or origin in (app.allowed_origins or [])


def _check_origin(app: App) -> None:
    origin = request.headers.get("Origin")
    if not _origin_allowed(app, origin):
        raise APIError(403, f"Origin {origin} is not allowed for this app.", code="origin")
    g.cors_origins = app.allowed_origins or []


def _bearer(token: str | None) -> str:
    if token is not None:
        return token
    header = request.headers.get("Authorization", "")
    if not header.startswith("Bearer "):
        raise APIError(
            401,
            "Send the session token as `Authorization: Bearer <token>`.",
            code="missing_session_token",
        )
    return header[len("Bearer ") :].strip()


def load_session(token: str | None = None, lock: bool = True) -> tuple[App, Session]:
    """Return the app and session named in the URL, checking its bearer token and the origin.

    The token is checked before the database is touched: it is derived from the session id, so a
    wrong token and an id that does not exist get the same 401 and ids cannot be probed. With
    `lock`, the session row is locked first (FOR UPDATE on PostgreSQL, the write lock on
    SQLite), so calls on one session run one at a time.
    """
    session_id = request.view_args["session_id"]  # type: ignore[index]
    expected = session_token(session_id).encode()
    if not hmac.compare_digest(expected, _bearer(token).encode("utf-8", "replace")):
        raise APIError(
            401, "The session token does not match this session.", code="invalid_session_token"
        )
    query = select(Session, App).join(App, App.id == Session.app_id)
    query = query.where(Session.id == session_id)
    if lock:
        if db.session.get_bind().dialect.name == "sqlite":
            # SQLite has no row locks: a write takes the database's write lock up front.
            db.session.execute(
                update(Session).where(Session.id == session_id).values(event_seq=Session.event_seq)
            )
        else:
            query = query.with_for_update(of=Session)
    row = db.session.execute(query).first()
    if row is None:  # only a valid token for a session that no longer exists
        raise APIError(404, "No such session.")
    session, app = row
    now = utcnow()
    ttl = current_app.config["SAVEFLOW_SESSION_TOKEN_TTL"]
    if (now - session.last_seen_at).total_seconds() > ttl:
        raise APIError(
            401,
            "This session token has expired; start again with a fresh customer token.",
            code="session_token_expired",
        )
    _check_origin(app)
    if session.is_open:
        # Activity keeps an open session's token alive; a decided one only replays and reads.
        session.last_seen_at = now
    return app, session


@bp.after_request
def cors(response):
    origin = request.headers.get("Origin")
    if not origin:
        return response
    if request.method == "OPTIONS":
        # Every origin gets the same preflight answer, so preflights reveal no tenant's origins;
        # the real call is refused with 403 unless the origin belongs to the session's app.
        allowed = True
    else:
        allowed = origin in (getattr(g, "cors_origins", None) or [])
    if allowed:
        response.headers["Access-Control-Allow-Origin"] = origin
        response.headers["Access-Control-Allow-Headers"] = "Authorization, Content-Type"
        response.headers["Access-Control-Allow-Methods"] = "GET, POST, OPTIONS"
        response.headers["Access-Control-Max-Age"] = "600"
        response.vary.add("Origin")
    return response


@bp.post("")
def start():
    data = StartSchema().load(json_body())
    app = db.session.get(App, data["app_id"])
    if app is None:
        raise APIError(404, "Unknown app.", code="unknown_app")
    _check_origin(app)
    limits.refuse_locked_address(app.id)
    now = utcnow()
    try:
        session, created = flow.start(
            app,
            data["token"],
            data["locale"],
            data["attributes"],
            request.headers.get("Accept-Language"),
            now,
        )
    except tokens.InvalidToken:
        db.session.rollback()
        limits.token_failed(app.id)
        raise
    payload = {"session_token": session_token(session.id), **state.payload(session, app, now)}
    db.session.commit()
    return jsonify(payload), 201 if created else 200


@bp.get("/<session_id>")
def get_state(session_id):
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
