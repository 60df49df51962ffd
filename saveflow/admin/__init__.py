"""The admin for product teams: HTML pages behind a sign-in, roles scoped per app."""

from flask import Blueprint, Flask
from werkzeug.exceptions import HTTPException

from saveflow.extensions import csrf, db, login_manager

bp = Blueprint("admin", __name__, url_prefix="/admin")

# An app's sections: (label, endpoint, other endpoints that highlight it). A section shows once
# its endpoint is registered, and only to roles that may open it (EDIT_ONLY).
NAV = (
    (
        "Rules",
        "admin.rules",
        ("admin.rule_edit", "admin.rule_versions", "admin.rule_diff", "admin.simulator"),
    ),
    ("Offers", "admin.offers", ("admin.offer_new", "admin.offer_edit")),
    ("Reasons", "admin.reasons", ("admin.reason_edit", "admin.unclassified")),
    ("Experiments", "admin.experiments", ("admin.experiment_edit", "admin.experiment_results")),
    ("Preview", "admin.preview", ()),
    ("Reports", "admin.reports", ("admin.report_digest",)),
    ("Sessions", "admin.sessions", ("admin.session_detail",)),
    (
        "Messages",
        "admin.deliveries",
        ("admin.delivery_detail", "admin.delivery_retry", "admin.alerts", "admin.alerts_save"),
    ),
    ("Audit log", "admin.audit_log", ()),
    (
        "Settings",
        "admin.app_settings",
        (
            "admin.app_settings_save",
            "admin.app_brand",
            "admin.app_brand_save",
            "admin.app_secrets",
            "admin.app_secrets_rotate",
            "admin.app_stripe",
            "admin.app_stripe_connect",
            "admin.app_stripe_disconnect",
            "admin.app_billing_provider",
            "admin.app_webhooks",
            "admin.app_webhook_add",
            "admin.app_webhook_rotate",
            "admin.app_webhook_active",
            "admin.app_webhook_remove",
        ),
    ),
    (
        "Team",
        "admin.app_users",
        ("admin.app_user_add", "admin.app_user_role", "admin.app_user_remove"),
    ),
)


# Sections only editors (and admins) may open, and those only finance (and admins) may open;
# the rest every role may read.
EDIT_ONLY = frozenset({"admin.preview"})
FINANCE_ONLY = frozenset({"admin.reports"})


@bp.app_context_processor
def _navigation() -> dict:
    from flask import current_app

    from saveflow.admin.changes import can_edit, can_read_reports, is_app_admin

    return {
        "admin_nav": NAV,
        "admin_endpoints": current_app.view_functions.keys(),
        "admin_edit_only": EDIT_ONLY,
        "admin_finance_only": FINANCE_ONLY,
        "can_edit": can_edit,
        "can_read_reports": can_read_reports,
        "is_app_admin": is_app_admin,
    }


@bp.before_request
def _check_csrf() -> None:
    # CSRF is checked on admin forms only: the JSON API and webhooks authenticate otherwise.
    csrf.protect()


@login_manager.user_loader
def _load_user(user_id: str):
    from saveflow.accounts.models import User

    return db.session.get(User, int(user_id)) if user_id.isdigit() else None


def init_app(app: Flask) -> None:
    """Bind sign-in, CSRF and the admin's cookie settings to an app."""
    cfg = app.config
    # Sign-in cookies travel over HTTPS only, except on a developer's plain-HTTP machine.
    if cfg.get("SESSION_COOKIE_SECURE") is None:
        local = cfg.get("DEBUG") or cfg.get("TESTING") or cfg.get("SAVEFLOW_DEMO")
        cfg["SESSION_COOKIE_SECURE"] = not local
    # CSRFProtect checks nothing by itself: the admin blueprint asks it to (see above).
    cfg["WTF_CSRF_CHECK_DEFAULT"] = False
    login_manager.init_app(app)
    csrf.init_app(app)
    from saveflow.admin import (  # noqa: F401  (routes register on bp)
        api_tokens,
        app_brand,
        app_secrets,
        app_stripe,
        app_users,
        app_webhooks,
        apps,
        audit,
        deliveries,
        experiments,
        messages,
        offers,
        preview,
        reasons,
        reports,
        rule_edit,
        rule_versions,
        rules,
        sessions,
        simulator,
        unclassified,
        views,
    )

    app.register_blueprint(bp)


@bp.errorhandler(HTTPException)
def _error_page(exc: HTTPException):
    from flask import render_template

    return render_template("admin/error.html", error=exc), exc.code or 500
