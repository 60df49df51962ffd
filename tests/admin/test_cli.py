"""`flask saveflow create-user` and `demo-admin`."""

import logging

import pytest
from sqlalchemy import select

from saveflow.accounts.models import Membership, User
from saveflow.accounts.service import authenticate
from saveflow.db import utcnow
from saveflow.extensions import db

SECRET = "a long enough secret"


def run(app, *args, input=None):
    return app.test_cli_runner().invoke(args=["saveflow", *args], input=input)


def test_create_user_from_stdin_never_echoes_the_password(app, demo, caplog):
    caplog.set_level(logging.DEBUG)
    result = run(
        app, "create-user", "Ops@Team.example", "--role", "editor", "--app", demo.id,
        "--password-stdin", input=SECRET + "\n",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert result.output.strip() == f"Created ops@team.example as editor on app {demo.id}"
    assert SECRET not in result.output and SECRET not in caplog.text
    user = db.session.scalar(select(User).where(User.email == "ops@team.example"))
    assert user is not None and SECRET not in user.password_hash
    membership = db.session.scalar(select(Membership).where(Membership.user_id == user.id))
    assert (membership.app_id, membership.role) == (demo.id, "editor")
    assert authenticate("OPS@team.example", SECRET, utcnow()) is not None


def test_create_user_prompts_hidden_twice(app):
    result = run(app, "create-user", "a@team.example", "--role", "admin", input=f"{SECRET}\n" * 2)
    assert result.exit_code == 0, result.output
    assert result.output.count("Password") == 1 and "Repeat for confirmation" in result.output
    assert SECRET not in result.output
    mismatch = run(
        app,
        "create-user",
        "b@team.example",
        "--role",
        "admin",
        input=f"{SECRET}\nother one 12345\n",
    )
    assert mismatch.exit_code != 0 and SECRET not in mismatch.output


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (["x@team.example", "--role", "admin"], "short\n", "at least 12"),
        (["not-an-email", "--role", "admin"], SECRET + "\n", "valid email"),
        (["x@team.example", "--role", "owner"], SECRET + "\n", "Invalid value for '--role'"),
        (["x@team.example", "--role", "admin", "--app", "app_nope"], SECRET + "\n", "No app"),
    ],
)
def test_create_user_refusals(app, args, stdin, message):
    result = run(app, "create-user", *args, "--password-stdin", input=stdin)
    assert result.exit_code != 0 and message in result.output
    assert db.session.scalar(select(User)) is None


def test_create_user_refuses_a_taken_email_whatever_its_case(app):
    assert run(app, "create-user", "a@team.example", "--role", "admin", "--password-stdin",
               input=SECRET).exit_code == 0  # fmt: skip
    again = run(
        app, "create-user", "A@TEAM.example", "--role", "viewer", "--password-stdin", input=SECRET
    )
    assert again.exit_code != 0 and "exists" in again.output


def test_demo_admin_only_under_demo_and_only_on_an_empty_user_table(app, tmp_path, monkeypatch):
    monkeypatch.setattr(app, "instance_path", str(tmp_path))
    assert run(app, "demo-admin").exit_code != 0
    app.config["SAVEFLOW_DEMO"] = True
    first = run(app, "demo-admin")
    assert first.exit_code == 0, first.output
    password = (tmp_path / "demo_admin_password").read_text().strip()
    assert first.output.strip() == (
        f"Admin: http://127.0.0.1:5000/admin/login  admin@example.com / {password}"
    )
    assert (tmp_path / "demo_admin_password").stat().st_mode & 0o077 == 0
    assert run(app, "demo-admin").output == first.output  # same password, no second user
    assert len(db.session.scalars(select(User)).all()) == 1
    assert authenticate("admin@example.com", password, utcnow()) is not None


def test_demo_admin_stays_quiet_when_real_users_exist(app, tmp_path, monkeypatch):
    monkeypatch.setattr(app, "instance_path", str(tmp_path))
    app.config["SAVEFLOW_DEMO"] = True
    run(
        app, "create-user", "real@team.example", "--role", "admin", "--password-stdin", input=SECRET
    )
    result = run(app, "demo-admin")
    assert result.exit_code == 0 and result.output == ""
    assert db.session.scalar(select(User).where(User.email == "admin@example.com")) is None


@pytest.mark.real_password_hashing
def test_passwords_are_hashed_with_scrypt(app, demo):
    result = run(
        app, "create-user", "ops@team.example", "--role", "viewer", "--password-stdin",
        input=SECRET + "\n",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User).where(User.email == "ops@team.example"))
    assert user.password_hash.startswith("scrypt:")
    assert authenticate("ops@team.example", SECRET, utcnow()) is not None
