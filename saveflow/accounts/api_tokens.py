"""Per-user API tokens: made once and shown once, stored as a digest, checked, revoked.

A token reads `sf_<prefix>_<secret>`: the prefix (8 hex digits) finds the row by index and tells
people which token is which; the secret (`secrets.token_urlsafe(32)`, 256 bits) is kept only as
its SHA-256 digest. A plain hash is enough for a random secret this long: there is nothing to
guess from it, so the slow hashes passwords need would only cost every API call.
"""

import hashlib
import hmac
import re
import secrets
from datetime import datetime, timedelta

from sqlalchemy import select, update

from saveflow.accounts.models import ApiToken, User
from saveflow.accounts.service import visible_apps
from saveflow.apps.audit import audit
from saveflow.domain_errors import Invalid, NotFound
from saveflow.extensions import db

SCHEME = "sf"
# What `issue` makes; anything else is refused before the database is asked.
SHAPE = re.compile(r"sf_([0-9a-f]{8})_([A-Za-z0-9_-]{43})")
NAME_LIMIT = 100
DEFAULT_NAME = "API token"
# `last_used_at` is written at most this often per token, so a busy script costs no write per call.
TOUCH_EVERY = timedelta(minutes=1)


def digest_of(secret: str) -> str:
    """Return the stored form of a token's secret: its SHA-256, in hex."""
    return hashlib.sha256(secret.encode()).hexdigest()


def _clean_name(name: str | None) -> str:
    cleaned = " ".join((name or "").split()) or DEFAULT_NAME
    if len(cleaned) > NAME_LIMIT or not cleaned.isprintable():
        raise Invalid(
            "The token's name is not valid.",
            errors={"name": [f"Use up to {NAME_LIMIT} printable characters."]},
        )
    return cleaned


def _new_prefix() -> str:
    while True:
        prefix = secrets.token_hex(4)
        if db.session.scalar(select(ApiToken.id).where(ApiToken.prefix == prefix)) is None:
            return prefix


def issue(user: User, name: str | None, actor: str) -> tuple[ApiToken, str]:
    """Make a token for the user (the caller commits); return it and the one-time full token."""
    if not user.active:
        raise Invalid(
            "This account is switched off.", errors={"user": ["Switch the account on first."]}
        )
    secret = secrets.token_urlsafe(32)
    token = ApiToken(
        user_id=user.id, name=_clean_name(name), prefix=_new_prefix(), digest=digest_of(secret)
    )
    db.session.add(token)
    db.session.flush()
    _audit(user, actor, "api_token.created", token, before=None, after="active")
    return token, f"{SCHEME}_{token.prefix}_{secret}"


def tokens_of(user_id: int) -> list[ApiToken]:
    """Return the user's tokens, newest first, revoked ones included."""
    return list(
        db.session.scalars(
            select(ApiToken)
            .where(ApiToken.user_id == user_id)
            .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
        )
    )


def parse_prefix(text: str) -> str:
    """Return the prefix in a whole token, `sf_<prefix>` or the bare prefix."""
    parts = text.strip().rstrip("_…").split("_", 2)
    return parts[1] if len(parts) > 1 and parts[0] == SCHEME else parts[0]


def find_by_prefix(prefix: str, user_id: int | None = None) -> ApiToken:
    """Return the token with this prefix (the user's own, when a user is named)."""
    query = select(ApiToken).where(ApiToken.prefix == parse_prefix(prefix))
    if user_id is not None:
        query = query.where(ApiToken.user_id == user_id)
    token = db.session.scalar(query)
    if token is None:
        raise NotFound("No such API token.")
    return token


def revoke(token: ApiToken, now: datetime, actor: str) -> bool:
    """Stop a token from working (the caller commits); False if it was revoked already."""
    if token.revoked_at is not None:
        return False
    token.revoked_at = now
    user = db.session.get(User, token.user_id)
    assert user is not None  # the foreign key holds it
    _audit(user, actor, "api_token.revoked", token, before="active", after="revoked")
    return True


def authenticate(presented: str) -> tuple[ApiToken, User] | None:
    """Return the live token and its active user that a presented token names, else None."""
    shape = SHAPE.fullmatch(presented)
    if shape is None:
        return None
    prefix, secret = shape.groups()
    found = db.session.execute(
        select(ApiToken, User)
        .join(User, User.id == ApiToken.user_id)
        .where(ApiToken.prefix == prefix)
    ).first()
    if found is None:
        return None
    token, user = found
    right = hmac.compare_digest(token.digest, digest_of(secret))
    if not right or token.revoked_at is not None or not user.active:
        return None
    return token, user


def touch_due(last_used_at: datetime | None, now: datetime) -> bool:
    """Say whether a token last used at `last_used_at` should be stamped again now."""
    return last_used_at is None or now - last_used_at >= TOUCH_EVERY


def touch(token_id: int, now: datetime) -> bool:
    """Stamp a token's last use, unless another call stamped it within `TOUCH_EVERY`."""
    written = db.session.execute(
        update(ApiToken)
        .where(
            ApiToken.id == token_id,
            ApiToken.last_used_at.is_(None) | (ApiToken.last_used_at <= now - TOUCH_EVERY),
        )
        .values(last_used_at=now)
        .execution_options(synchronize_session=False)
    )
    return bool(getattr(written, "rowcount", 0))


def _audit(
    user: User, actor: str, action: str, token: ApiToken, before: str | None, after: str
) -> None:
    # Tokens belong to a person, not an app: the entry goes in the log of every app they can see,
    # as sign-ins do. Never the secret, nor its digest.
    facts = {"owner": user.email, "name": token.name, "prefix": token.prefix}
    data = {
        "before": None if before is None else {**facts, "state": before},
        "after": {**facts, "state": after},
    }
    for app in visible_apps(user.id):
        audit(app.app_id, actor, action, f"api_token:{token.id}", data)
