"""An app's cancel sessions: a searchable list, and one session with its timeline."""

from typing import Any

from flask import abort, render_template, request

from saveflow.admin import bp
from saveflow.admin.auth import READ_ROLES, require_role
from saveflow.admin.forms import SessionFilter
from saveflow.admin.queries import session_with_events, sessions_page
from saveflow.apps.models import App
from saveflow.extensions import db


def admin_app(app_id: str) -> App:
    """Return the app a page is about (require_role has already proved it exists)."""
    app = db.session.get(App, app_id)
    if app is None:
        abort(404)
    return app


@bp.get("/apps/<app_id>/sessions")
@require_role(*READ_ROLES)
def sessions(app_id: str):
    form = SessionFilter(request.args)
    valid = form.validate()
    filters: dict[str, Any] = {
        "q": (form.q.data or "").strip(),
        "outcome": form.outcome.data or "",
        "reason": (form.reason.data or "").strip(),
        "offer": (form.offer.data or "").strip(),
        "mode": form.mode.data or "",
        "experiment": (form.experiment.data or "").strip(),
        "variant": (form.variant.data or "").strip(),
        "since": form.since.data if valid else None,
        "until": form.until.data if valid else None,
    }
    if not valid:
        filters["outcome"] = filters["mode"] = ""
    page = sessions_page(app_id, **filters, page=request.args.get("page", 1, type=int) or 1)
    return render_template("admin/sessions.html", app=admin_app(app_id), form=form, page=page)


@bp.get("/apps/<app_id>/sessions/<session_id>")
@require_role(*READ_ROLES)
def session_detail(app_id: str, session_id: str):
    found = session_with_events(app_id, session_id)
    if found is None:
        abort(404)
    record, events = found
    return render_template(
        "admin/session.html", app=admin_app(app_id), record=record, events=events
    )
