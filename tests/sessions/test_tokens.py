"""Customer token signing and verification."""

import base64
import hashlib
import hmac
import json

import pytest

from saveflow.domain_errors import InvalidToken
from saveflow.sessions.tokens import sign, verify

SECRETS = {"live": "sk_live_x", "test": "sk_test_y"}
NOW = 1_800_000_000


def claims(**over):
    return {
        "app": "app_1",
        "customer": "c",
        "subscription": "s",
        "mode": "live",
        "exp": NOW + 600,
        **over,
    }


def check(token, **kw):
    return verify(token, "app_1", SECRETS.__getitem__, max_ttl=3600, now=NOW, **kw)


def test_matches_the_documented_format():
    # Built by hand exactly as the README tells host developers to.
    body = base64.urlsafe_b64encode(json.dumps(claims()).encode()).rstrip(b"=").decode()
    mac = hmac.new(b"sk_live_x", body.encode(), hashlib.sha256).hexdigest()
    assert check(f"{body}.{mac}")["customer"] == "c"
    # Upper-case hex is tolerated; the MAC covers the first part exactly as sent.
    assert check(f"{body}.{mac.upper()}")["customer"] == "c"


def test_round_trip_with_unicode_claims():
    token = sign("sk_live_x", claims(customer="客户-42"))
    assert check(token)["customer"] == "客户-42"


@pytest.mark.parametrize(
    "over, code",
    [
        ({"exp": NOW}, "token_expired"),
        ({"exp": NOW + 3600 + 61}, "token_ttl"),
        ({"exp": "soon"}, "invalid_token"),
        ({"exp": True}, "invalid_token"),
        ({"mode": "prod"}, "invalid_token"),
        ({"app": "app_2"}, "token_app_mismatch"),
        ({"customer": ""}, "invalid_token"),
        ({"subscription": 7}, "invalid_token"),
    ],
)
def test_rejections(over, code):
    with pytest.raises(InvalidToken) as info:
        check(sign(SECRETS.get(over.get("mode"), "sk_live_x"), claims(**over)))
    assert info.value.code == code


def test_mode_is_inside_the_signature():
    token = sign("sk_test_y", claims(mode="test"))
    body = json.loads(base64.urlsafe_b64decode(token.split(".")[0] + "=="))
    body["mode"] = "live"
    tampered = base64.urlsafe_b64encode(json.dumps(body).encode()).rstrip(b"=").decode()
    with pytest.raises(InvalidToken) as info:
        check(tampered + "." + token.split(".")[1])
    assert info.value.code == "bad_signature"


def test_snapshot_is_inside_the_signature():
    token = sign("sk_live_x", claims(snapshot={"amount": 4900}))
    body = json.loads(base64.urlsafe_b64decode(token.split(".")[0] + "=="))
    body["snapshot"]["amount"] = 1
    tampered = base64.urlsafe_b64encode(json.dumps(body).encode()).rstrip(b"=").decode()
    with pytest.raises(InvalidToken) as info:
        check(tampered + "." + token.split(".")[1])
    assert info.value.code == "bad_signature"


def test_constant_time_compare_is_used(monkeypatch):
    import saveflow.sessions.tokens as tokens

    calls = []
    real = tokens.hmac.compare_digest
    monkeypatch.setattr(tokens.hmac, "compare_digest", lambda a, b: calls.append(1) or real(a, b))
    check(sign("sk_live_x", claims()))
    assert calls == [1]
