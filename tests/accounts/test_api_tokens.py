"""API tokens: made from the command line, shown once, stored as a digest, listed and revoked."""

import hashlib

from sqlalchemy import select, text

from saveflow.accounts import api_tokens
from saveflow.accounts.models import ApiToken
from saveflow.accounts.service import create_user
from saveflow.apps.models import AuditEntry
from saveflow.extensions import db

URL = "/api/v1/reports/saved-revenue"


def _cli(app, *args):
    return app.test_cli_runner().invoke(args=["saveflow", "api-token", *args])


def _finance(demo, email="cfo@finance.example"):
    user = create_user(email, "correct horse battery", "finance", demo.id)
    db.session.commit()
    return user


def _report(client, token):
    return client.get(URL, headers={"Authorization": f"Bearer {token}"})


def test_create_prints_the_token_alone_on_its_last_line_and_it_works(app, client, demo):
    _finance(demo)
    result = _cli(app, "create", "--user", "CFO@finance.example", "--name", "Month-end export")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    token = lines[-1]
    assert api_tokens.SHAPE.fullmatch(token), lines
    assert "shown this once" in result.output
    # Only the token goes to standard output, so `TOKEN=$(flask … api-token create …)` works.
    assert result.stdout.strip() == token
    assert _report(client, token).status_code == 200


def test_only_the_digest_is_stored(app, client, demo):
    _finance(demo)
    token = _cli(app, "create", "--user", "cfo@finance.example").output.splitlines()[-1]
    secret = token.split("_", 2)[2]
    (row,) = db.session.scalars(select(ApiToken)).all()
    assert row.digest == hashlib.sha256(secret.encode()).hexdigest()
    assert (row.prefix, row.name) == (token.split("_")[1], api_tokens.DEFAULT_NAME)
    stored = db.session.execute(text("SELECT * FROM api_tokens")).one()
    assert not any(secret in str(value) for value in stored)
    # Nor does the audit log hold it.
    entries = db.session.scalars(select(AuditEntry).where(AuditEntry.app_id == demo.id)).all()
    created = [e for e in entries if e.action == "api_token.created"]
    assert [e.actor for e in created] == ["cli"]
    assert created[0].data["after"]["prefix"] == row.prefix
    assert all(secret not in str(e.data) and row.digest not in str(e.data) for e in entries)


def test_list_shows_prefixes_and_states_never_tokens(app, demo):
    _finance(demo)
    first = _cli(app, "create", "--user", "cfo@finance.example", "--name", "one")
    second = _cli(app, "create", "--user", "cfo@finance.example", "--name", "two")
    revoked = first.output.splitlines()[-1]
    assert _cli(app, "revoke", revoked.split("_")[0] + "_" + revoked.split("_")[1]).exit_code == 0
    listed = _cli(app, "list", "--user", "cfo@finance.example").output
    for made in (first, second):
        token = made.output.splitlines()[-1]
        assert f"sf_{token.split('_')[1]}_…" in listed
        assert token not in listed
    assert "revoked" in listed and "active" in listed
    assert listed.index("two") < listed.index("one")  # newest first


def test_revoked_token_is_refused(app, client, demo):
    _finance(demo)
    token = _cli(app, "create", "--user", "cfo@finance.example").output.splitlines()[-1]
    assert _report(client, token).status_code == 200
    result = _cli(app, "revoke", token, "--user", "cfo@finance.example")
    assert result.exit_code == 0 and "Revoked" in result.output
    refused = _report(client, token)
    assert refused.status_code == 401
    assert refused.json["code"] == "invalid_api_token"
    assert "revoked already" in _cli(app, "revoke", token).output
    actions = db.session.scalars(
        select(AuditEntry.action).where(AuditEntry.app_id == demo.id).order_by(AuditEntry.id)
    ).all()
    assert actions[-2:] == ["api_token.created", "api_token.revoked"]


def test_revoke_checks_the_owner_when_named(app, client, demo):
    _finance(demo)
    _finance(demo, "other@finance.example")
    token = _cli(app, "create", "--user", "cfo@finance.example").output.splitlines()[-1]
    result = _cli(app, "revoke", token, "--user", "other@finance.example")
    assert result.exit_code != 0 and "No such API token" in result.output
    assert _report(client, token).status_code == 200


def test_unknown_user_and_bad_name_are_refused(app, demo):
    assert "No user" in _cli(app, "create", "--user", "nobody@example.com").output
    _finance(demo)
    result = _cli(app, "create", "--user", "cfo@finance.example", "--name", "x" * 101)
    assert result.exit_code != 0 and "100" in result.output
    assert db.session.scalars(select(ApiToken)).all() == []


def test_no_token_for_a_switched_off_account(app, demo):
    user = _finance(demo)
    user.active = False
    db.session.commit()
    result = _cli(app, "create", "--user", "cfo@finance.example")
    assert result.exit_code != 0 and "switched off" in result.output
    assert db.session.scalars(select(ApiToken)).all() == []


def test_each_token_is_new(app, demo):
    user = _finance(demo)
    made = {api_tokens.issue(user, None, "test")[1] for _ in range(5)}
    assert len(made) == 5
    assert len({token.split("_")[1] for token in made}) == 5


def test_a_deleted_user_takes_their_tokens(app, demo):
    user = _finance(demo)
    api_tokens.issue(user, "gone", "test")
    db.session.commit()
    db.session.delete(user)
    db.session.commit()
    assert db.session.scalars(select(ApiToken)).all() == []
