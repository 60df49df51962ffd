"""Rate limits (Flask-Limiter): per address and per app on starts, per session on session calls,
per app (only) on billing webhooks, per API token and per address on the reports API.

Counters live in Redis when REDIS_URL is set, so every web node shares them, and in process
memory otherwise. Failed customer-token checks have limits of their own: an address that fails
too often is refused before its tokens are checked, while an app under a forged-token flood keeps
serving customers whose tokens are good (a forger must not be able to lock an app out).
"""

import time
from typing import Any, cast

from flask import Flask, current_app, request
from flask.typing import RouteCallable
from flask_limiter import Limiter, RequestLimit
from limits import RateLimitItem, parse

from saveflow import text
from saveflow.errors import APIError
from saveflow.security import counts

# Session calls share one budget per session; the bearer token itself is checked in the view.
SESSION_CALLS = (
    "get_state",
    "answer",
    "accept",
    "decline",
    "withdraw",
    "cancel",
    "recovery",
    "abandon",
)


def client_ip() -> str:
    """The caller's address (ProxyFix, when configured, has already applied X-Forwarded-For)."""
    return request.remote_addr or "-"


def _body_app_id() -> str | None:
    try:
        body = text.loads(request.get_data(cache=True) or b"{}")
    except (ValueError, UnicodeDecodeError):
        return None
    app_id = body.get("app_id") if isinstance(body, dict) else None
    return app_id[:40] if isinstance(app_id, str) else None


def app_hint() -> str | None:
    """The app a request names, when it names one without a database read."""
    view_args = request.view_args or {}
    if "app_id" in view_args:
        return view_args["app_id"]
    if request.endpoint == "sessions_api.start":
        return _body_app_id()
    return None


def _app_key() -> str:
    return f"app:{_body_app_id() or '-'}"


def _webhook_key() -> str:
    return f"webhooks:{(request.view_args or {}).get('app_id', '-')}"


def _session_key() -> str:
    return f"session:{(request.view_args or {}).get('session_id', '-')}"


def _api_token_key() -> str:
    # The token's public prefix, read without the database; a made-up prefix gains nothing, as
    # the per-address limit counts every call too.
    presented = request.headers.get("Authorization", "").partition(" ")[2].strip()
    prefix = presented.split("_")[1][:16] if presented.startswith("sf_") else "-"
    return f"api-token:{prefix or '-'}"


def _setting(name: str):
    return lambda: current_app.config[name]


def _on_breach(limit: RequestLimit) -> None:
    counts.note(app_hint(), "rate_limited")


