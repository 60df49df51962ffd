"""The widget preview: open the real widget, in test mode, as a sample customer."""

from flask import render_template, request, url_for

from saveflow.admin import bp
from saveflow.admin import preview_sample as samples
from saveflow.admin.auth import require_role
from saveflow.admin.sessions import admin_app
from saveflow.db import utcnow
from saveflow.offers import service
from saveflow.reasons.taxonomy import CATEGORIES
from saveflow.sessions.setup_cache import setup_for


def billing_in_test(app) -> str:
    """Return how the test mode bills: `none` (token snapshot), `stripe`, or `unconnected`."""
    connection = setup_for(app).connections.get("test")
    if connection is not None:
        return connection.provider
    return "none" if app.billing_provider == "none" else "unconnected"


@bp.get("/apps/<app_id>/preview")
@require_role("editor")
def preview(app_id: str):
    app = admin_app(app_id)
    published = service.published(app_id)
    offer = service.find_offer(app_id, request.args.get("offer", ""))
    tenure = request.args.get("tenure_days", type=int)
    values = samples.defaults(
        app,
        published.document if published else None,
        offer,
        tenure,
        rule_id=request.args.get("rule"),
    )
    # What the URL says wins over the defaults (rules pages link here with values filled in).
    for name, value in request.args.items():
        if name not in ("offer", "rule", "tenure_days") and value:
            values[name] = value
    form = samples.SampleCustomer(values)
    billing = billing_in_test(app)
    sample = None if billing == "unconnected" else samples.build(app, form, billing == "stripe")
    decision = samples.dry_run(app, sample, utcnow()) if sample else None
    widget = None
    if sample is not None:
        widget = {
            "appId": app.id,
            "token": samples.token(app, sample),
            "locale": sample.locale,
            "attributes": sample.attributes,
            "sessionUrl": url_for("admin.session_detail", app_id=app.id, session_id="SESSION"),
        }
    return render_template(
        "admin/preview.html",
        app=app,
        form=form,
        billing=billing,
        sample=sample,
        decision=decision,
        offer=offer,
        widget=widget,
        categories=CATEGORIES,
        reasons=[r for r in setup_for(app).reasons],
        published=published,
    ), (200 if sample is not None or billing == "unconnected" else 400)
