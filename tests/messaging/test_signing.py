"""Webhook signatures: the maths against a hand-computed HMAC, and what verify refuses."""

import hashlib
import hmac

import pytest

from saveflow.messaging.signing import BadSignature, sign, signature_header, verify

SECRET = "whsec_test_secret"
BODY = '{"id":"dlv_1","type":"session.completed","created":1700000000,"data":{"plan":"Prö"}}'
T = 1700000000


def test_the_signature_is_hmac_sha256_of_timestamp_dot_body():
    message = f"{T}.{BODY}".encode()
    expected = hmac.new(SECRET.encode(), message, hashlib.sha256).hexdigest()
    assert sign(SECRET, BODY, T) == expected
    assert sign(SECRET, BODY.encode("utf-8"), T) == expected
    assert signature_header(SECRET, BODY, T) == f"t={T},v1={expected}"


def test_known_vectors_computed_with_openssl():
    # printf '%s' '<t>.<body>' | openssl dgst -sha256 -hmac <secret>; the body as UTF-8 bytes.
    assert sign("key", "{}", 1700000000) == (
        "9d713ed406bb7076d4123f0dc2c39d2df5c654ed4b0cd56b52c8b4c940bd63ae"
    )
    assert sign("whsec_key", '{"a":"Prö"}', 1700000000) == (
        "da15701f0a107d224f957bd2de4037adb651b705c4f3ab7d03312996248116cb"
    )


def test_verify_accepts_a_fresh_signature_and_returns_its_time():
    header = signature_header(SECRET, BODY, T)
    assert verify(header, BODY, SECRET, 300, now=T + 299) == T
    assert verify(header, BODY.encode(), SECRET, 300, now=T - 299) == T


@pytest.mark.parametrize(
    "header, body, secret, now, why",
    [
        (None, BODY, SECRET, T, "no timestamp"),
        (f"v1={sign(SECRET, BODY, T)}", BODY, SECRET, T, "no timestamp"),
        (f"t={T}", BODY, SECRET, T, "no v1"),
        (f"t={T},v0={sign(SECRET, BODY, T)}", BODY, SECRET, T, "no v1"),
        ("t=soon,v1=ab", BODY, SECRET, T, "no timestamp"),
        (signature_header(SECRET, BODY, T), BODY + " ", SECRET, T, "no signature matches"),
        (signature_header(SECRET, BODY, T), BODY, "whsec_other", T, "no signature matches"),
        (signature_header(SECRET, BODY, T), BODY, SECRET, T + 301, "outside the tolerance"),
        (signature_header(SECRET, BODY, T), BODY, SECRET, T - 301, "outside the tolerance"),
        (f"t={T},v1=é{sign(SECRET, BODY, T)[1:]}", BODY, SECRET, T, "no signature matches"),
        # The timestamp is signed: moving it forward breaks the signature.
        (f"t={T + 1},v1={sign(SECRET, BODY, T)}", BODY, SECRET, T, "no signature matches"),
    ],
)
def test_verify_refuses(header, body, secret, now, why):
    with pytest.raises(BadSignature, match=why):
        verify(header, body, secret, 300, now=now)


def test_several_signatures_and_several_secrets_for_rotation():
    old, new = "whsec_old", "whsec_new"
    both = f"t={T},v1={sign(old, BODY, T)},v1={sign(new, BODY, T)}"
    assert verify(both, BODY, new, 300, now=T) == T
    assert verify(both, BODY, old, 300, now=T) == T
    # A receiver part-way through its own rotation tries both of its secrets.
    assert verify(signature_header(new, BODY, T), BODY, [old, new], 300, now=T) == T
    with pytest.raises(BadSignature):
        verify(both, BODY, ["whsec_x", "whsec_y"], 300, now=T)
