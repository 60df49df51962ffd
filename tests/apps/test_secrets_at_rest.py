"""App signing secrets are Fernet ciphertext in the database and plaintext only in Python."""

import logging
import stat

import pytest
from cryptography.fernet import Fernet, InvalidToken
from flask_migrate import downgrade, upgrade
from sqlalchemy import insert, text
from sqlalchemy.exc import DBAPIError

from saveflow import crypto
from saveflow.app import MIGRATIONS
from saveflow.extensions import db
from saveflow.models import App
from tests.conftest import ENCRYPTION_KEY, ORIGIN


def stored(app_id: str) -> tuple[str, str]:
    """Read an app's secrets as the table holds them, past the column type."""
    row = db.session.execute(
        text("SELECT live_secret, test_secret FROM apps WHERE id = :id"), {"id": app_id}
    ).one()
    return row.live_secret, row.test_secret


def reloaded(app_id: str) -> App:
    """Load an app afresh from the database rather than from the session's identity map."""
    db.session.rollback()
    db.session.expunge_all()
    record = db.session.get(App, app_id)
    assert record is not None
    return record


def use_keys(app, value: str | None) -> None:
    """Rebind the app's keyring as if it had started with SAVEFLOW_ENCRYPTION_KEY=value."""
    app.config["SAVEFLOW_ENCRYPTION_KEY"] = value
    crypto.init_app(app)


def rotate(app):
    db.session.rollback()  # the command's own transaction needs SQLite's write lock
    return app.test_cli_runner().invoke(args=["saveflow", "rotate-encryption-key"])


def decrypts_with(key: str, token: str) -> str:
    return Fernet(key.encode()).decrypt(token.encode()).decode()


def test_the_table_holds_fernet_tokens_not_secrets(demo):
    for plaintext, token in zip((demo.live_secret, demo.test_secret), stored(demo.id), strict=True):
        assert plaintext.startswith("sk_")
        assert plaintext not in token
        assert token.startswith("gAAAAA")  # Fernet's version byte and timestamp
        assert decrypts_with(ENCRYPTION_KEY, token) == plaintext


def test_the_model_returns_plaintext(demo):
    live, test = demo.live_secret, demo.test_secret
    record = reloaded(demo.id)
    assert record is not demo
    assert (record.live_secret, record.test_secret) == (live, test)
    assert record.secret_for("test") == test


def test_a_token_signed_with_the_secret_starts_a_session(flow):
    reloaded(flow.app.id)
    response = flow.start()
    assert response.status_code == 201, response.json
    assert flow.start(token=flow.token).status_code == 401  # a session token is no customer token


def test_rotation_reencrypts_with_the_first_key(app, demo):
    live, test = demo.live_secret, demo.test_secret
    new = Fernet.generate_key().decode()
    use_keys(app, f"{new},{ENCRYPTION_KEY}")
    result = rotate(app)
    assert result.exit_code == 0, result.output
    assert "Re-encrypted 2 value(s)" in result.output
    assert live not in result.output and test not in result.output
    tokens = stored(demo.id)
    assert [decrypts_with(new, token) for token in tokens] == [live, test]
    for token in tokens:
        with pytest.raises(InvalidToken):
            decrypts_with(ENCRYPTION_KEY, token)
    use_keys(app, new)  # the old key can now go
    assert reloaded(demo.id).live_secret == live


def test_rotation_refuses_a_single_configured_key(app, demo):
    result = rotate(app)
    assert result.exit_code != 0
    assert "SAVEFLOW_ENCRYPTION_KEY" in result.output and "new,old" in result.output


