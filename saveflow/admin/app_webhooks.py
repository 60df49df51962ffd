"""An app's outbound webhook endpoints: add one (its secret shown once), rotate its secret,
switch it on or off, remove it. App admins only."""

from flask import abort, flash, make_response, redirect, render_template, request, url_for

from saveflow.admin import bp
from saveflow.admin.auth import require_role
from saveflow.admin.changes import actor
from saveflow.admin.sessions import admin_app
from saveflow.admin.webhook_forms import AddWebhookForm, WebhookActionForm
from saveflow.domain_errors import Invalid, NotFound
from saveflow.extensions import db
from saveflow.messaging import endpoints


def _page(app_id: str, form=None, revealed: dict | None = None, status: int = 200):
    html = render_template(
        "admin/app_webhooks.html",
        app=admin_app(app_id),
        endpoints=endpoints.list_endpoints(app_id),
        shown_url=endpoints.shown_url,
        form=form or AddWebhookForm(formdata=None),
        action_form=WebhookActionForm(formdata=None),
        revealed=revealed,
    )
    response = make_response(html, status)
    # A page that may hold a new secret is never stored by the browser or any proxy.
    response.headers["Cache-Control"] = "no-store"
    return response


def _endpoint_or_404(app_id: str, endpoint_id: str):
    try:
        return endpoints.get_endpoint(app_id, endpoint_id)
    except NotFound:
        abort(404)


def _action_valid() -> bool:
    return WebhookActionForm().validate()


@bp.get("/apps/<app_id>/webhooks")
@require_role()
def app_webhooks(app_id: str):
    return _page(app_id)


@bp.post("/apps/<app_id>/webhooks")
@require_role()
def app_webhook_add(app_id: str):
    form = AddWebhookForm()
    if not form.validate():
        return _page(app_id, form, status=400)
    kind = form.kind.data
    # Slack is sent alerts only, whatever boxes stayed ticked.
    events = None if kind == "slack" else form.events.data
    try:
        endpoint = endpoints.add_endpoint(
            app_id, form.url.data or "", kind, events, form.description.data, actor=actor()
        )
    except Invalid as problem:
        db.session.rollback()
        for field, messages in problem.errors.items():
            getattr(form, field, form.url).errors.extend(messages)
        return _page(app_id, form, status=400)
    secret = endpoint.secret if kind == "json" else None
    db.session.commit()
    if secret is None:
        flash(f"Slack endpoint {endpoint.id} added: it is sent customer-success alerts.")
        return redirect(url_for("admin.app_webhooks", app_id=app_id))
    # The secret is shown on this response only: never flashed, logged or stored in the clear.
    return _page(app_id, revealed={"id": endpoint.id, "secret": secret, "added": True})


@bp.post("/apps/<app_id>/webhooks/<endpoint_id>/rotate")
@require_role()
def app_webhook_rotate(app_id: str, endpoint_id: str):
    _endpoint_or_404(app_id, endpoint_id)
    if not _action_valid():
        return _page(app_id, status=400)
    try:
        secret = endpoints.rotate_secret(app_id, endpoint_id, actor=actor())
    except Invalid as problem:
        flash(problem.message)
        return redirect(url_for("admin.app_webhooks", app_id=app_id))
    db.session.commit()
    return _page(app_id, revealed={"id": endpoint_id, "secret": secret, "added": False})


@bp.post("/apps/<app_id>/webhooks/<endpoint_id>/active")
@require_role()
def app_webhook_active(app_id: str, endpoint_id: str):
    _endpoint_or_404(app_id, endpoint_id)
    wanted = request.form.get("active")
    if wanted not in ("on", "off") or not _action_valid():
        return _page(app_id, status=400)
    endpoints.set_active(app_id, endpoint_id, wanted == "on", actor=actor())
    db.session.commit()
    flash(f"{endpoint_id} is {'on: new events are queued for it' if wanted == 'on' else 'off'}.")
    return redirect(url_for("admin.app_webhooks", app_id=app_id))


@bp.post("/apps/<app_id>/webhooks/<endpoint_id>/remove")
@require_role()
def app_webhook_remove(app_id: str, endpoint_id: str):
    _endpoint_or_404(app_id, endpoint_id)
    if not _action_valid():
        return _page(app_id, status=400)
    done = endpoints.remove(app_id, endpoint_id, actor=actor())
    db.session.commit()
    if done == "deleted":
        flash(f"{endpoint_id} removed.")
    else:
        flash(f"{endpoint_id} is switched off and kept: deliveries went to it, and stay listed.")
    return redirect(url_for("admin.app_webhooks", app_id=app_id))