def init_limits(app: Flask) -> None:
    """Give an app its own limiter and put limits on the public routes."""
    cfg = app.config
    redis_url = cfg.get("REDIS_URL")
    # A slow Redis must not slow every request: short socket timeouts, then fail open on a
    # per-process memory store until Redis answers again. These are the storage's Redis client
    # kwargs (floats included, whatever Flask-Limiter's `str | int` annotation says).
    storage_options: dict[str, Any] = (
        {"socket_timeout": 0.5, "socket_connect_timeout": 0.5} if redis_url else {}
    )
    limiter = Limiter(
        key_func=client_ip,
        default_limits=[_setting("SAVEFLOW_LIMIT_DEFAULT")],
        headers_enabled=True,
        strategy="moving-window",
        storage_uri=redis_url or "memory://",
        storage_options=storage_options,
        swallow_errors=True,
        in_memory_fallback_enabled=bool(redis_url),
        on_breach=_on_breach,
        enabled=bool(cfg.get("SAVEFLOW_RATE_LIMITS", True)),
        key_prefix=cfg.get("RATELIMIT_KEY_PREFIX", "saveflow"),
    )
    limiter.init_app(app)
    app.extensions["saveflow_limiter"] = limiter
    # Flask-Limiter checks route limits in a wrapper around the view, so the wrapped views
    # replace the registered ones (stacked limits are checked once, by the innermost wrapper).
    views = app.view_functions

    def limit(endpoint: str, setting: str, key_func, **options) -> None:
        decorate = limiter.limit(_setting(setting), key_func=key_func, **options)
        # The decorator keeps the view's signature, but given Flask's sync | async view union
        # its generic overload infers one merged callable type, so restate the view type.
        views[endpoint] = cast(RouteCallable, decorate(views[endpoint]))

    limit("sessions_api.start", "SAVEFLOW_LIMIT_STARTS_PER_IP", client_ip)
    limit("sessions_api.start", "SAVEFLOW_LIMIT_STARTS_PER_APP", _app_key)
    for name in SESSION_CALLS:
        # override_defaults=False: the per-address default applies as well.
        limit(
            f"sessions_api.{name}",
            "SAVEFLOW_LIMIT_SESSION_CALLS",
            _session_key,
            override_defaults=False,
        )
    limit("widget.flow_page", "SAVEFLOW_LIMIT_FLOW_PAGES", client_ip)
    # Stripe delivers every app's events from a handful of addresses, so a per-address limit
    # would let one busy app starve the others: webhooks are limited per app instead.
    limit("stripe_webhooks.receive", "SAVEFLOW_LIMIT_WEBHOOKS_PER_APP", _webhook_key)
    limit("reports_api.saved_revenue", "SAVEFLOW_LIMIT_REPORTS_PER_IP", client_ip)
    limit("reports_api.saved_revenue", "SAVEFLOW_LIMIT_REPORTS_PER_TOKEN", _api_token_key)
    # Password guessing: sign-in posts are limited per address (showing the form is not).
    limit("admin.login", "SAVEFLOW_LIMIT_ADMIN_LOGINS", client_ip, methods=["POST"])
    app.after_request(counts.flush_due)


def _limiter() -> Limiter | None:
    limiter = current_app.extensions.get("saveflow_limiter")
    return limiter if limiter is not None and limiter.enabled else None


def _failure_limits(app_id: str) -> list[tuple[RateLimitItem, tuple[str, ...]]]:
    prefix = current_app.config.get("RATELIMIT_KEY_PREFIX", "saveflow")
    cfg = current_app.config
    return [
        (
            parse(cfg["SAVEFLOW_LIMIT_TOKEN_FAILURES_PER_IP"]),
            (prefix, "token-failures-ip", client_ip()),
        ),
        (
            parse(cfg["SAVEFLOW_LIMIT_TOKEN_FAILURES_PER_APP"]),
            (prefix, "token-failures-app", app_id),
        ),
    ]


def _too_many(limiter: Limiter, item: RateLimitItem, keys: tuple[str, ...]) -> APIError:
    reset = limiter.limiter.get_window_stats(item, *keys).reset_time
    retry = max(1, int(reset - time.time()) + 1)
    return APIError(
        429,
        f"Too many failed token checks ({item}); retry in {retry} seconds.",
        code="rate_limited",
        headers={"Retry-After": str(retry)},
    )


def refuse_locked_address(app_id: str) -> None:
    """Refuse, before any token check, an address that failed too many token checks."""
    limiter = _limiter()
    if limiter is None:
        return
    item, keys = _failure_limits(app_id)[0]
    try:
        locked = not limiter.limiter.test(item, *keys)
    except Exception:  # noqa: BLE001  (a dead Redis fails open, as Flask-Limiter does)
        current_app.logger.warning("rate-limit storage unavailable; token-failure check skipped")
        return
    if locked:
        counts.note(app_id, "rate_limited")
        raise _too_many(limiter, item, keys)


def token_failed(app_id: str) -> None:
    """Count a failed token check; past a limit, answer 429 instead of the 401."""
    counts.note(app_id, "token_failed")
    limiter = _limiter()
    if limiter is None:
        return
    for item, keys in _failure_limits(app_id):
        try:
            within = limiter.limiter.hit(item, *keys)
        except Exception:  # noqa: BLE001
            current_app.logger.warning("rate-limit storage unavailable; token failure not counted")
            return
        if not within:
            counts.note(app_id, "rate_limited")
            raise _too_many(limiter, item, keys)