def test_rotation_with_the_instance_key_file(app, tmp_path):
    from saveflow.apps.setup import create_app_with_defaults

    app.instance_path = str(tmp_path)
    use_keys(app, None)
    key_file = tmp_path / "encryption_key"
    old = key_file.read_text().strip()
    use_keys(app, None)
    assert key_file.read_text().strip() == old  # created once, then kept
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    record = create_app_with_defaults("Acme", [ORIGIN], actor="test")
    db.session.commit()
    app_id, live = record.id, record.live_secret
    assert decrypts_with(old, stored(app_id)[0]) == live

    result = rotate(app)
    assert result.exit_code == 0, result.output
    assert live not in result.output
    new = key_file.read_text().strip()
    assert new != old and "\n" not in new  # only the new key is left
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    token = stored(app_id)[0]
    assert decrypts_with(new, token) == live
    with pytest.raises(InvalidToken):
        decrypts_with(old, token)
    assert reloaded(app_id).live_secret == live  # the running app took up the new key
    use_keys(app, None)
    assert reloaded(app_id).live_secret == live  # and so does the next start


def test_a_wrong_key_fails_loudly(app, flow):
    secret = flow.app.live_secret
    use_keys(app, Fernet.generate_key().decode())
    with pytest.raises(crypto.UndecryptableValue, match="SAVEFLOW_ENCRYPTION_KEY") as failure:
        reloaded(flow.app.id)
    assert secret not in str(failure.value)
    db.session.rollback()
    response = flow.start()
    assert response.status_code == 500
    assert secret not in response.get_data(as_text=True)


@pytest.mark.parametrize("value", ["not-a-fernet-key", f"{ENCRYPTION_KEY},short"])
def test_a_malformed_key_is_refused_without_echoing_it(app, value):
    with pytest.raises(ValueError, match="SAVEFLOW_ENCRYPTION_KEY") as failure:
        use_keys(app, value)
    assert "short" not in str(failure.value) and "not-a-fernet-key" not in str(failure.value)


def test_the_migration_encrypts_plaintext_rows(demo):
    app_id, live, test = demo.id, demo.live_secret, demo.test_secret
    db.session.rollback()
    try:
        downgrade(directory=str(MIGRATIONS), revision="0001")
        assert stored(app_id) == (live, test)  # the downgrade decrypted them back
        db.session.execute(
            text(
                "INSERT INTO apps (id, name, live_secret, test_secret, allowed_origins, locales,"
                " default_locale, compliance_mode, billing_provider, settings, created_at)"
                " SELECT 'app_legacy', name, 'sk_live_legacy', 'sk_test_legacy',"
                " allowed_origins, locales, default_locale, compliance_mode, billing_provider,"
                " settings, created_at FROM apps WHERE id = :id"
            ),
            {"id": app_id},
        )
        db.session.commit()
    finally:
        db.session.rollback()
        upgrade(directory=str(MIGRATIONS))
    legacy = ("sk_live_legacy", "sk_test_legacy")
    for row_id, secrets in ((app_id, (live, test)), ("app_legacy", legacy)):
        for plaintext, token in zip(secrets, stored(row_id), strict=True):
            assert plaintext not in token
            assert decrypts_with(ENCRYPTION_KEY, token) == plaintext
    record = reloaded("app_legacy")
    assert (record.live_secret, record.test_secret) == legacy
    assert reloaded(app_id).live_secret == live


def test_secrets_stay_out_of_logs_and_errors(demo, caplog):
    secret = demo.live_secret
    caplog.set_level(logging.DEBUG, logger="sqlalchemy.engine")  # statements, parameters, rows
    assert reloaded(demo.id).live_secret == secret
    db.session.expunge_all()
    failing = [
        # A duplicate app: the ORM binds the secret through the column type.
        lambda: db.session.add(App(id=demo.id, name="Copy", live_secret=secret, test_secret="x")),
        # NOT NULL columns missing: PostgreSQL's message quotes the whole failing row.
        lambda: db.session.execute(insert(App).values(id="app_x", live_secret=secret)),
        # A statement that fails with the secret as a plain bound parameter.
        lambda: db.session.execute(
            text("SELECT id FROM apps WHERE no_such_column = :secret"), {"secret": secret}
        ),
    ]
    errors = []
    for statement in failing:
        with pytest.raises(DBAPIError) as failure:
            statement()
            db.session.flush()
        errors.append(str(failure.value))
        db.session.rollback()
    assert "SELECT" in caplog.text and "INSERT INTO apps" in caplog.text  # logging was on
    for shown in (caplog.text, *errors):
        assert secret not in shown
