"""Fixtures: an app on a migrated database (SQLite by default, PostgreSQL via TEST_DATABASE_URL)."""

import json
import os
import shutil
import time
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from flask_migrate import upgrade
from sqlalchemy import create_engine, text

from saveflow.app import MIGRATIONS, create_app
from saveflow.config import Config, _database_url
from saveflow.extensions import db

DEFAULT_SNAPSHOT = {
    "plan": "pro",
    "plan_name": "Pro",
    "amount": 4900,
    "currency": "usd",
    "interval": "month",
    "interval_count": 1,
    "quantity": 1,
    "status": "active",
    "started_at": "2025-03-15T10:00:00+00:00",
}
DEMO_DOWNGRADES = {"pro": {"plan": "starter", "name": "Starter", "amount": 1900}}
ORIGIN = "https://shop.example"
# A fixed Fernet key, so tests never create or read instance/encryption_key.
ENCRYPTION_KEY = "uhk3ZOOi-60N9SedyCbgiTtH7gQC5VIffZ5-MfGpxek="


def _test_url() -> str | None:
    raw = os.environ.get("TEST_DATABASE_URL")
    return _database_url(raw) if raw else None


def _config(url: str) -> type[Config]:
    class TestConfig(Config):
        TESTING = True
        SECRET_KEY = "test-secret-key"
        SAVEFLOW_ENCRYPTION_KEY = ENCRYPTION_KEY
        SQLALCHEMY_DATABASE_URI = url

    return TestConfig


def _migrate(url: str) -> None:
    app = create_app(_config(url))
    with app.app_context():
        upgrade(directory=str(MIGRATIONS))
        db.engine.dispose()


@pytest.fixture(scope="session")
def database(tmp_path_factory):
    """Migrate once; yield a function that hands each test a clean database URL."""
    url = _test_url()
    if url is None or url.startswith("sqlite"):
        template = tmp_path_factory.mktemp("db") / "template.db"
        _migrate(f"sqlite:///{template}")
        counter = iter(range(10**9))

        def fresh() -> str:
            copy = template.with_name(f"test-{next(counter)}.db")
            shutil.copy(template, copy)
            return f"sqlite:///{copy}"

        yield "sqlite", fresh
        return
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    _migrate(url)
    # Every table the models declare (alembic_version is not one of them).
    tables = ", ".join(table.name for table in db.metadata.sorted_tables)

    def fresh() -> str:
        # TRUNCATE fires no row triggers, so the append-only guards stay in place.
        with engine.begin() as conn:
            conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        return url

    yield "postgresql", fresh
    engine.dispose()


class IsolatedClient(FlaskClient):
    """Each request runs in its own app context and database session, as in production."""

    def open(self, *args, **kwargs):
        # End the test's own read transaction so the request can take SQLite's write lock, and
        # afterwards start afresh so the test sees what the request committed.
        db.session.rollback()
        with self.application.app_context():
            response = super().open(*args, **kwargs)
        db.session.rollback()
        return response


@pytest.fixture
def app(database):
    _kind, fresh = database
    application = create_app(_config(fresh()))
    application.test_client_class = IsolatedClient
    with application.app_context():
        yield application
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def demo(app):
    """A committed app with the default taxonomy, offers and published rules."""
    from saveflow.apps.setup import create_app_with_defaults

    record = create_app_with_defaults(
        "Acme", [ORIGIN], downgrade_targets=DEMO_DOWNGRADES, actor="test"
    )
    db.session.commit()
    return record


def make_token(
    app_record,
    customer="cus_1",
    subscription="sub_1",
    mode="live",
    snapshot=None,
    exp_in=600,
    **extra,
):
    from saveflow.sessions.tokens import sign

    claims = {
        "app": app_record.id,
        "customer": customer,
        "subscription": subscription,
        "mode": mode,
        "exp": int(time.time()) + exp_in,
        "snapshot": DEFAULT_SNAPSHOT if snapshot is None else snapshot,
        **extra,
    }
    if snapshot is False:
        del claims["snapshot"]
    return sign(app_record.secret_for(mode), claims)


class FlowActions:
    """Drive the public API like the widget does."""

    def __init__(self, client, app_record):
        self.client = client
        self.app = app_record
        self.session_id = None
        self.token = None

    def start(self, locale="en", attributes=None, token=None, **token_kwargs):
        body = {
            "app_id": self.app.id,
            "token": token or make_token(self.app, **token_kwargs),
            "locale": locale,
            "attributes": {"first_name": "Ada"} if attributes is None else attributes,
        }
        response = self.client.post("/api/v1/sessions", json=body)
        if response.status_code in (200, 201):
            self.session_id = response.json["session_id"]
            self.token = response.json["session_token"]
        return response

    def _headers(self):
        return {"Authorization": f"Bearer {self.token}"}

    def post(self, path, body=None):
        return self.client.post(
            f"/api/v1/sessions/{self.session_id}{path}",
            data=json.dumps(body or {}),
            headers=self._headers(),
            content_type="application/json",
        )

    def get(self):
        return self.client.get(f"/api/v1/sessions/{self.session_id}", headers=self._headers())

    def answer(self, reason_id, comment=None):
        return self.post("/answer", {"reason_id": reason_id, "comment": comment})

    def accept(self, offer_id):
        return self.post(f"/offers/{offer_id}/accept")

    def decline(self, offer_id):
        return self.post(f"/offers/{offer_id}/decline")


@pytest.fixture
def flow(client, demo):
    return FlowActions(client, demo)


@pytest.fixture(autouse=True)
def _quick_password_hashing(request, monkeypatch):
    """Hash test passwords with a cheap work factor: role matrices sign in hundreds of times.

    Production keeps werkzeug's default (scrypt); `test_passwords_are_hashed_with_scrypt`
    opts out and checks that.
    """
    if "real_password_hashing" in request.keywords:
        return
    from werkzeug.security import generate_password_hash

    from saveflow.accounts import service

    monkeypatch.setattr(
        service,
        "generate_password_hash",
        lambda password: generate_password_hash(password, method="pbkdf2:sha256:1000"),
    )


# Debian's Chromium, driven by Playwright; never a downloaded browser.
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():
    """One Chromium for the whole run: Playwright's sync API allows one instance at a time."""
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is missing; run `bash .ci/ensure-chromium` (make test does)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
