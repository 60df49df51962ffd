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


def _flag(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return raw.strip().lower() not in ("0", "off", "false", "no", "")


def _optional_flag(name: str) -> bool | None:
    return None if os.environ.get(name) is None else _flag(name, True)


def _hosts(raw: str | None) -> list[str] | None:
    return [h.strip() for h in raw.split(",") if h.strip()] if raw else None


class Config:
    # Signs session bearer tokens: every web node of one deployment must share it.
    SECRET_KEY = _secret_key()
    SQLALCHEMY_DATABASE_URI = _database_url(os.environ.get("DATABASE_URL"))
    # Engine options (pool, timeouts, hidden parameters) are derived from the settings below;
    # hide_parameters keeps bound values (secrets) out of failing statements and the SQL log.
    SQLALCHEMY_ENGINE_OPTIONS: dict = {}
    # A database that stops answering must give a fast 503, never a hung worker.
    SAVEFLOW_DB_CONNECT_TIMEOUT = int(os.environ.get("SAVEFLOW_DB_CONNECT_TIMEOUT", 3))
    SAVEFLOW_DB_STATEMENT_TIMEOUT_MS = int(os.environ.get("SAVEFLOW_DB_STATEMENT_TIMEOUT_MS", 5000))
    SAVEFLOW_DB_LOCK_TIMEOUT_MS = int(os.environ.get("SAVEFLOW_DB_LOCK_TIMEOUT_MS", 3000))
    SAVEFLOW_DB_POOL_TIMEOUT = int(os.environ.get("SAVEFLOW_DB_POOL_TIMEOUT", 3))
    # Fernet keys for secrets at rest, comma-separated, first encrypts (see saveflow/crypto.py).
    SAVEFLOW_ENCRYPTION_KEY = os.environ.get("SAVEFLOW_ENCRYPTION_KEY")
    # Request bodies above this are refused with 413 before any parsing.
    MAX_CONTENT_LENGTH = int(os.environ.get("SAVEFLOW_MAX_BODY", 16 * 1024))
    # How long an open session may sit idle before it counts as abandoned.
    SAVEFLOW_IDLE_MINUTES = int(os.environ.get("SAVEFLOW_IDLE_MINUTES", 30))
    # Revenue horizon H in months for projected saved revenue.
    SAVEFLOW_HORIZON_MONTHS = int(os.environ.get("SAVEFLOW_HORIZON_MONTHS", 12))
    # Customer tokens may not expire further ahead than this.
    SAVEFLOW_TOKEN_MAX_TTL = int(os.environ.get("SAVEFLOW_TOKEN_MAX_TTL", 3600))
    # A session bearer token stops working this long after the session's last activity; calls on
    # a decided session do not count as activity, so its token ends this long after the decision.
    SAVEFLOW_SESSION_TOKEN_TTL = int(os.environ.get("SAVEFLOW_SESSION_TOKEN_TTL", 3600))
    # Every Stripe call goes here instead of api.stripe.com when set (emulators, tests).
    STRIPE_API_BASE = os.environ.get("STRIPE_API_BASE")
    # saveflow's public URL, for the links commands print (the webhook endpoint).
    SAVEFLOW_URL = os.environ.get("SAVEFLOW_URL")
    # Seconds one billing-provider call may take before the customer gets an honest error.
    SAVEFLOW_BILLING_TIMEOUT = float(os.environ.get("SAVEFLOW_BILLING_TIMEOUT", 5))
    # Where Stripe's billing portal sends a customer back after updating a card.
    SAVEFLOW_BILLING_RETURN_URL = os.environ.get("SAVEFLOW_BILLING_RETURN_URL")
    # Seconds a webhook's signature stays acceptable (Stripe's own default is 300).
    SAVEFLOW_WEBHOOK_TOLERANCE = int(os.environ.get("SAVEFLOW_WEBHOOK_TOLERANCE", 300))
    # Largest webhook body in bytes: Stripe's events outgrow the API's body limit.
    SAVEFLOW_WEBHOOK_MAX_BODY = int(os.environ.get("SAVEFLOW_WEBHOOK_MAX_BODY", 512 * 1024))
    # Email goes through SendGrid when a key is set; without one, messages go to the log
    # backend and stay readable in the admin from their outbox rows.
    SENDGRID_API_KEY = os.environ.get("SENDGRID_API_KEY") or None
    # Another base URL for every SendGrid call (a fake in tests, a regional host).
    SENDGRID_HOST = os.environ.get("SENDGRID_HOST") or None
    # The deployment's sender address, for apps that do not set their own.
    SAVEFLOW_EMAIL_FROM = os.environ.get("SAVEFLOW_EMAIL_FROM") or None
    # Seconds one SendGrid call may take; a hung server then fails fast and is retried later.
    SAVEFLOW_MAIL_TIMEOUT = float(os.environ.get("SAVEFLOW_MAIL_TIMEOUT", 10))
    # Seconds an outbound webhook receiver may take to answer before the try counts as failed.
    SAVEFLOW_WEBHOOK_TIMEOUT = float(os.environ.get("SAVEFLOW_WEBHOOK_TIMEOUT", 10))
    # A save still on after V days is confirmed; one cancelled within W days is a boomerang.
    SAVEFLOW_SAVE_CONFIRM_DAYS = int(os.environ.get("SAVEFLOW_SAVE_CONFIRM_DAYS", 30))
    SAVEFLOW_BOOMERANG_DAYS = int(os.environ.get("SAVEFLOW_BOOMERANG_DAYS", 90))
    # A worker holds a claimed outbox message this long; if it dies mid-send, the message falls
    # due again after it (receivers de-duplicate by the delivery id).
    SAVEFLOW_DELIVERY_LEASE_SECONDS = int(os.environ.get("SAVEFLOW_DELIVERY_LEASE_SECONDS", 120))
    # The demo (`GET /demo`, the demo host, a marked demo app) exists only when this is on.
    SAVEFLOW_DEMO = os.environ.get("SAVEFLOW_DEMO", "").lower() in ("1", "true", "yes")
    SAVEFLOW_DEMO_URL = os.environ.get("SAVEFLOW_DEMO_URL", "http://127.0.0.1:5001/")
    JSON_SORT_KEYS = False

    # The edge: reverse proxies in front (X-Forwarded-* hops trusted), accepted Host names.
    SAVEFLOW_PROXY_HOPS = int(os.environ.get("SAVEFLOW_PROXY_HOPS", 0))
    TRUSTED_HOSTS = _hosts(os.environ.get("SAVEFLOW_TRUSTED_HOSTS"))
    # HSTS max-age sent on HTTPS responses.
    SAVEFLOW_HSTS_SECONDS = int(os.environ.get("SAVEFLOW_HSTS_SECONDS", 31536000))

    # The admin's sign-in cookie: Secure unless set off here; when unset it is Secure except
    # under DEBUG, TESTING or SAVEFLOW_DEMO (a developer's plain-HTTP machine). Never readable
    # by scripts, and not sent on cross-site posts.
    SESSION_COOKIE_SECURE = _optional_flag("SAVEFLOW_SESSION_COOKIE_SECURE")
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    # Admin sign-in attempts allowed per address.
    SAVEFLOW_LIMIT_ADMIN_LOGINS = os.environ.get("SAVEFLOW_LIMIT_ADMIN_LOGINS", "10/minute")

    # Rate limits (Flask-Limiter syntax). Shared through Redis when REDIS_URL is set, so several
    # web nodes count together; in process memory otherwise. SAVEFLOW_RATE_LIMITS=off disables.
    SAVEFLOW_RATE_LIMITS = _flag("SAVEFLOW_RATE_LIMITS", True)
    REDIS_URL = os.environ.get("REDIS_URL")
    SAVEFLOW_LIMIT_DEFAULT = os.environ.get("SAVEFLOW_LIMIT_DEFAULT", "1200/minute")
    SAVEFLOW_LIMIT_STARTS_PER_IP = os.environ.get("SAVEFLOW_LIMIT_STARTS_PER_IP", "300/minute")
    SAVEFLOW_LIMIT_STARTS_PER_APP = os.environ.get("SAVEFLOW_LIMIT_STARTS_PER_APP", "6000/minute")
    SAVEFLOW_LIMIT_TOKEN_FAILURES_PER_IP = os.environ.get(
        "SAVEFLOW_LIMIT_TOKEN_FAILURES_PER_IP", "30/minute"
    )
    SAVEFLOW_LIMIT_TOKEN_FAILURES_PER_APP = os.environ.get(
        "SAVEFLOW_LIMIT_TOKEN_FAILURES_PER_APP", "600/minute"
    )
    SAVEFLOW_LIMIT_SESSION_CALLS = os.environ.get("SAVEFLOW_LIMIT_SESSION_CALLS", "120/minute")
    SAVEFLOW_LIMIT_FLOW_PAGES = os.environ.get("SAVEFLOW_LIMIT_FLOW_PAGES", "300/minute")
    # Stripe sends from few addresses for every app, so webhooks are limited per app only.
    SAVEFLOW_LIMIT_WEBHOOKS_PER_APP = os.environ.get(
        "SAVEFLOW_LIMIT_WEBHOOKS_PER_APP", "6000/minute"
    )
    # The reports API: per API token, and per address (whatever the token, valid or not).
    SAVEFLOW_LIMIT_REPORTS_PER_TOKEN = os.environ.get(
        "SAVEFLOW_LIMIT_REPORTS_PER_TOKEN", "60/minute"
    )
    SAVEFLOW_LIMIT_REPORTS_PER_IP = os.environ.get("SAVEFLOW_LIMIT_REPORTS_PER_IP", "120/minute")
    RATELIMIT_KEY_PREFIX = os.environ.get("SAVEFLOW_RATE_LIMIT_PREFIX", "saveflow")
    # Failed token checks and rate-limit trips are counted per app and written in batches.
    SAVEFLOW_SECURITY_FLUSH_SECONDS = int(os.environ.get("SAVEFLOW_SECURITY_FLUSH_SECONDS", 10))
