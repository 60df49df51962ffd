"""Outbound webhook events: one delivery per endpoint of the app that listens for the event.

The body is fixed when the event is queued, `{"id", "type", "created", "data"}` with the
delivery id as `id`, so every retry sends (and signs) exactly the same bytes.
"""

import json
from datetime import datetime

from sqlalchemy import select

from saveflow.extensions import db
from saveflow.messaging import outbox
from saveflow.messaging.models import WebhookEndpoint
from saveflow.messaging.slack import slack_body


def endpoints_for(app_id: str, event: str) -> list[WebhookEndpoint]:
    """Return the app's active endpoints that receive `event`."""
    rows = db.session.scalars(
        select(WebhookEndpoint)
        .where(WebhookEndpoint.app_id == app_id, WebhookEndpoint.active.is_(True))
        .order_by(WebhookEndpoint.created_at)
    ).all()
    return [row for row in rows if event in (row.events or [])]


def event_body(delivery_id: str, event: str, data: dict, now: datetime) -> str:
    """Return the JSON text of one event as receivers get it."""
    envelope = {"id": delivery_id, "type": event, "created": int(now.timestamp()), "data": data}
    return json.dumps(envelope, ensure_ascii=False, separators=(",", ":"), sort_keys=False)


def publish(
    app_id: str,
    event: str,
    data: dict,
    now: datetime,
    cause: str,
    *,
    session_id: str | None = None,
    mode: str = "live",
) -> int:
    """Queue `event` for every endpoint listening; return how many were queued.

    `cause` names what happened (a session id, say) so the same event is never queued twice
    for one endpoint, however often the caller runs.
    """
    queued = 0
    for endpoint in endpoints_for(app_id, event):
        delivery_id = outbox.new_delivery_id()
        if endpoint.kind == "slack":
            body = slack_body(event, data)
            if body is None:  # Slack gets the events a person reads, not every outcome
                continue
        else:
            body = event_body(delivery_id, event, data, now)
        queued += outbox.enqueue(
            app_id,
            "webhook",
            event,
            f"{event}:{cause}:{endpoint.id}",
            {"body": body},
            now,
            endpoint_id=endpoint.id,
            session_id=session_id,
            mode=mode,
            delivery_id=delivery_id,
        )
    return queued
