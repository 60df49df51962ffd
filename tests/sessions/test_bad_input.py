"""Bad input gets a clear 4xx in the shared error shape and writes nothing."""

import json

import pytest
from sqlalchemy import func, select

from saveflow.extensions import db
from saveflow.models import Session, SessionEvent
from tests.conftest import DEFAULT_SNAPSHOT, ORIGIN, make_token

ERROR_KEYS = {"code", "status", "message", "errors"}


def count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def assert_error(response, status, code=None):
    assert response.status_code == status, response.get_data(as_text=True)
    assert set(response.json) == ERROR_KEYS
    assert response.json["status"] == status
    if code:
        assert response.json["code"] == code


@pytest.mark.parametrize(
    "raw", ["{not json", "[1, 2]", '"text"', "\xff\xfe", '{"app_id": NaN}', '{"a": Infinity}']
)
def test_malformed_json_is_400(client, demo, raw):
    response = client.post(
        "/api/v1/sessions", data=raw.encode("latin-1"), content_type="application/json"
    )
    assert_error(response, 400, "bad_request")
    assert count(Session) == 0


@pytest.mark.parametrize(
    "body, field",
    [
        ({"token": "a.b"}, "app_id"),
        ({"app_id": 5, "token": "a.b"}, "app_id"),
        ({"app_id": "x", "token": ["a"]}, "token"),
        ({"app_id": "x", "token": "a.b", "attributes": "nope"}, "attributes"),
        ({"app_id": "x", "token": "a.b", "attributes": {"k": {"nested": 1}}}, "attributes"),
        ({"app_id": "x", "token": "a.b", "surprise": 1}, "surprise"),
    ],
)
def test_wrong_types_are_422_per_field(client, demo, body, field):
    response = client.post("/api/v1/sessions", json=body)
    assert_error(response, 422, "validation_error")
    assert field in response.json["errors"]


def test_unknown_app_is_404(client, demo):
    response = client.post(
        "/api/v1/sessions", json={"app_id": "app_nope", "token": make_token(demo)}
    )
    assert_error(response, 404, "unknown_app")


@pytest.mark.parametrize(
    "mutate, code",
    [
        (lambda t: t[:-2] + ("00" if t[-2:] != "00" else "11"), "bad_signature"),
        (lambda t: "garbage", "invalid_token"),
        (lambda t: "!!!." + t.split(".")[1], "invalid_token"),
    ],
)
def test_forged_tokens_are_401(client, demo, mutate, code):
    token = mutate(make_token(demo))
    response = client.post("/api/v1/sessions", json={"app_id": demo.id, "token": token})
    assert_error(response, 401, code)
    assert count(Session) == 0


def test_expired_and_far_future_tokens_are_401(client, demo):
    expired = make_token(demo, exp_in=-5)
    assert_error(
        client.post("/api/v1/sessions", json={"app_id": demo.id, "token": expired}),
        401,
        "token_expired",
    )
    far = make_token(demo, exp_in=3 * 3600)
    assert_error(
        client.post("/api/v1/sessions", json={"app_id": demo.id, "token": far}), 401, "token_ttl"
    )


def test_other_apps_token_is_401(client, demo):
    from saveflow.apps.setup import create_app_with_defaults

    other = create_app_with_defaults("Other", [], actor="test")
    db.session.commit()
    response = client.post("/api/v1/sessions", json={"app_id": demo.id, "token": make_token(other)})
    assert_error(response, 401, "token_app_mismatch")
    # Same claims but signed with the wrong app's secret.
    from saveflow.sessions.tokens import read_unverified, sign

    _body, claims = read_unverified(make_token(demo))
    response = client.post(
        "/api/v1/sessions", json={"app_id": demo.id, "token": sign(other.live_secret, claims)}
    )
    assert_error(response, 401, "bad_signature")


def test_test_token_cannot_pass_as_live(client, demo):
    from saveflow.sessions.tokens import read_unverified, sign

    _body, claims = read_unverified(make_token(demo, mode="test"))
    forged = sign(demo.test_secret, {**claims, "mode": "live"})
    assert_error(
        client.post("/api/v1/sessions", json={"app_id": demo.id, "token": forged}),
        401,
        "bad_signature",
    )


