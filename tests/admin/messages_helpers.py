"""Helpers for the Messages pages' tests: outbox rows made as the worker leaves them, and the
email and alert settings form as a browser posts it."""

from datetime import UTC, datetime, timedelta

from sqlalchemy import update

from saveflow.extensions import db
from saveflow.messaging import outbox
from saveflow.messaging.models import Delivery, WebhookEndpoint
from saveflow.messaging.outbox import Outcome
from saveflow.messaging.settings import message_settings

NOW = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
EMAIL = {
    "subject": "Your Acme subscription is cancelled",
    "html": "<h1 style='color:#3b4fd8'>Cancelled</h1><p>It ends on 1 April 2026.</p>",
    "text": "Cancelled.\nIt ends on 1 April 2026.",
    "locale": "en",
    "customer": "cus_1",
}


def endpoint(app_id: str, url: str = "https://hooks.example.com/saveflow", kind="json") -> str:
    """Register a webhook endpoint and return its id."""
    row = WebhookEndpoint(app_id=app_id, url=url, kind=kind)
    db.session.add(row)
    db.session.commit()
    return row.id


def queue(app_id: str, channel="email", event="cancel_receipt", payload=None, at=NOW, **kw) -> str:
    """Queue one message as a session's transaction would, commit, and return its id."""
    delivery_id = outbox.new_delivery_id()
    if channel == "webhook" and not kw.get("endpoint_id"):
        kw["endpoint_id"] = endpoint(app_id)
    if channel == "webhook" and payload is None:
        payload = {"body": f'{{"id":"{delivery_id}","type":"{event}","created":1,"data":{{}}}}'}
    if channel == "email":
        kw.setdefault("recipient", "ada@customer.example")
    added = outbox.enqueue(
        app_id,
        channel,
        event,
        f"{event}:{delivery_id}",
        payload or EMAIL,
        at,
        delivery_id=delivery_id,
        **kw,
    )
    assert added
    db.session.commit()
    return delivery_id


def attempt(delivery_id: str, outcome: Outcome, at: datetime, worker="worker-1@host:42") -> str:
    """Make one try at a message as a worker does (claim, then settle); return its new status."""
    db.session.execute(
        update(Delivery)
        .where(Delivery.id == delivery_id)
        .values(attempts=Delivery.attempts + 1, lease_until=at + outbox.LEASE)
    )
    db.session.commit()
    row = db.session.get(Delivery, delivery_id)
    db.session.refresh(row)
    return outbox.settle(row, outcome, at, worker)


def dead(app_id: str, at: datetime = NOW, **kw) -> str:
    """A webhook whose receiver kept failing until saveflow gave up."""
    delivery_id = queue(app_id, "webhook", "session.completed", at=at, **kw)
    failed = Outcome(False, "http", 503, "503 Service Unavailable", duration_ms=812)
    attempt(delivery_id, failed, at)
    late = at + outbox.GIVE_UP_AFTER + timedelta(seconds=1)
    assert attempt(delivery_id, Outcome(False, "http", None, "connection refused"), late) == "dead"
    return delivery_id


def form_data(app, triggers=None, **changes) -> dict:
    """The email and alert settings form of an app as it stands, with some fields changed.

    `triggers` are cards as typed: {"name", "thresholds": [(amount, currency)], "influenceable",
    "outcomes", "offer_types", "categories", "reasons", "remove"}; None keeps the saved ones.
    """
    stored = message_settings(app.settings)
    data: dict = {
        "sender_email": stored.sender_email or "",
        "sender_name": stored.sender_name or "",
        "alert_recipients": "\n".join(stored.alert_recipients),
        "alert_locale": stored.alert_locale,
    }
    if stored.customer_emails:
        data["customer_emails"] = "y"
    if triggers is None:
        triggers = [
            {
                **t,
                "thresholds": [
                    (str(m // 100) if c != "jpy" else str(m), c) for c, m in t["min_mrr"].items()
                ],
            }
            for t in stored.alert_triggers
        ]
    for n, card in enumerate(triggers):
        prefix = f"triggers-{n}-"
        data[prefix + "name"] = card.get("name", "")
        for r, (amount, currency) in enumerate(card.get("thresholds") or [("", "USD")]):
            data[f"{prefix}thresholds-{r}-amount"] = amount
            data[f"{prefix}thresholds-{r}-currency"] = currency
        for flag in ("influenceable", "remove"):
            if card.get(flag):
                data[prefix + flag] = "y"
        for key in ("outcomes", "offer_types", "categories", "reasons"):
            if card.get(key):
                data[prefix + key] = list(card[key])
    data.update(changes)
    return data
