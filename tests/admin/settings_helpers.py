"""Helpers for the tests of the apps, settings, secrets, Stripe and team pages."""

from sqlalchemy import select

from saveflow.apps.models import AuditEntry
from saveflow.extensions import db
from tests.admin.conftest import csrf_from


def post(client, url, data=None, prefix=None):
    """POST a form as the browser does, with the CSRF token (prefixed too, for per-mode forms)."""
    token = csrf_from(client.get("/admin/").text)
    body = {"csrf_token": token, **(data or {})}
    if prefix:
        body[f"{prefix}-csrf_token"] = token
    return client.post(url, data=body)


def settings_form(app, **changes):
    """The settings form of an app as it stands, with some fields changed."""
    overrides = app.settings.get("compliance_by_country") or {}
    data = {
        "name": app.name,
        "allowed_origins": "\n".join(app.allowed_origins),
        "compliance_mode": app.compliance_mode,
        "locales": list(app.locales),
        "default_locale": app.default_locale,
        "max_offers": str(app.settings.get("max_offers", 2)),
        "cancel_immediately": "now" if app.settings.get("cancel_immediately") else "period_end",
        "horizon_months": str(app.settings.get("horizon_months") or ""),
    }
    for n, (code, mode) in enumerate(sorted(overrides.items())):
        data[f"countries-{n}-country"], data[f"countries-{n}-mode"] = code, mode
    if app.settings.get("randomize_reasons"):
        data["randomize_reasons"] = "y"
    if app.settings.get("allow_pause_annual"):
        data["allow_pause_annual"] = "y"
    data.update(changes)
    return data


def fresh(model, key):
    """Read a row as the requests left it (a rollback outside a transaction expires nothing)."""
    db.session.rollback()
    db.session.expire_all()
    return db.session.get(model, key)


def audit_entries(app_id, action):
    db.session.rollback()
    return list(
        db.session.scalars(
            select(AuditEntry)
            .where(AuditEntry.app_id == app_id, AuditEntry.action == action)
            .order_by(AuditEntry.id)
        )
    )
