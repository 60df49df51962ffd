"""The public widget API v1: thin views over the session state machine."""

import hashlib
import hmac
from base64 import urlsafe_b64encode
from functools import cache, wraps

from flask import Blueprint, current_app, g, jsonify, request
from marshmallow import Schema
from sqlalchemy import bindparam, select

from saveflow import text
from saveflow.apps.models import App
from saveflow.db import single_statement_writes, utcnow, will_write
from saveflow.domain_errors import BillingFailed
from saveflow.errors import APIError
from saveflow.extensions import db
from saveflow.security import limits
from saveflow.sessions import flow, outcomes, reads, state, tokens
from saveflow.sessions.models import Session
from saveflow.sessions.schemas import AbandonSchema, AnswerSchema, EmptySchema, StartSchema
from saveflow.sessions.setup_cache import app_at

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


@cache
def _session_query(for_update: bool, with_history: str | None):
    # Built once per kind: constructing the ORM select costs more than running it.
    # The app's stamp only: its row comes from the process cache (see setup_cache.app_at).
    query = select(Session, App.config_version).join(App, App.id == Session.app_id)
    if with_history:  # the dialect's name: the JSON aggregate differs
        query = query.add_columns(reads.offer_history_column(with_history))
    query = query.where(Session.id == bindparam("session_id"))
    return query.with_for_update(of=Session) if for_update else query


def load_session(
    token: str | None = None, lock: bool = True, with_history: bool = False
) -> tuple[App, Session, dict | None]:
    """Return the app and session named in the URL, checking its bearer token and the origin.

    The token is checked before the database is touched: it is derived from the session id, so a
    wrong token and an id that does not exist get the same 401 and ids cannot be probed. With
    `lock`, the session row is locked (FOR UPDATE on PostgreSQL; on SQLite the writing request
    already holds the write lock), so calls on one session run one at a time.
    """
    session_id = request.view_args["session_id"]  # type: ignore[index]
    expected = session_token(session_id).encode()
    if not hmac.compare_digest(expected, _bearer(token).encode("utf-8", "replace")):
        raise APIError(
            401, "The session token does not match this session.", code="invalid_session_token"
        )
    # SQLite has no row locks: a writing request's transaction began with BEGIN IMMEDIATE and
    # so already holds the database's write lock (see saveflow.db.will_write).
    dialect = db.session.get_bind().dialect.name
    query = _session_query(lock and dialect != "sqlite", dialect if with_history else None)
    row = db.session.execute(query, {"session_id": session_id}).first()
    if row is None:  # only a valid token for a session that no longer exists
        raise APIError(404, "No such session.")
    session, config_version = row[0], row[1]
    history = reads.parse_offer_history(row[2]) if with_history else None
    app = app_at(session.app_id, config_version)
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
    return app, session, history


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


# Schemas hold no per-call state, so one instance each serves every request.
START, ANSWER, EMPTY, ABANDON = StartSchema(), AnswerSchema(), EmptySchema(), AbandonSchema()


@bp.post("")
def start():
    data = START.load(json_body())
    # A start reads, then writes the session with its first event in one statement (see
    # flow.start): that statement is the whole write, so it needs no enclosing transaction.
    single_statement_writes(db.session)
    app, replay = reads.app_and_replay(data["app_id"], data["token"])
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
            replay,
            current_app.config["SAVEFLOW_TOKEN_MAX_TTL"],
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
    app, session, _ = load_session(lock=False)
    payload = state.payload(session, app, utcnow())
    db.session.commit()
    return jsonify(payload)


def session_call(
    schema: Schema,
    token_field: str | None = None,
    with_history: bool = False,
    guarded_write: bool = False,
):
    """Make a view of a call on one session: parse the body, lock and check the session, run the
    domain function, commit, reply. The view receives (app, session, data, now, **url values)."""

    def wrap(fn):
        @wraps(fn)
        def view(session_id, **values):
            data = schema.load(json_body())
            token = data.get(token_field) if token_field else None
            if guarded_write:
                # The call's one write guards itself with a compare-and-set (see
                # events.append_events), so on PostgreSQL it needs no transaction or row lock.
                single_statement_writes(db.session)
            app, session, history = load_session(
                token=token, lock=not guarded_write, with_history=with_history
            )
            if with_history:
                values["history"] = history
            try:
                result = fn(app, session, data, utcnow(), **values)
            except BillingFailed:
                db.session.commit()  # the failure's event: the session itself stays as it was
                raise
            db.session.commit()
            return jsonify(result)

        return view

    return wrap


@bp.post("/<session_id>/answer")
@session_call(ANSWER, with_history=True, guarded_write=True)
def answer(app, session, data, now, history):
    return flow.answer(app, session, data["reason_id"], data["comment"], now, history)


@bp.post("/<session_id>/offers/<offer_id>/accept")
@session_call(EMPTY)
def accept(app, session, data, now, offer_id):
    return outcomes.accept(app, session, offer_id, now)


@bp.post("/<session_id>/offers/<offer_id>/decline")
@session_call(EMPTY)
def decline(app, session, data, now, offer_id):
    return flow.decline(app, session, offer_id, now)


@bp.post("/<session_id>/withdraw")
@session_call(EMPTY)
def withdraw(app, session, data, now):
    return outcomes.withdraw(app, session, now)


@bp.post("/<session_id>/cancel")
@session_call(EMPTY)
def cancel(app, session, data, now):
    return outcomes.cancel(app, session, now)


@bp.post("/<session_id>/recovery")
@session_call(EMPTY)
def recovery(app, session, data, now):
    return flow.recovery_opened(session, now)


# navigator.sendBeacon cannot set headers, so the token may travel in the body.
@bp.post("/<session_id>/abandon")
@session_call(ABANDON, token_field="session_token")
def abandon(app, session, data, now):
    return outcomes.abandon(app, session, now, why=data["why"])
