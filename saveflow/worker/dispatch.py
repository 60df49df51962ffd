"""Send one claimed delivery through its channel and say how it went.

Emails go through SendGrid when an API key is configured, else to the log backend (the admin
shows them from the outbox). An email queued without an address takes the customer's from the
billing provider at send time; with none anywhere, it is skipped, not retried.
"""

import time
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from sqlalchemy import select

from saveflow.apps.models import App
from saveflow.domain_errors import BillingFailed
from saveflow.extensions import db
from saveflow.messaging import mailer, outbox, webhook_http
from saveflow.messaging.models import Delivery, WebhookEndpoint
from saveflow.messaging.outbox import Outcome
from saveflow.messaging.settings import message_settings
from saveflow.sessions.flow import billing_for


@dataclass(frozen=True)
class Senders:
    """What a worker sends with, read once from the configuration."""

    mail: mailer.MailSettings
    webhook_timeout: float
    lease: timedelta = outbox.LEASE

    @classmethod
    def from_config(cls, config) -> "Senders":
        return cls(
            mailer.mail_settings(config),
            config["SAVEFLOW_WEBHOOK_TIMEOUT"],
            timedelta(seconds=config["SAVEFLOW_DELIVERY_LEASE_SECONDS"]),
        )


def _timed(outcome: Outcome, started: float) -> Outcome:
    took = int((time.monotonic() - started) * 1000)
    return Outcome(**{**outcome.__dict__, "duration_ms": took})


def _address(app: App, delivery: Delivery) -> str | None:
    if delivery.recipient:
        return delivery.recipient
    customer = delivery.payload.get("customer")
    if not customer:
        return None
    return billing_for(app, delivery.mode).customer_email(customer)


def _email(app: App, delivery: Delivery, senders: Senders) -> Outcome:
    try:
        to = _address(app, delivery)
    except BillingFailed as failure:
        return Outcome(ok=False, backend="billing", error=f"customer's address: {failure}")
    if not to:
        return Outcome(
            ok=False,
            backend="none",
            skipped=True,
            error="no address: the token carried no email claim and billing knows none",
        )
    settings = message_settings(app.settings)
    sender = settings.sender_email or senders.mail.default_sender
    return mailer.send_email(
        delivery.payload,
        to,
        sender,
        settings.sender_name,
        senders.mail,
        delivery_id=delivery.id,
        kind=delivery.event,
    )


def _webhook(
    delivery: Delivery, endpoint: WebhookEndpoint | None, senders: Senders, now
) -> Outcome:
    if endpoint is None or not endpoint.active:
        return Outcome(ok=False, backend="http", skipped=True, error="the endpoint is disabled")
    return webhook_http.post_event(
        endpoint.url,
        delivery.payload["body"],
        endpoint.secret,
        delivery.id,
        delivery.event,
        endpoint.kind,
        senders.webhook_timeout,
        now,
    )


@dataclass(frozen=True)
class Targets:
    """The apps and endpoints a batch of deliveries needs, read in two queries."""

    apps: dict[str, App]
    endpoints: dict[str, WebhookEndpoint]

    @classmethod
    def of(cls, deliveries: list[Delivery]) -> "Targets":
        app_ids = {d.app_id for d in deliveries}
        endpoint_ids = {d.endpoint_id for d in deliveries if d.endpoint_id}
        apps = db.session.scalars(select(App).where(App.id.in_(app_ids))).all()
        endpoints = (
            db.session.scalars(
                select(WebhookEndpoint).where(WebhookEndpoint.id.in_(endpoint_ids))
            ).all()
            if endpoint_ids
            else []
        )
        return cls({a.id: a for a in apps}, {e.id: e for e in endpoints})


def deliver(delivery: Delivery, targets: Targets, senders: Senders, now) -> Outcome:
    """Send one delivery once; never raises for the other side's failures."""
    started = time.monotonic()
    app = targets.apps[delivery.app_id]  # an app is never deleted while it has messages
    if delivery.channel == "email":
        outcome = _email(app, delivery, senders)
    else:
        endpoint = targets.endpoints.get(delivery.endpoint_id or "")
        outcome = _webhook(delivery, endpoint, senders, now)
    return _timed(outcome, started)


def senders_for_app() -> Senders:
    """Return the senders configured for the current Flask app."""
    return Senders.from_config(current_app.config)
