"""Receive a Stripe webhook: find the app's connection, check the signature, claim the event once.

What an event then does to sessions is `saveflow.saves.stripe_events`; this module knows only
billing: connections, signatures and the table of events already received.
"""

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from saveflow import text
from saveflow.apps.models import App
from saveflow.billing.connections import load_connections
from saveflow.billing.facts import moment
from saveflow.billing.models import BillingEvent
from saveflow.billing.schemas import StripeEventSchema
from saveflow.billing.stripe_billing import verify_event
from saveflow.domain_errors import InvalidWebhook, NotFound
from saveflow.extensions import db

_EVENT = StripeEventSchema()  # holds no per-call state


def _parse(payload: bytes) -> dict:
    try:
        # Stripe signs the UTF-8 text of the body; anything else cannot be one of its events.
        event = text.loads(payload.decode("utf-8"))
    except (ValueError, UnicodeDecodeError):
        raise InvalidWebhook("The body is not JSON.", code="not_json") from None
    if not isinstance(event, dict) or not isinstance(event.get("livemode"), bool):
        raise InvalidWebhook(
            "The body is not a Stripe event (it has no `livemode`).", code="not_an_event"
        )
    return event


def _check_shape(event: dict) -> None:
    created = event.get("created")
    if isinstance(created, float) and created.is_integer():
        event["created"] = int(created)  # JSON has one number type: 1700000000.0 is that second
    errors = _EVENT.validate(event)
    if not errors and moment(event["created"]) is None:  # `true` passes as the integer 1
        errors = {"created": ["Not a Unix timestamp."]}
    if errors:
        raise InvalidWebhook(
            "The event lacks an id, a type, a creation time or a data object.",
            code="not_an_event",
            errors=errors,
        )


def verify(app_id: str, payload: bytes, signature: str | None, tolerance: int) -> tuple[str, dict]:
    """Return the mode and the event of a webhook body Stripe signed for this app.

    The event's `livemode` picks the connection whose webhook secret must have signed it. An
    unknown app, or one with no Stripe connection, is NotFound; any body that is not a recent
    Stripe event signed with that secret is InvalidWebhook.
    """
    if db.session.scalar(select(App.id).where(App.id == app_id)) is None:
        raise NotFound("Unknown app.", code="unknown_app")
    connections = {m: c for m, c in load_connections(app_id).items() if c.provider == "stripe"}
    if not connections:
        raise NotFound("This app is not connected to Stripe.", code="stripe_not_connected")
    event = _parse(payload)
    mode = "live" if event["livemode"] else "test"
    connection = connections.get(mode)
    if connection is None:
        raise InvalidWebhook(
            f"This app is not connected to Stripe in {mode} mode, so the event cannot be checked.",
            code="mode_not_connected",
        )
    try:
        verify_event(payload, signature, connection.webhook_secret, tolerance)
    except ValueError as failure:
        raise InvalidWebhook(
            f"The Stripe-Signature does not match this body: {failure}.", code="bad_signature"
        ) from None
    _check_shape(event)
    return mode, event


def claim(app_id: str, mode: str, event: dict, now: datetime) -> BillingEvent | None:
    """Record the event as received, first of all; None if it was received before.

    A second delivery racing the first waits on the primary key until the first commits, then
    finds it; if the first fails and rolls back, the second goes ahead.
    """
    created = moment(event["created"])
    assert created is not None  # verify() checked it
    row = BillingEvent(
        app_id=app_id,
        event_id=event["id"],
        provider="stripe",
        mode=mode,
        type=event["type"],
        created_at=created,
        received_at=now,
        outcome="received",
    )
    try:
        with db.session.begin_nested():
            db.session.add(row)
    except IntegrityError:
        return None
    return row
