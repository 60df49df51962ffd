"""Rotating a signing secret: shown once, never stored in the clear, old one kept for a while."""

import logging
import time
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text

from saveflow.apps.models import App
from saveflow.apps.secrets import rotate_secret
from saveflow.domain_errors import Invalid, InvalidToken
from saveflow.extensions import db
from saveflow.sessions.tokens import sign, verify
from tests.admin.settings_helpers import audit_entries, fresh, post
from tests.conftest import DEFAULT_SNAPSHOT, FlowActions

NOW = datetime(2027, 3, 1, 12, 0, tzinfo=UTC)


def _token(app, secret, at=NOW):
    claims = {"app": app.id, "customer": "cus_1", "subscription": "sub_1", "mode": "live"}
    return sign(secret, {**claims, "exp": int(at.timestamp()) + 600})


def _verify(app, token, at):
    return verify(token, app.id, lambda mode: app.secrets_for(mode, at), now=at.timestamp())


def test_the_old_secret_works_during_the_grace_period_only(demo):
    old = demo.live_secret
    rotated = rotate_secret(demo, "live", "24h", NOW)
    db.session.commit()
    app = fresh(App, demo.id)
    assert rotated.secret == app.live_secret != old
    assert rotated.old_valid_until == NOW + timedelta(hours=24)
    within = NOW + timedelta(hours=23, minutes=59)
    after = NOW + timedelta(hours=24)
    assert _verify(app, _token(app, old, within), within)["customer"] == "cus_1"
    assert _verify(app, _token(app, rotated.secret, within), within)
    with pytest.raises(InvalidToken) as refused:
        _verify(app, _token(app, old, after), after)
    assert refused.value.code == "bad_signature"
    assert _verify(app, _token(app, rotated.secret, after), after)
    # The test secret was not touched.
    assert app.previous_test_secret is None


def test_no_grace_ends_the_old_secret_at_once(demo):
    old = demo.test_secret
    rotate_secret(demo, "test", "none", NOW)
    assert demo.previous_test_secret is None and demo.previous_test_until is None
    assert demo.secrets_for("test", NOW) == (demo.test_secret,)
    assert old not in demo.secrets_for("test", NOW)


def test_rotating_again_drops_the_older_secret(demo):
    first = demo.live_secret
    second = rotate_secret(demo, "live", "7d", NOW).secret
    third = rotate_secret(demo, "live", "1h", NOW + timedelta(minutes=5)).secret
    valid = demo.secrets_for("live", NOW + timedelta(minutes=10))
    assert valid == (third, second) and first not in valid


def test_unknown_mode_or_grace_is_refused(demo):
    with pytest.raises(Invalid):
        rotate_secret(demo, "prod", "24h", NOW)
    with pytest.raises(Invalid):
        rotate_secret(demo, "live", "forever", NOW)


@pytest.fixture
def signed_in(demo, make_user, admin):
    make_user("admin@team.example", "admin", demo.id)
    admin.login("admin@team.example")


def test_rotation_through_the_page_shows_the_secret_once(signed_in, demo, client, caplog):
    caplog.set_level(logging.DEBUG)
    old = demo.test_secret
    response = post(
        client, f"/admin/apps/{demo.id}/secrets", {"mode": "test", "test-grace": "7d"}, "test"
    )
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    app = fresh(App, demo.id)
    new = app.test_secret
    assert new != old and new in response.text
    assert "this is the only time it is shown" in response.text
    assert old not in response.text and app.live_secret not in response.text
    again = client.get(f"/admin/apps/{demo.id}/secrets").text
    assert new not in again and old not in again and "still works until" in again
    assert app.previous_test_secret == old
    assert app.previous_test_until > datetime.now(UTC) + timedelta(days=6)
    # Encrypted at rest, like the current secrets.
    raw = db.session.execute(text("SELECT previous_test_secret, test_secret FROM apps")).one()
    assert old not in raw[0] and new not in raw[1]
    [entry] = audit_entries(demo.id, "secret.rotated")
    assert entry.target == "secret:test" and entry.actor == "user:admin@team.example"
    assert entry.data["before"] == {"secret": "(set)"}
    assert entry.data["after"]["secret"] == "rotated"
    assert entry.data["after"]["old_secret_valid_until"] == app.previous_test_until.isoformat()
    assert new not in str(entry.data) and old not in str(entry.data)
    assert new not in caplog.text and old not in caplog.text


def _signed_with(secret, app, customer):
    claims = {
        "app": app.id,
        "customer": customer,
        "subscription": "sub_" + customer,
        "mode": "live",
        "exp": int(time.time()) + 600,
        "snapshot": DEFAULT_SNAPSHOT,
    }
    return sign(secret, claims)


def test_the_widget_api_accepts_the_old_secret_until_the_grace_ends(signed_in, demo, client):
    old = str(demo.live_secret)
    response = post(
        client, f"/admin/apps/{demo.id}/secrets", {"mode": "live", "live-grace": "1h"}, "live"
    )
    assert response.status_code == 200
    app = fresh(App, demo.id)
    new = str(app.live_secret)
    assert new != old
    start = FlowActions(client, app).start
    assert start(token=_signed_with(old, app, "a")).status_code == 201
    assert start(token=_signed_with(new, app, "b")).status_code == 201
    # The grace period is over (moved into the past rather than waited for).
    app.previous_live_until = datetime.now(UTC) - timedelta(seconds=1)
    db.session.commit()
    refused = start(token=_signed_with(old, app, "c"))
    assert refused.status_code == 401
    assert refused.json["code"] == "bad_signature"
    assert start(token=_signed_with(new, app, "d")).status_code == 201


@pytest.mark.parametrize(("mode", "grace"), [("staging", "24h"), ("live", "forever")])
def test_bad_rotation_requests_change_nothing(mode, grace, signed_in, demo, client):
    old = demo.live_secret
    response = post(
        client, f"/admin/apps/{demo.id}/secrets", {"mode": mode, f"{mode}-grace": grace}, mode
    )
    assert response.status_code == 400
    app = fresh(App, demo.id)
    assert app.live_secret == old and app.previous_live_secret is None
    assert audit_entries(demo.id, "secret.rotated") == []


def test_token_ttl_is_unchanged_by_rotation(demo):
    rotate_secret(demo, "live", "24h", NOW)
    now = time.time()
    expired = sign(demo.live_secret, {"app": demo.id, "mode": "live", "exp": int(now) - 1})
    with pytest.raises(InvalidToken) as refused:
        verify(expired, demo.id, lambda m: demo.secrets_for(m, NOW), now=now)
    assert refused.value.code == "token_expired"
