"""An app's signing secrets: rotate one, see the new one once, keep the old one for a while."""

from flask import make_response, render_template, request
from sqlalchemy import select

from saveflow.admin import bp
from saveflow.admin.app_forms import RotateForm
from saveflow.admin.auth import require_role
from saveflow.admin.changes import record
from saveflow.admin.sessions import admin_app
from saveflow.apps.models import MODES, App, AuditEntry
from saveflow.apps.secrets import Rotated, grace_ends, rotate_secret
from saveflow.db import utcnow
from saveflow.extensions import db


def _last_rotated(app_id: str) -> dict:
    entries = db.session.scalars(
        select(AuditEntry)
        .where(AuditEntry.app_id == app_id, AuditEntry.action == "secret.rotated")
        .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
        .limit(20)
    )
    found: dict = {}
    for entry in entries:
        found.setdefault(entry.target.removeprefix("secret:"), entry)
    return found


def _page(app: App, forms: dict, rotated: Rotated | None = None, status: int = 200):
    now = utcnow()
    html = render_template(
        "admin/app_secrets.html",
        app=app,
        forms=forms,
        rotated=rotated,
        grace={mode: grace_ends(app, mode, now) for mode in MODES},
        last_rotated=_last_rotated(app.id),
    )
    response = make_response(html, status)
    # A page that may hold a new secret is never stored by the browser or any proxy.
    response.headers["Cache-Control"] = "no-store"
    return response


def _forms(posted: dict | None = None) -> dict:
    return {mode: RotateForm(formdata=None, prefix=mode) for mode in MODES} | (posted or {})


@bp.get("/apps/<app_id>/secrets")
@require_role()
def app_secrets(app_id: str):
    return _page(admin_app(app_id), _forms())


@bp.post("/apps/<app_id>/secrets")
@require_role()
def app_secrets_rotate(app_id: str):
    app = admin_app(app_id)
    mode = request.form.get("mode", "")
    if mode not in MODES:
        return _page(app, _forms(), status=400)
    form = RotateForm(prefix=mode)
    if not form.validate():
        return _page(app, _forms({mode: form}), status=400)
    rotated = rotate_secret(app, mode, form.grace.data, utcnow())
    until = rotated.old_valid_until.isoformat() if rotated.old_valid_until else None
    record(
        app_id,
        "secret.rotated",
        f"secret:{mode}",
        {"secret": "(set)"},
        {"secret": "rotated", "old_secret_valid_until": until},
    )
    db.session.commit()
    return _page(app, _forms(), rotated)
