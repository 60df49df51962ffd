"""The database itself keeps accounts sane: lower-case unique emails, known roles, one
every-app membership per user."""

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from saveflow.extensions import db


def _insert(sql, **params):
    db.session.rollback()
    with db.engine.begin() as conn:
        conn.execute(text(sql), params)


def _user(uid, email):
    _insert(
        "INSERT INTO users (id, email, password_hash, active, created_at) "
        "VALUES (:id, :email, 'x', true, CURRENT_TIMESTAMP)",
        id=uid,
        email=email,
    )


def _membership(uid, app_id, role):
    _insert(
        "INSERT INTO memberships (user_id, app_id, role, created_at) "
        "VALUES (:u, :a, :r, CURRENT_TIMESTAMP)",
        u=uid,
        a=app_id,
        r=role,
    )


def test_emails_are_lower_case_and_unique(app):
    _user(1, "a@team.example")
    with pytest.raises(IntegrityError):
        _user(2, "B@team.example")
    with pytest.raises(IntegrityError):
        _user(3, "a@team.example")


def test_roles_are_checked_and_one_every_app_membership_per_user(app, demo):
    _user(1, "a@team.example")
    with pytest.raises(IntegrityError):
        _membership(1, demo.id, "owner")
    _membership(1, None, "viewer")
    with pytest.raises(IntegrityError):
        _membership(1, None, "admin")
    _membership(1, demo.id, "admin")
    with pytest.raises(IntegrityError):
        _membership(1, demo.id, "editor")
