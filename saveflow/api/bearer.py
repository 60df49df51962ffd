"""Per-user API tokens at the edge: the caller's user id, or 401 with `WWW-Authenticate`."""

from datetime import datetime

from flask import request

from saveflow.accounts import api_tokens
from saveflow.db import utcnow, will_write
from saveflow.errors import APIError
from saveflow.extensions import db
from saveflow.security import counts

CHALLENGE = 'Bearer realm="saveflow"'


def _refused(message: str, code: str, challenge: str) -> APIError:
    return APIError(401, message, code=code, headers={"WWW-Authenticate": challenge})


def api_user_id() -> int:
    """Return the id of the user whose API token the request carries, stamping its use."""
    scheme, _, presented = request.headers.get("Authorization", "").partition(" ")
    presented = presented.strip()
    if scheme.lower() != "bearer" or not presented:
        raise _refused(
            "Send an API token as `Authorization: Bearer sf_…`.", "missing_api_token", CHALLENGE
        )
    found = api_tokens.authenticate(presented)
    if found is None:
        counts.note(None, "token_failed")
        raise _refused(
            "This API token is not valid: unknown, revoked, or its owner is switched off.",
            "invalid_api_token",
            CHALLENGE + ', error="invalid_token"',
        )
    token, user = found
    user_id = user.id  # read before the stamp's rollback expires the row
    if api_tokens.touch_due(token.last_used_at, utcnow()):
        _stamp(token.id, utcnow())
    return user_id


def _stamp(token_id: int, now: datetime) -> None:
    # A GET reads in a transaction that began deferred on SQLite; one that turns into a write
    # after another writer committed fails at once instead of waiting. So the read ends here and
    # the stamp takes the write lock in a transaction of its own, then reading resumes.
    db.session.rollback()
    will_write(True)
    try:
        api_tokens.touch(token_id, now)
        db.session.commit()
    finally:
        will_write(False)
