"""An app's Stripe connection per mode: write-only keys, checked with one read, shown masked."""

from flask import current_app, flash, redirect, render_template, request, url_for

from saveflow.admin import bp
from saveflow.admin.app_forms import BillingProviderForm, StripeDisconnectForm, StripeKeysForm
from saveflow.admin.auth import require_role
from saveflow.admin.changes import record
from saveflow.admin.sessions import admin_app
from saveflow.apps.models import MODES, App
from saveflow.billing.connections import (
    connect,
    disconnect,
    key_problem,
    load_connections,
    masked,
    webhook_secret_problem,
)
from saveflow.billing.models import BillingConnection
from saveflow.billing.settings import current_settings
from saveflow.billing.stripe_billing import check_key
from saveflow.db import utcnow
from saveflow.domain_errors import BillingFailed
from saveflow.extensions import db


def _shown(app_id: str) -> dict:
    """What the page may show of each mode's connection: masked keys and dates, no secret."""
    rows = {row.mode: row for row in db.session.query(BillingConnection).filter_by(app_id=app_id)}
    return {
        mode: {
            "key": masked(row.secret_key),
            "webhook_secret": masked(row.webhook_secret),
            "updated_at": row.updated_at,
        }
        for mode, row in rows.items()
    }


def _page(app: App, keys: dict | None = None, provider=None, status: int = 200):
    forms = {mode: StripeKeysForm(formdata=None, prefix=mode) for mode in MODES}
    base = current_app.config.get("SAVEFLOW_URL") or request.host_url
    return render_template(
        "admin/app_stripe.html",
        app=app,
        forms=forms | (keys or {}),
        disconnect_form=StripeDisconnectForm(formdata=None),
        provider_form=provider or BillingProviderForm(formdata=None, obj=app),
        connections=_shown(app.id),
        webhook_url=f"{base.rstrip('/')}/webhooks/stripe/{app.id}",
    ), status


def _mode() -> str | None:
    mode = request.form.get("mode", "")
    return mode if mode in MODES else None


@bp.get("/apps/<app_id>/stripe")
@require_role()
def app_stripe(app_id: str):
    return _page(admin_app(app_id))


@bp.post("/apps/<app_id>/stripe")
@require_role()
def app_stripe_connect(app_id: str):
    app = admin_app(app_id)
    mode = _mode()
    if mode is None:
        return _page(app, status=400)
    form = StripeKeysForm(prefix=mode)
    valid = form.validate()
    key = (form.secret_key.data or "").strip()
    webhook_secret = (form.webhook_secret.data or "").strip()
    if valid and (problem := key_problem(mode, key)):
        form.secret_key.errors.append(problem)
    if valid and (problem := webhook_secret_problem(webhook_secret)):
        form.webhook_secret.errors.append(problem)
    if valid and form.check.data and not form.errors:
        try:
            check_key(key, current_settings())
        except BillingFailed as failure:
            form.secret_key.errors.append(f"Stripe refused the key: {failure.message}")
    if not valid or form.errors:
        return _page(app, {mode: form}, status=400)
    before = load_connections(app_id).get(mode)
    connect(app_id, mode, "stripe", key, webhook_secret, utcnow())
    record(
        app_id,
        "stripe.connected",
        f"stripe:{mode}",
        {"key": masked(before.secret_key)} if before else None,
        {"key": masked(key), "webhook_secret": "(set)", "checked": bool(form.check.data)},
    )
    db.session.commit()
    flash(f"Stripe is connected in {mode} mode (key {masked(key)}).")
    return redirect(url_for("admin.app_stripe", app_id=app_id))


@bp.post("/apps/<app_id>/stripe/disconnect")
@require_role()
def app_stripe_disconnect(app_id: str):
    app = admin_app(app_id)
    mode = _mode()
    if mode is None or not StripeDisconnectForm().validate():
        return _page(app, status=400)
    gone = disconnect(app_id, mode)
    if gone is None:
        flash(f"Stripe was not connected in {mode} mode.")
        return redirect(url_for("admin.app_stripe", app_id=app_id))
    record(app_id, "stripe.disconnected", f"stripe:{mode}", {"key": masked(gone.secret_key)}, None)
    db.session.commit()
    flash(f"Stripe is disconnected in {mode} mode.")
    return redirect(url_for("admin.app_stripe", app_id=app_id))


@bp.post("/apps/<app_id>/stripe/provider")
@require_role()
def app_billing_provider(app_id: str):
    app = admin_app(app_id)
    form = BillingProviderForm()
    if not form.validate():
        return _page(app, provider=form, status=400)
    before = app.billing_provider
    if form.billing_provider.data != before:
        app.billing_provider = form.billing_provider.data
        record(app_id, "app.billing_provider", f"app:{app_id}", before, app.billing_provider)
        db.session.commit()
    flash("Billing provider saved.")
    return redirect(url_for("admin.app_stripe", app_id=app_id))
