"""Signatures on outbound webhook bodies: `Saveflow-Signature: t=<unix>,v1=<hex>`.

The signed text is the timestamp, a dot and the exact body, so a receiver checks the bytes it
got and an old body cannot be replayed with a fresh timestamp. A header may carry several `v1`
values (one per secret while a receiver's secret changes); any one that matches will do.
"""

import hashlib
import hmac
import time
from collections.abc import Iterable

SCHEME = "v1"
DEFAULT_TOLERANCE = 300


class BadSignature(ValueError):
    """A webhook signature header that is malformed, stale or matches no secret."""


def _bytes(value: str | bytes) -> bytes:
    return value.encode("utf-8") if isinstance(value, str) else value


def sign(secret: str, body: str | bytes, t: int) -> str:
    """Return the hex HMAC-SHA256 of `<t>.<body>` under `secret`."""
    message = str(int(t)).encode("ascii") + b"." + _bytes(body)
    return hmac.new(secret.encode("utf-8"), message, hashlib.sha256).hexdigest()


def signature_header(secret: str, body: str | bytes, t: int) -> str:
    """Return the Saveflow-Signature value for a body sent at Unix time `t`."""
    return f"t={int(t)},{SCHEME}={sign(secret, body, t)}"


def parse_header(header: str) -> tuple[int, list[str]]:
    """Return the timestamp and the v1 signatures of a header (unknown schemes ignored)."""
    timestamp, signatures = None, []
    for part in (header or "").split(","):
        key, _, value = part.strip().partition("=")
        if key == "t" and value.isascii() and value.isdigit():
            timestamp = int(value)
        elif key == SCHEME and value:
            signatures.append(value)
    if timestamp is None:
        raise BadSignature("no timestamp in the signature header")
    if not signatures:
        raise BadSignature(f"no {SCHEME} signature in the signature header")
    return timestamp, signatures


def verify(
    header: str,
    body: str | bytes,
    secret: str | Iterable[str],
    tolerance: int = DEFAULT_TOLERANCE,
    now: float | None = None,
) -> int:
    """Return the signed timestamp if `header` signs `body` with `secret` (or one of several
    secrets) within `tolerance` seconds of `now`; raise BadSignature otherwise."""
    timestamp, signatures = parse_header(header)
    current = time.time() if now is None else now
    if abs(current - timestamp) > tolerance:
        raise BadSignature("the signature's timestamp is outside the tolerance")
    secrets = [secret] if isinstance(secret, str) else list(secret)
    # Every comparison runs, so the time taken says nothing about which one (if any) matched.
    matched = False
    for candidate in secrets:
        expected = sign(candidate, body, timestamp).encode("ascii")
        for given in signatures:
            matched |= hmac.compare_digest(expected, given.encode("utf-8", "replace"))
    if not matched:
        raise BadSignature("no signature matches the body")
    return timestamp
