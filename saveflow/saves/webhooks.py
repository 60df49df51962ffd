"""`POST /webhooks/stripe/<app_id>`: Stripe's events, signature checked, each applied once.

A signed JSON API called by Stripe's servers: no cookies, so no CSRF; no browser, so no CORS.
"""

from flask import Blueprint, current_app, jsonify, request

from saveflow.billing import webhooks
from saveflow.billing.settings import current_settings
from saveflow.db import utcnow
from saveflow.extensions import db
from saveflow.saves import stripe_events
from saveflow.saves.schemas import WebhookReplyOut
from saveflow.saves.settings import current_rules

bp = Blueprint("stripe_webhooks", __name__, url_prefix="/webhooks/stripe")
REPLY = WebhookReplyOut()


@bp.post("/<app_id>")
def receive(app_id: str):
    # Stripe's events (invoices with their lines) outgrow the 16 KB the public API accepts.
    request.max_content_length = current_app.config["SAVEFLOW_WEBHOOK_MAX_BODY"]
    mode, event = webhooks.verify(
        app_id,
        request.get_data(cache=False),
        request.headers.get("Stripe-Signature"),
        current_settings().webhook_tolerance,
    )
    reply = stripe_events.handle(app_id, mode, event, current_rules(), utcnow())
    db.session.commit()
    return jsonify(REPLY.dump(reply))
