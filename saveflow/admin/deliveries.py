"""An app's outbox: every email and webhook saveflow owes someone, each with its attempts and
content, and a retry by hand for a message that gave up."""

import json

from flask import abort, flash, redirect, render_template, request, url_for

from saveflow.admin import bp
from saveflow.admin.auth import READ_ROLES, require_role
from saveflow.admin.changes import record
from saveflow.admin.message_forms import EVENT_LABELS, DeliveryFilter, RetryForm
from saveflow.admin.queries import (
    deliveries_page,
    delivery_counts,
    delivery_with_attempts,
    endpoints_of,
)
from saveflow.admin.sessions import admin_app
from saveflow.db import utcnow
from saveflow.extensions import db
from saveflow.messaging.models import STATUSES, Delivery
from saveflow.messaging.outbox import retry_now

RETRYABLE = ("dead", "pending")


def _chosen(field) -> str:
    return "" if field.errors else (field.data or "")


def pretty_body(body: str) -> str:
    """Return a webhook body indented for reading (as sent, if it is not JSON)."""
    try:
        return json.dumps(json.loads(body), indent=2, ensure_ascii=False)
    except (TypeError, ValueError):
        return body


def _state(delivery: Delivery) -> dict:
    """What the audit log keeps of a message's place in the queue."""
    return {
        "status": delivery.status,
        "attempts": delivery.attempts,
        "next_attempt_at": delivery.next_attempt_at.isoformat(),
        "give_up_at": delivery.give_up_at.isoformat(),
    }


def _sending_now(delivery: Delivery) -> bool:
    """Say whether a worker holds the message this moment (its attempt is under way)."""
    lease = delivery.lease_until
    return delivery.status == "pending" and lease is not None and lease > utcnow()


@bp.get("/apps/<app_id>/deliveries")
@require_role(*READ_ROLES)
def deliveries(app_id: str):
    form = DeliveryFilter(request.args)
    form.validate()
    status, channel, event = (_chosen(form[name]) for name in ("status", "channel", "event"))
    page = deliveries_page(
        app_id, status, channel, event, request.args.get("page", 1, type=int) or 1
    )
    return render_template(
        "admin/deliveries.html",
        app=admin_app(app_id),
        form=form,
        page=page,
        status=status,
        counts=delivery_counts(app_id, channel, event),
        statuses=STATUSES,
        endpoints=endpoints_of(app_id),
        labels=EVENT_LABELS,
    )


@bp.get("/apps/<app_id>/deliveries/<delivery_id>")
@require_role(*READ_ROLES)
def delivery_detail(app_id: str, delivery_id: str):
    found = delivery_with_attempts(app_id, delivery_id)
    if found is None:
        abort(404)
    delivery, attempts = found
    body = delivery.payload.get("body") if delivery.channel == "webhook" else None
    return render_template(
        "admin/delivery.html",
        app=admin_app(app_id),
        delivery=delivery,
        attempts=attempts,
        endpoint=endpoints_of(app_id).get(delivery.endpoint_id or ""),
        body=pretty_body(body) if isinstance(body, str) else None,
        labels=EVENT_LABELS,
        retryable=delivery.status in RETRYABLE,
        sending_now=_sending_now(delivery),
        form=RetryForm(),
    )


@bp.post("/apps/<app_id>/deliveries/<delivery_id>/retry")
@require_role("editor")
def delivery_retry(app_id: str, delivery_id: str):
    RetryForm()  # the blueprint has already checked its CSRF token
    found = delivery_with_attempts(app_id, delivery_id)
    if found is None:
        abort(404)
    delivery = found[0]
    back = redirect(url_for("admin.delivery_detail", app_id=app_id, delivery_id=delivery_id))
    if _sending_now(delivery):
        flash("A worker is sending this message right now: see how that attempt ends first.")
        return back
    before = _state(delivery)
    if not retry_now(delivery_id, app_id, utcnow()):
        flash(f"Nothing to retry: this message is {delivery.status} already.")
        return back
    db.session.expire(delivery)
    after = _state(delivery)
    record(app_id, "delivery.retried", f"delivery:{delivery_id}", before, after)
    db.session.commit()
    until = delivery.give_up_at.strftime("%Y-%m-%d %H:%M")
    flash(f"Queued again: a worker sends it on its next round, trying until {until} UTC.")
    return back