@pytest.mark.parametrize(
    "snapshot, field",
    [
        (False, "snapshot"),
        ({**DEFAULT_SNAPSHOT, "amount": "49"}, "amount"),
        ({**DEFAULT_SNAPSHOT, "interval": "fortnight"}, "interval"),
        ({**DEFAULT_SNAPSHOT, "currency": "dollars"}, "currency"),
        ({k: v for k, v in DEFAULT_SNAPSHOT.items() if k != "plan"}, "plan"),
        ({**DEFAULT_SNAPSHOT, "amount": 10**13}, "amount"),
        ({**DEFAULT_SNAPSHOT, "amount": 10**12, "quantity": 1000}, "quantity"),
        ({**DEFAULT_SNAPSHOT, "started_at": "9999-12-15T00:00:00+00:00"}, "started_at"),
        ({**DEFAULT_SNAPSHOT, "started_at": "0001-01-01T00:00:00+00:00"}, "started_at"),
    ],
)
def test_bad_snapshot_in_token_is_422(client, demo, snapshot, field):
    response = client.post(
        "/api/v1/sessions", json={"app_id": demo.id, "token": make_token(demo, snapshot=snapshot)}
    )
    assert_error(response, 422)
    assert field in json.dumps(response.json["errors"])
    assert count(Session) == 0


def test_body_over_16kb_is_413(client, demo):
    body = json.dumps({"app_id": demo.id, "token": "x" * 17000})
    response = client.post("/api/v1/sessions", data=body, content_type="application/json")
    assert_error(response, 413, "payload_too_large")


def test_unknown_reason_is_422_and_writes_nothing(flow):
    flow.start()
    before = count(SessionEvent)
    response = flow.answer("not_a_reason")
    assert_error(response, 422)
    assert "reason_id" in response.json["errors"]
    assert count(SessionEvent) == before
    assert db.session.get(Session, flow.session_id).reason_key is None


def test_unknown_offer_is_404_and_unshown_offer_is_409(flow):
    flow.start()
    flow.answer("too_expensive")
    assert_error(flow.accept("no_such_offer"), 404)
    assert_error(flow.accept("training"), 409)
    assert db.session.get(Session, flow.session_id).outcome is None


def test_unknown_session_and_wrong_token_look_the_same(flow, client):
    flow.start()
    unknown = client.post(
        "/api/v1/sessions/ses_nope/cancel", headers={"Authorization": f"Bearer {flow.token}"}
    )
    wrong = client.post(
        f"/api/v1/sessions/{flow.session_id}/cancel", headers={"Authorization": "Bearer st_wrong"}
    )
    # The token is checked first and is derived from the id, so both are the same 401.
    assert_error(unknown, 401, "invalid_session_token")
    assert_error(wrong, 401, "invalid_session_token")
    assert unknown.json == wrong.json
    assert_error(client.post(f"/api/v1/sessions/{flow.session_id}/cancel"), 401)


def test_a_session_token_opens_only_its_own_session_across_apps(flow, client):
    from saveflow.apps.setup import create_app_with_defaults
    from tests.conftest import FlowActions

    other = create_app_with_defaults("Other", [], actor="test")
    db.session.commit()
    theirs = FlowActions(client, other)
    theirs.start()
    flow.start()
    # Our bearer token on their session id.
    response = client.get(
        f"/api/v1/sessions/{theirs.session_id}", headers={"Authorization": f"Bearer {flow.token}"}
    )
    assert_error(response, 401, "invalid_session_token")


@pytest.mark.parametrize(
    "comment",
    [
        "太贵了 😤 — トーク \u202e reversed \U0001f600",
        "lone surrogate \ud800 here",
        "nul \x00 byte",
        "ﾌﾙ幅 ＴＯＯ　ＥＸＰＥＮＳＩＶＥ！",
    ],
)
def test_any_unicode_comment_is_stored(flow, comment):
    flow.start()
    response = flow.answer("other", comment)
    assert response.status_code in (200, 422)
    assert response.status_code == 200, response.json
    stored = db.session.get(Session, flow.session_id).comment
    assert "\x00" not in stored and stored


def test_comment_too_long_is_422(flow):
    flow.start()
    assert_error(flow.answer("other", "x" * 2001), 422)


def test_terminal_call_with_unexpected_fields_is_422(flow):
    flow.start()
    assert_error(flow.post("/cancel", {"really": True}), 422)
    assert db.session.get(Session, flow.session_id).outcome is None


