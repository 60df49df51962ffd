"""Create an app, and its settings page: origins, compliance, languages and flow settings."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from saveflow.accounts.models import Membership
from saveflow.accounts.service import can_create_apps
from saveflow.admin import bp
from saveflow.admin.app_forms import NewAppForm, SettingsForm
from saveflow.admin.auth import READ_ROLES, require_role, signed_in
from saveflow.admin.changes import actor, record
from saveflow.admin.sessions import admin_app
from saveflow.apps.models import App
from saveflow.apps.settings import FLOW_DEFAULTS, apply_settings, snapshot, timezone_names
from saveflow.apps.setup import create_app_with_defaults
from saveflow.extensions import db
from saveflow.offers.types import OFFER_TYPES
from saveflow.reports.rebuild import rebuild_app

BLANK_COUNTRY_ROWS = 2


@bp.route("/apps/new", methods=["GET", "POST"])
@signed_in
def app_new():
    if not can_create_apps(current_user.id):
        abort(403)
    form = NewAppForm()
    if request.method == "GET":
        return render_template("admin/app_new.html", form=form)
    if not form.validate():
        return render_template("admin/app_new.html", form=form), 400
    name = (form.name.data or "").strip()
    created = create_app_with_defaults(name, form.allowed_origins.parsed, actor=actor())
    created.default_locale = form.default_locale.data
    # The creator administers the app in its own right, not only through every-app rights.
    db.session.add(Membership(user_id=current_user.id, app_id=created.id, role="admin"))
    db.session.flush()
    record(created.id, "app.settings", f"app:{created.id}", None, snapshot(created))
    record(
        created.id,
        "member.added",
        f"user:{current_user.id}",
        None,
        {"email": current_user.email, "role": "admin"},
    )
    db.session.commit()
    flash(f"{name} is ready. Embed it with the snippet below.")
    return redirect(url_for("admin.app_settings", app_id=created.id))


def _initial(app: App) -> dict:
    values = snapshot(app)
    overrides = sorted(values["compliance_by_country"].items())
    rows = [{"country": code, "mode": mode} for code, mode in overrides]
    rows += [{"country": "", "mode": ""}] * BLANK_COUNTRY_ROWS
    return {
        **values,
        "allowed_origins": "\n".join(values["allowed_origins"]),
        "countries": rows,
        "cancel_immediately": "now" if values["cancel_immediately"] else "period_end",
        "max_offers": values["max_offers"],
        "cooldowns": values["cooldown_days"],
    }


def _values(form: SettingsForm) -> dict:
    """The checked form as the values `apply_settings` takes."""
    return {
        "name": (form.name.data or "").strip(),
        "allowed_origins": form.allowed_origins.parsed,
        "compliance_mode": form.compliance_mode.data,
        "compliance_by_country": {
            row.country.data: row.mode.data for row in form.countries if row.country.data
        },
        "locales": form.locales.data,
        "default_locale": form.default_locale.data,
        "max_offers": form.max_offers.data,
        "cancel_immediately": form.cancel_immediately.data == "now",
        "randomize_reasons": bool(form.randomize_reasons.data),
        "allow_pause_annual": bool(form.allow_pause_annual.data),
        "horizon_months": form.horizon_months.data,
        "cooldown_days": {
            kind: days
            for kind in OFFER_TYPES
            if (days := form.cooldowns.form[kind].data) is not None
        },
        "report_timezone": form.report_timezone.data,
    }


def _page(app: App, form: SettingsForm, status: int = 200):
    embed_base = request.host_url.rstrip("/")
    return render_template(
        "admin/app_settings.html",
        app=app,
        form=form,
        embed_base=embed_base,
        flow_defaults=FLOW_DEFAULTS,
        timezones=timezone_names(),
    ), status


@bp.get("/apps/<app_id>/settings")
@require_role(*READ_ROLES)
def app_settings(app_id: str):
    app = admin_app(app_id)
    return _page(app, SettingsForm(formdata=None, data=_initial(app)))


@bp.post("/apps/<app_id>/settings")
@require_role()
def app_settings_save(app_id: str):
    app = admin_app(app_id)
    form = SettingsForm()
    if not form.validate():
        return _page(app, form, 400)
    before, after = apply_settings(app, _values(form))
    if before == after:
        flash("Nothing changed.")
        return redirect(url_for("admin.app_settings", app_id=app_id))
    record(app_id, "app.settings", f"app:{app_id}", before, after)
    if before["report_timezone"] != after["report_timezone"]:
        # Every decided session moves to its day in the new zone, and the rollups with it, in
        # this same transaction: the reports never show a mix of the two zones.
        months = rebuild_app(app)
        flash(
            f"Reports now use {after['report_timezone']}: {months} month(s) of sessions were "
            "regrouped by their day in that zone."
        )
    db.session.commit()
    flash("Settings saved.")
    return redirect(url_for("admin.app_settings", app_id=app_id))
