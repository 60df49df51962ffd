"""One configuration object, read from the environment."""

import os
import secrets
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _sqlite_default() -> str:
    instance = ROOT / "instance"
    instance.mkdir(exist_ok=True)
    return f"sqlite:///{instance / 'saveflow.db'}"


def _secret_key() -> str:
    """Return SECRET_KEY, or a random key kept in instance/ so no deployment runs on a known one."""
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    path = ROOT / "instance" / "secret_key"
    path.parent.mkdir(exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()
    with os.fdopen(fd, "w") as handle:
        handle.write(secrets.token_urlsafe(48))
    return path.read_text().strip()


def _database_url(raw: str | None) -> str:
    """Return a SQLAlchemy URL, steering plain postgres URLs to the psycopg 3 driver."""
    if not raw:
        return _sqlite_default()
    for prefix in ("postgres://", "postgresql://"):
        if raw.startswith(prefix):
            return "postgresql+psycopg://" + raw[len(prefix) :]
    return raw


class Config:
    # Signs session bearer tokens: every web node of one deployment must share it.
    SECRET_KEY = _secret_key()
    SQLALCHEMY_DATABASE_URI = _database_url(os.environ.get("DATABASE_URL"))
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    # Request bodies above this are refused with 413 before any parsing.
    MAX_CONTENT_LENGTH = int(os.environ.get("SAVEFLOW_MAX_BODY", 16 * 1024))
    # How long an open session may sit idle before it counts as abandoned (SPEC §2).
    SAVEFLOW_IDLE_MINUTES = int(os.environ.get("SAVEFLOW_IDLE_MINUTES", 30))
    # Revenue horizon H in months for projected saved revenue (SPEC §7).
    SAVEFLOW_HORIZON_MONTHS = int(os.environ.get("SAVEFLOW_HORIZON_MONTHS", 12))
    # Customer tokens may not expire further ahead than this (SPEC §5).
    SAVEFLOW_TOKEN_MAX_TTL = int(os.environ.get("SAVEFLOW_TOKEN_MAX_TTL", 3600))
    SAVEFLOW_BILLING_PROVIDER = os.environ.get("SAVEFLOW_BILLING_PROVIDER", "none")
    # The demo (`GET /demo`, the demo host, a marked demo app) exists only when this is on.
    SAVEFLOW_DEMO = os.environ.get("SAVEFLOW_DEMO", "").lower() in ("1", "true", "yes")
    SAVEFLOW_DEMO_URL = os.environ.get("SAVEFLOW_DEMO_URL", "http://127.0.0.1:5001/")
    JSON_SORT_KEYS = False
