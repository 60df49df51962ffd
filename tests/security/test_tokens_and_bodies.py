"""Red-team findings on customer tokens, bodies and session bearer tokens."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from saveflow.extensions import db
from saveflow.models import OfferAcceptance, Session
from tests.conftest import ORIGIN, make_token
from tests.sessions.test_bad_input import assert_error


def _respell(token: str) -> list[str]:
    body, sig = token.split(".")
    return [f"{body}.{sig.upper()}", f"{body}.{sig[:10].upper()}{sig[10:]}", token]


def test_one_token_in_any_spelling_starts_one_session(flow):
    token = make_token(flow.app, customer="cus_case")
    first = flow.start(token=token)
    assert first.status_code == 201
    flow.post("/withdraw")
    for spelling in _respell(token):
        again = flow.start(token=spelling)
        assert again.status_code == 200, again.json
        assert again.json["session_id"] == first.json["session_id"]
        assert again.json["outcome"] == "withdrawn"
    assert db.session.scalar(select(func.count()).select_from(Session)) == 1


def test_a_respelled_token_cannot_book_a_second_save(flow):
    token = make_token(flow.app, customer="cus_twice")
    first = flow.start(token=token).json["session_id"]
    offer = flow.answer("too_expensive").json["offers"][0]["id"]
    saved = flow.accept(offer)
    assert saved.status_code == 200
    again = flow.start(token=_respell(token)[0])
    assert again.status_code == 200 and again.json["session_id"] == first
    assert flow.accept(offer).json == saved.json  # a replay, not a second billing change
    assert db.session.scalar(select(func.count()).select_from(OfferAcceptance)) == 1


@pytest.mark.parametrize("sig", ["zz" * 32, "ab" * 31, "ab" * 33, "", " " + "ab" * 32])
def test_signatures_that_are_not_64_hex_digits_are_refused(client, demo, sig):
    body = make_token(demo).split(".")[0]
    response = client.post("/api/v1/sessions", json={"app_id": demo.id, "token": f"{body}.{sig}"})
    assert_error(response, 401, "bad_signature")


@pytest.mark.parametrize(
    "raw",
    [
        '{"app_id": "x", "token": "a.b", "attributes": {"n": 1e400}}',
        '{"app_id": "x", "token": "a.b", "attributes": {"n": -1e400}}',
        '{"app_id": "x", "token": "a.b", "attributes": {"n": 1.5e309}}',
        '{"reason_id": "other", "comment": "x", "n": [1, 2, 9e999]}',
    ],
)
def test_non_finite_numbers_anywhere_are_400(client, demo, raw):
    response = client.post("/api/v1/sessions", data=raw, content_type="application/json")
    assert_error(response, 400, "bad_request")
    assert db.session.scalar(select(func.count()).select_from(Session)) == 0


def test_non_finite_number_inside_a_token_is_401(client, demo):
    import base64

    claims = b'{"app": "%s", "exp": 1e400}' % demo.id.encode()
    body = base64.urlsafe_b64encode(claims).rstrip(b"=").decode()
    response = client.post("/api/v1/sessions", json={"app_id": demo.id, "token": body + ".00"})
    assert_error(response, 401, "invalid_token")


# Session bearer tokens -----------------------------------------------------------------------


def test_wrong_or_missing_bearer_token_is_401(flow, client):
    flow.start()
    url = f"/api/v1/sessions/{flow.session_id}"
    assert_error(client.get(url), 401, "missing_session_token")
    assert_error(
        client.get(url, headers={"Authorization": "Bearer st_wrong"}), 401, "invalid_session_token"
    )
    # An id that does not exist looks exactly like a wrong token: ids cannot be probed.
    unknown = client.get(
        "/api/v1/sessions/ses_nope", headers={"Authorization": f"Bearer {flow.token}"}
    )
    wrong = client.get(url, headers={"Authorization": "Bearer st_wrong"})
    assert unknown.status_code == wrong.status_code == 401
    assert unknown.json == wrong.json


def _age(session_id, **delta):
    row = db.session.get(Session, session_id)
    row.last_seen_at = row.last_seen_at - timedelta(**delta)
    db.session.commit()


def test_bearer_token_expires_after_inactivity(app, flow):
    ttl = app.config["SAVEFLOW_SESSION_TOKEN_TTL"]
    flow.start()
    _age(flow.session_id, seconds=ttl - 30)
    assert flow.get().status_code == 200  # activity moves the window
    _age(flow.session_id, seconds=ttl - 30)
    assert flow.get().status_code == 200
    _age(flow.session_id, seconds=ttl + 1)
    assert_error(flow.get(), 401, "session_token_expired")
    assert_error(flow.post("/cancel"), 401, "session_token_expired")
    assert db.session.get(Session, flow.session_id).outcome is None


def test_a_decided_session_stops_extending_its_token(app, flow):
    ttl = app.config["SAVEFLOW_SESSION_TOKEN_TTL"]
    flow.start()
    assert flow.post("/withdraw").status_code == 200
    before = db.session.get(Session, flow.session_id).last_seen_at
    assert flow.get().status_code == 200
    assert flow.post("/withdraw").status_code == 200  # replay within the window
    assert db.session.get(Session, flow.session_id).last_seen_at == before
    _age(flow.session_id, seconds=ttl + 1)
    assert_error(flow.post("/withdraw"), 401, "session_token_expired")


# Origins on session calls ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "origin, status",
    [(None, 200), (ORIGIN, 200), ("http://localhost", 200), ("https://evil.example", 403)],
)
def test_session_calls_check_the_origin(flow, client, origin, status):
    flow.start()
    headers = {"Authorization": f"Bearer {flow.token}"}
    if origin:
        headers["Origin"] = origin
    response = client.get(f"/api/v1/sessions/{flow.session_id}", headers=headers)
    assert response.status_code == status
    if status == 403:
        assert_error(response, 403, "origin")
    terminal = client.post(f"/api/v1/sessions/{flow.session_id}/cancel", headers=headers)
    assert terminal.status_code == status
    expected = "cancelled" if status == 200 else None
    assert db.session.get(Session, flow.session_id).outcome == expected


def test_preflights_reveal_no_tenant(client, demo):
    def preflight(origin):
        return client.options(
            "/api/v1/sessions/ses_x/cancel",
            headers={"Origin": origin, "Access-Control-Request-Method": "POST"},
        )

    ours, theirs = preflight(ORIGIN), preflight("https://nobody.example")
    assert ours.status_code == theirs.status_code
    strip = {"Access-Control-Allow-Origin", "Date", "Content-Length"}
    same = {k: v for k, v in ours.headers.items() if k not in strip}
    assert same == {k: v for k, v in theirs.headers.items() if k not in strip}
    assert theirs.headers["Access-Control-Allow-Origin"] == "https://nobody.example"
