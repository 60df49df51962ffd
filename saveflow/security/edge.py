"""The HTTP edge: proxies, unstorable path ids, response headers and log lines that cannot lie."""

import logging

from flask import Flask, request
from werkzeug.middleware.proxy_fix import ProxyFix

from saveflow import text
from saveflow.errors import APIError


def init_app(app: Flask) -> None:
    """Wire the edge protections into an app."""
    hops = app.config.get("SAVEFLOW_PROXY_HOPS") or 0
    if hops:
        # Only as many X-Forwarded-* hops as there really are proxies: more would let a client
        # choose its own address (and so its rate-limit key) or scheme.
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops, x_port=hops
        )
    app.url_value_preprocessor(refuse_unstorable_ids)
    app.after_request(secure_headers)
    escape = EscapeControlCharacters()
    for logger in (app.logger, logging.getLogger("werkzeug"), logging.getLogger("gunicorn.error")):
        if not any(isinstance(f, EscapeControlCharacters) for f in logger.filters):
            logger.addFilter(escape)


def refuse_unstorable_ids(_endpoint, values) -> None:
    """A path id with NUL or a lone surrogate cannot name anything: 404 on every route."""
    if values and not all(text.is_clean(v) for v in values.values() if isinstance(v, str)):
        raise APIError(404, "Not found.")


def secure_headers(response):
    """Headers every response carries; API responses are never cached (they hold tokens)."""
    response.headers["X-Content-Type-Options"] = "nosniff"
    if request.path.startswith("/api/"):
        response.headers["Cache-Control"] = "no-store"
    if request.is_secure:
        from flask import current_app

        seconds = current_app.config.get("SAVEFLOW_HSTS_SECONDS", 31536000)
        response.headers["Strict-Transport-Security"] = f"max-age={seconds}; includeSubDomains"
    return response


def printable(value) -> str:
    """Return a value as text with control characters escaped, safe to put on one log line."""
    raw = value if isinstance(value, str) else str(value)
    if raw.isprintable():
        return raw
    return "".join(ch if ch.isprintable() else ch.encode("unicode_escape").decode() for ch in raw)


class EscapeControlCharacters(logging.Filter):
    """Escape control characters in a record's arguments, so a crafted URL cannot forge lines."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(printable(a) if isinstance(a, str) else a for a in record.args)
        elif isinstance(record.args, dict):
            record.args = {
                k: printable(v) if isinstance(v, str) else v for k, v in record.args.items()
            }
        if isinstance(record.msg, str) and not record.args:
            record.msg = printable(record.msg)
        return True
