"""Who may read which app's report with a token: finance and admin of that app, nobody else."""

from datetime import UTC, datetime

import pytest

from saveflow.accounts import api_tokens
from saveflow.accounts.models import Membership
from saveflow.apps.setup import create_app_with_defaults
from saveflow.db import utcnow
from saveflow.extensions import db
from tests.api.conftest import decide, rebuild_reports
from tests.sessions.test_bad_input import assert_error

SAVE = {"offer": "discount_25_3m", "offer_type": "discount", "saved_mrr": 4900}


@pytest.fixture
def two_apps(demo):
    """The demo app with one save this month, and another app with two."""
    other = create_app_with_defaults("Other", ["https://other.example"], actor="test")
    now = datetime.now(UTC)
    decide(demo, "saved", now, **SAVE)
    decide(other, "saved", now, **SAVE)
    decide(other, "saved", now.replace(second=0, microsecond=0), **SAVE)
    rebuild_reports()
    return demo, other


def _sessions(response) -> int:
    return sum(row["sessions"] for row in response.json["rows"])


@pytest.mark.parametrize("role", ["finance", "admin"])
def test_finance_and_admin_read_their_app(role, two_apps, reporters):
    demo, _other = two_apps
    token = reporters.token_for(role, demo.id)
    response = reporters.get(token)
    assert response.status_code == 200
    assert response.json["app"] == demo.id and _sessions(response) == 1
    assert reporters.get(token, app=demo.id).json == response.json


@pytest.mark.parametrize("role", ["editor", "viewer"])
def test_editors_and_viewers_are_refused(role, two_apps, reporters):
    demo, _other = two_apps
    token = reporters.token_for(role, demo.id)
    assert_error(reporters.get(token), 403, "forbidden")
    assert_error(reporters.get(token, app=demo.id), 403, "forbidden")
    assert_error(reporters.get(token, app=demo.id, format="csv"), 403, "forbidden")


def test_another_apps_data_is_never_visible(two_apps, reporters):
    demo, other = two_apps
    token = reporters.token_for("finance", demo.id)
    refused = reporters.get(token, app=other.id)
    assert_error(refused, 403, "forbidden")
    # An app that does not exist gets the very same answer: tokens cannot probe app ids.
    missing = reporters.get(token, app="app_000000000000000000000000")
    assert (
        missing.json["message"].replace("app_000000000000000000000000", other.id)
        == (refused.json["message"])
    )
    assert reporters.get(token).json["app"] == demo.id


def test_app_is_required_when_the_owner_reads_several(two_apps, reporters):
    demo, other = two_apps
    user = reporters.user("cfo@finance.example", "finance", demo.id)
    db.session.add(Membership(user_id=user.id, app_id=other.id, role="admin"))
    db.session.commit()
    token = reporters.token(user)
    ambiguous = reporters.get(token)
    assert_error(ambiguous, 400, "bad_request")
    assert demo.id in ambiguous.json["errors"]["app"][0]
    assert other.id in ambiguous.json["errors"]["app"][0]
    assert _sessions(reporters.get(token, app=demo.id)) == 1
    assert _sessions(reporters.get(token, app=other.id)) == 2


def test_a_role_on_every_app_reads_each_when_named(two_apps, reporters):
    demo, other = two_apps
    token = reporters.token_for("finance", None)
    assert_error(reporters.get(token), 400, "bad_request")
    assert _sessions(reporters.get(token, app=other.id)) == 2


def test_only_apps_with_a_reporting_role_count(two_apps, reporters):
    demo, other = two_apps
    user = reporters.user("mixed@finance.example", "viewer", demo.id)
    db.session.add(Membership(user_id=user.id, app_id=other.id, role="finance"))
    db.session.commit()
    token = reporters.token(user)
    assert reporters.get(token).json["app"] == other.id
    assert_error(reporters.get(token, app=demo.id), 403, "forbidden")


def test_an_app_role_overrides_the_every_app_one(two_apps, reporters):
    demo, _other = two_apps
    user = reporters.user("boss@finance.example", "finance", None)
    db.session.add(Membership(user_id=user.id, app_id=demo.id, role="viewer"))
    db.session.commit()
    assert_error(reporters.get(reporters.token(user), app=demo.id), 403, "forbidden")


def test_missing_unknown_and_malformed_tokens_are_401(demo, reporters):
    real = reporters.token_for("finance", demo.id)
    prefix = real.split("_")[1]
    for token, code in [
        (None, "missing_api_token"),
        ("", "missing_api_token"),
        ("not-a-token", "invalid_api_token"),
        ("sf_00000000_" + "a" * 43, "invalid_api_token"),
        (f"sf_{prefix}_" + "a" * 43, "invalid_api_token"),  # right prefix, wrong secret
        (real + "x", "invalid_api_token"),
        ("sf_\x00\x00_" + "a" * 43, "invalid_api_token"),
    ]:
        response = reporters.get(token)
        assert_error(response, 401, code)
        assert response.headers["WWW-Authenticate"].startswith('Bearer realm="saveflow"')
    basic = reporters.get(None, headers={"Authorization": "Basic Y2ZvOnNlY3JldA=="})
    assert_error(basic, 401, "missing_api_token")
    assert reporters.get(real).status_code == 200


def test_revoked_token_and_switched_off_owner_are_refused(demo, reporters):
    user = reporters.user("leaver@finance.example", "finance", demo.id)
    kept, revoked = reporters.token(user, "kept"), reporters.token(user, "revoked")
    assert reporters.get(revoked).status_code == 200
    api_tokens.revoke(api_tokens.find_by_prefix(revoked), utcnow(), "test")
    db.session.commit()
    assert_error(reporters.get(revoked), 401, "invalid_api_token")
    assert reporters.get(kept).status_code == 200
    user.active = False
    db.session.commit()
    assert_error(reporters.get(kept), 401, "invalid_api_token")


def test_use_is_stamped_at_most_once_a_minute(demo, reporters):
    token = reporters.token_for("finance", demo.id)
    row = api_tokens.find_by_prefix(token)
    assert row.last_used_at is None
    assert reporters.get(token).status_code == 200
    db.session.refresh(row)
    first = row.last_used_at
    assert first is not None
    assert reporters.get(token).status_code == 200
    db.session.refresh(row)
    assert row.last_used_at == first
    # The conditional write itself: not again within the minute, again after it.
    assert not api_tokens.touch(row.id, first + api_tokens.TOUCH_EVERY / 2)
    assert api_tokens.touch(row.id, first + api_tokens.TOUCH_EVERY)
    db.session.commit()
    db.session.refresh(row)
    assert row.last_used_at == first + api_tokens.TOUCH_EVERY
