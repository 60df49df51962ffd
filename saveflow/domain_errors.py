"""Errors the domain raises; `saveflow.errors` maps each kind to an HTTP status at the edge."""


class DomainError(Exception):
    """A request the domain refuses, with a stable machine-readable code."""

    code = "error"

    def __init__(self, message: str, code: str | None = None, errors: dict | None = None):
        super().__init__(message)
        self.message = message
        if code:
            self.code = code
        self.errors = errors or {}


class NotFound(DomainError):
    """The thing named does not exist (for this app)."""

    code = "not_found"


class Invalid(DomainError):
    """The values given break a rule; `errors` says which, per field."""

    code = "validation_error"


class SessionConflict(DomainError):
    """The session's state does not allow this call (any more)."""

    code = "conflict"


class InvalidToken(DomainError):
    """A customer token that is malformed, forged, expired or for another app."""

    code = "invalid_token"


class BillingFailed(DomainError):
    """The billing provider refused or failed the change; nothing was booked."""

    code = "billing_failed"


class BillingUnavailable(BillingFailed):
    """The billing provider did not answer in time or could not be reached."""

    code = "billing_unavailable"


class InvalidWebhook(DomainError):
    """A webhook body that is not a recent event signed by the provider for this app."""

    code = "invalid_webhook"


class Forbidden(DomainError):
    """The caller is known but may not see or do this."""

    code = "forbidden"


class BadQuery(DomainError):
    """Query parameters that are malformed or out of range; `errors` says which, per parameter."""

    code = "bad_request"
