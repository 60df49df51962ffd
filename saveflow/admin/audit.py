"""An app's audit log, filtered by actor and action."""

from flask import render_template, request

from saveflow.admin import bp
from saveflow.admin.auth import READ_ROLES, require_role
from saveflow.admin.forms import AuditFilter
from saveflow.admin.queries import audit_page
from saveflow.admin.sessions import admin_app


@bp.get("/apps/<app_id>/audit")
@require_role(*READ_ROLES)
def audit_log(app_id: str):
    form = AuditFilter(request.args)
    form.validate()
    page = audit_page(
        app_id,
        actor=(form.actor.data or "").strip(),
        action=(form.action.data or "").strip(),
        page=request.args.get("page", 1, type=int) or 1,
    )
    return render_template("admin/audit.html", app=admin_app(app_id), form=form, page=page)