def test_disallowed_origin_is_refused(client, demo):
    body = {"app_id": demo.id, "token": make_token(demo)}
    bad = client.post("/api/v1/sessions", json=body, headers={"Origin": "https://evil.example"})
    assert_error(bad, 403, "origin")
    good = client.post("/api/v1/sessions", json=body, headers={"Origin": ORIGIN})
    assert good.status_code == 201
    assert good.headers["Access-Control-Allow-Origin"] == ORIGIN


def test_cors_answers_only_allowed_origins_on_real_calls(client, demo):
    body = {"app_id": demo.id, "token": make_token(demo)}
    ok = client.post("/api/v1/sessions", json=body, headers={"Origin": ORIGIN})
    assert ok.headers.get("Access-Control-Allow-Origin") == ORIGIN
    bad = client.post("/api/v1/sessions", json=body, headers={"Origin": "https://evil.example"})
    assert bad.status_code == 403
    assert "Access-Control-Allow-Origin" not in bad.headers


def test_unknown_route_and_method_are_json(client):
    assert_error(client.get("/api/v1/nothing"), 404)
    assert_error(client.get("/api/v1/sessions"), 405)


def test_large_real_prices_book_without_overflow(flow):
    """A Vietnamese-dong plan: 250,000,000 ₫ a month books 3,000,000,000 over 12 months."""
    snapshot = {**DEFAULT_SNAPSHOT, "amount": 250_000_000, "currency": "vnd"}
    flow.start(snapshot=snapshot)
    response = flow.post("/withdraw")
    assert response.status_code == 200
    assert response.json["saved_revenue"]["projected_revenue"] == 3_000_000_000


@pytest.mark.parametrize("header", ["Bearer \u00e9", "Bearer st_\u2603", "Bearer " + "x" * 300])
def test_odd_bearer_tokens_are_401(flow, client, header):
    flow.start()
    response = client.get(
        f"/api/v1/sessions/{flow.session_id}", headers={"Authorization": header.encode().decode()}
    )
    assert_error(response, 401, "invalid_session_token")


@pytest.mark.parametrize("token", ["\u00e9", "\ud800", "a" * 150])
def test_odd_beacon_tokens_are_401(flow, client, token):
    flow.start()
    body = json.dumps({"session_token": token})
    response = client.post(
        f"/api/v1/sessions/{flow.session_id}/abandon", data=body, content_type="text/plain"
    )
    assert_error(response, 401, "invalid_session_token")


def test_deeply_nested_json_is_400(client, demo):
    import base64

    response = client.post("/api/v1/sessions", data="[" * 5000, content_type="application/json")
    assert_error(response, 400)
    deep = base64.urlsafe_b64encode(("[" * 5000).encode()).rstrip(b"=").decode()
    response = client.post("/api/v1/sessions", json={"app_id": demo.id, "token": deep + ".00"})
    assert_error(response, 401, "invalid_token")


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/sessions/ses%00x/cancel",
        "/api/v1/sessions/ses_x/offers/a%00b/accept",
    ],
)
def test_unstorable_path_ids_are_404(client, demo, path):
    assert_error(client.post(path, headers={"Authorization": "Bearer st_x"}), 404)


def test_undecodable_path_ids_are_just_unknown(client, demo):
    # Werkzeug decodes a UTF-8-encoded lone surrogate to U+FFFD, which is storable: the id is
    # merely unknown, so the (wrong) bearer token is what the caller hears about.
    response = client.post(
        "/api/v1/sessions/%ED%A0%80/cancel", headers={"Authorization": "Bearer st_x"}
    )
    assert_error(response, 401, "invalid_session_token")


@pytest.mark.parametrize(
    "body",
    [
        {"app_id": "a\ud800b", "token": "x.y"},
        {"app_id": "a\u0000b", "token": "x.y"},
    ],
)
def test_unstorable_strings_in_ids_are_4xx(client, demo, body):
    response = client.post(
        "/api/v1/sessions", data=json.dumps(body), content_type="application/json"
    )
    assert 400 <= response.status_code < 500


def test_unstorable_strings_in_token_claims_are_cleaned(client, demo):
    token = make_token(demo, customer="c\u0000\ud800")
    response = client.post("/api/v1/sessions", json={"app_id": demo.id, "token": token})
    assert response.status_code == 201
    assert db.session.get(Session, response.json["session_id"]).customer == "c\ufffd"
