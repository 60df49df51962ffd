"""One JSON error shape for the API: {"code", "status", "message", "errors"}."""

import contextlib

from flask import Flask, jsonify, request
from marshmallow import ValidationError
from sqlalchemy import exc as sa_exc
from werkzeug.exceptions import HTTPException, MethodNotAllowed

from saveflow.domain_errors import (
    BadQuery,
    BillingFailed,
    BillingUnavailable,
    DomainError,
    Forbidden,
    Invalid,
    InvalidToken,
    InvalidWebhook,
    NotFound,
    SessionConflict,
)

# Stable machine-readable codes for the HTTP statuses the API uses.
CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "validation_error",
    429: "rate_limited",
    500: "internal_error",
    502: "billing_unavailable",
    503: "database_unavailable",
}

# The HTTP status of each kind of domain error; the most specific class listed wins.
DOMAIN_STATUS: dict[type[DomainError], int] = {
    NotFound: 404,
    Forbidden: 403,
    BadQuery: 400,
    Invalid: 422,
    SessionConflict: 409,
    InvalidToken: 401,
    InvalidWebhook: 400,
    BillingFailed: 502,
    BillingUnavailable: 503,
}

# Errors that mean the database cannot be reached or did not answer in time, not a bad request.
DATABASE_UNAVAILABLE = (sa_exc.OperationalError, sa_exc.InterfaceError, sa_exc.TimeoutError)


class APIError(Exception):
    """An error the API reports to its caller in the shared JSON shape."""

    def __init__(
        self,
        status: int,
        message: str,
        code: str | None = None,
        errors=None,
        headers: dict | None = None,
    ):
        super().__init__(message)
        self.status = status
        self.message = message
        self.code = code or CODES.get(status, "error")
        self.errors = errors or {}
        self.headers = headers or {}


def error_body(status: int, message: str, code: str | None = None, errors=None) -> dict:
    """Build the shared error document."""
    return {
        "code": code or CODES.get(status, "error"),
        "status": status,
        "message": message,
        "errors": errors or {},
    }


def _respond(status, message, code=None, errors=None, headers=None):
    response = jsonify(error_body(status, message, code, errors))
    response.status_code = status
    response.headers.update(headers or {})
    return response


def register_error_handlers(app: Flask) -> None:
    """Answer every error with the JSON shape, including Werkzeug's own."""

    @app.errorhandler(APIError)
    def api_error(exc: APIError):
        return _respond(exc.status, exc.message, exc.code, exc.errors, exc.headers)

    @app.errorhandler(DomainError)
    def domain_error(exc: DomainError):
        status = next((DOMAIN_STATUS[k] for k in type(exc).__mro__ if k in DOMAIN_STATUS), 400)
        headers = {"Retry-After": "5"} if status == 503 else None
        return _respond(status, exc.message, exc.code, exc.errors, headers)

    @app.errorhandler(ValidationError)
    def validation_error(exc: ValidationError):
        messages = exc.messages if isinstance(exc.messages, dict) else {"_schema": exc.messages}
        return _respond(422, "The request body is not valid.", errors=messages)

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        status = exc.code or 500
        if status == 413:
            limit = request.max_content_length  # a route may allow more than the default
            return _respond(413, f"The request body is larger than {limit} bytes.")
        if status == 429:
            return _respond(429, f"Too many requests ({exc.description}); slow down and retry.")
        headers = {}
        if isinstance(exc, MethodNotAllowed) and exc.valid_methods:
            headers["Allow"] = ", ".join(exc.valid_methods)
        return _respond(status, exc.description or exc.name, headers=headers)

    def database_unavailable(exc: Exception):
        from saveflow.extensions import db

        with contextlib.suppress(*DATABASE_UNAVAILABLE):  # a lost connection has nothing to undo
            db.session.rollback()
        # The class only: the message of a database error can quote SQL text.
        app.logger.warning(
            "Database unavailable on %s %s: %s", request.method, request.path, type(exc).__name__
        )
        return _respond(
            503,
            "The database is not answering; nothing was changed. Try again shortly.",
            headers={"Retry-After": "5"},
        )

    for error in DATABASE_UNAVAILABLE:
        app.register_error_handler(error, database_unavailable)

    @app.errorhandler(Exception)
    def unexpected(exc: Exception):
        app.logger.exception("Unhandled error on %s %s", request.method, request.path)
        return _respond(500, "Something went wrong on our side; nothing was changed.")
