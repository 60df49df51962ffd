"""An app's cancel sessions: a searchable list, and one session with its timeline and invoices."""

from typing import Any

from flask import abort, render_template, request

from saveflow.admin import bp
from saveflow.admin.auth import READ_ROLES, require_role
from saveflow.admin.forms import REPORT_FIELDS, SessionFilter
from saveflow.admin.queries import session_with_events, sessions_page
from saveflow.admin.session_query import NONE, SessionFilters, money_totals
from saveflow.apps.models import App
from saveflow.extensions import db
from saveflow.money import money
from saveflow.saves.ledger import invoices_of


def admin_app(app_id: str) -> App:
    """Return the app a page is about (require_role has already proved it exists)."""
    app = db.session.get(App, app_id)
    if app is None:
        abort(404)
    return app


_TEXT = (
    "q",
    "reason",
    "offer",
    "experiment",
    "variant",
    "currency",
    "shown_offer",
    "offer_type",
    "reason_category",
    "plan",
)


def _filters(form: SessionFilter) -> SessionFilters:
    """The form as filters: a field that does not validate filters nothing."""
    valid = form.validate()
    values: dict[str, Any] = {name: (form[name].data or "").strip() for name in _TEXT}
    for name in ("outcome", "mode", "save_status"):
        values[name] = (form[name].data or "") if valid else ""
    for name in ("since", "until", "report_from", "report_to"):
        values[name] = form[name].data if valid else None
    return SessionFilters(**values)


@bp.get("/apps/<app_id>/sessions")
@require_role(*READ_ROLES)
def sessions(app_id: str):
    form = SessionFilter(request.args)
    filters = _filters(form)
    page = sessions_page(app_id, filters, request.args.get("page", 1, type=int) or 1)
    return render_template(
        "admin/sessions.html",
        app=admin_app(app_id),
        form=form,
        page=page,
        report_fields=REPORT_FIELDS,
        by_report=filters.by_report,
        totals=money_totals(app_id, filters) if filters.by_report else [],
        money=money,
        none_value=NONE,
    )


@bp.get("/apps/<app_id>/sessions/<session_id>")
@require_role(*READ_ROLES)
def session_detail(app_id: str, session_id: str):
    found = session_with_events(app_id, session_id)
    if found is None:
        abort(404)
    record, events = found
    return render_template(
        "admin/session.html",
        app=admin_app(app_id),
        record=record,
        events=events,
        invoices=invoices_of(record),
        money=money,
    )
