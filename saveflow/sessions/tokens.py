"""Customer tokens signed by the host's server.

token = base64url(JSON claims) + "." + hex(HMAC-SHA256(app secret, first part))
"""

import base64
import binascii
import hashlib
import hmac
import json
import re
import time
from collections.abc import Callable, Sequence

from saveflow import text
from saveflow.domain_errors import InvalidToken


def _b64encode(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def _b64decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def signature(secret: str, body: str) -> str:
    """Return the hex HMAC-SHA256 of a token's first part."""
    return hmac.new(secret.encode(), body.encode("ascii"), hashlib.sha256).hexdigest()


def sign(secret: str, claims: dict) -> str:
    """Sign customer claims into a token."""
    body = _b64encode(json.dumps(claims, separators=(",", ":")).encode())
    return f"{body}.{signature(secret, body)}"


_HEX_SIGNATURE = re.compile(r"[0-9a-fA-F]{64}")


def digest(token: str) -> str:
    """Return a stable fingerprint of a token, to find the session it already started.

    Hex is case-blind, so a verified token has many spellings; all of them are one token.
    """
    body, _, sig = token.partition(".")
    return hashlib.sha256(f"{body}.{sig.lower()}".encode()).hexdigest()


def _invalid(message: str, code: str = "invalid_token") -> InvalidToken:
    return InvalidToken(message, code)


def read_unverified(token: str) -> tuple[str, dict]:
    """Split a token and decode its claims without trusting them yet."""
    if not isinstance(token, str) or token.count(".") != 1:
        raise _invalid("The token is not of the form <claims>.<signature>.")
    body, _sig = token.split(".")
    try:
        claims = text.loads(_b64decode(body))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise _invalid("The token's claims are not base64url-encoded JSON.") from None
    if not isinstance(claims, dict):
        raise _invalid("The token's claims must be a JSON object.")
    return body, claims


def verify(
    token: str,
    app_id: str,
    secret_for: Callable[[str], str | Sequence[str]],
    max_ttl: int = 3600,
    now: float | None = None,
) -> dict:
    """Return a token's claims after checking app, signature (in constant time) and expiry.

    `secret_for(mode)` gives the mode's secret, or several (the current one and, after a
    rotation, the previous one during its grace period): any of them may have signed the token.
    """
    body, claims = read_unverified(token)
    sig = token.split(".")[1]
    if claims.get("app") != app_id:
        raise _invalid("The token was not issued for this app.", code="token_app_mismatch")
    mode = claims.get("mode")
    if mode not in ("live", "test"):
        raise _invalid("The token's mode must be 'live' or 'test'.")
    if not _HEX_SIGNATURE.fullmatch(sig):
        raise _invalid("The token's signature must be 64 hex digits.", code="bad_signature")
    given = secret_for(mode)
    secrets = (given,) if isinstance(given, str) else tuple(given)
    actual = sig.lower().encode("ascii")
    # Every secret is compared, so the time taken does not say which one matched.
    matches = [hmac.compare_digest(signature(s, body).encode(), actual) for s in secrets]
    if not any(matches):
        raise _invalid("The token's signature does not match.", code="bad_signature")
    exp = claims.get("exp")
    if not isinstance(exp, int) or isinstance(exp, bool):
        raise _invalid("The token needs an integer `exp` (Unix seconds).")
    now = time.time() if now is None else now
    if exp <= now:
        raise _invalid("The token has expired; sign a fresh one.", code="token_expired")
    if exp > now + max_ttl + 60:  # a minute of clock skew between host and saveflow
        raise _invalid(f"The token's `exp` is more than {max_ttl} seconds ahead.", code="token_ttl")
    for field in ("customer", "subscription"):
        value = claims.get(field)
        if not isinstance(value, str) or not value or len(value) > 200:
            raise _invalid(f"The token needs a `{field}` string of 1 to 200 characters.")
    return claims
