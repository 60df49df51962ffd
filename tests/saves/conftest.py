"""Saves made through the public API, then Stripe webhooks signed as Stripe signs them."""

import hashlib
import hmac
import itertools
import json
import time
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select, update

from saveflow.billing.connections import connect
from saveflow.db import utcnow
from saveflow.extensions import db
from saveflow.models import Session, SessionEvent
from tests.conftest import DEFAULT_SNAPSHOT, FlowActions

WHSEC = {"live": "whsec_liveSecretForTests0001", "test": "whsec_testSecretForTests0001"}
KEYS = {"live": "sk_live_TestsOnlyKey0001", "test": "sk_test_TestsOnlyKey0001"}
_ids = itertools.count(1)


def ts(moment: datetime) -> int:
    """Return a datetime as Stripe's Unix seconds."""
    return int(moment.timestamp())


def signature(payload: str, secret: str, at: int | None = None) -> str:
    """Return the Stripe-Signature header Stripe would send: HMAC-SHA256 over "{t}.{payload}"."""
    t = int(time.time()) if at is None else at
    mac = hmac.new(secret.encode(), f"{t}.{payload}".encode(), hashlib.sha256).hexdigest()
    return f"t={t},v1={mac}"


def event(kind: str, obj: dict, created: datetime, livemode=True, previous=None, id=None) -> dict:
    data: dict = {"object": obj}
    if previous is not None:
        data["previous_attributes"] = previous
    return {
        "id": id or f"evt_{next(_ids):06d}",
        "object": "event",
        "type": kind,
        "created": ts(created),
        "livemode": livemode,
        "api_version": "2026-10-28.endive",
        "data": data,
    }


def invoice(invoice_id, subscription, amount, paid_at=None, currency="usd", parent=False) -> dict:
    """An invoice as Stripe sends it (`parent` puts the subscription where new API versions do)."""
    obj: dict = {
        "id": invoice_id,
        "object": "invoice",
        "amount_paid": amount,
        "currency": currency,
        "status": "paid" if paid_at else "open",
        "status_transitions": {"paid_at": ts(paid_at) if paid_at else None},
    }
    if parent:
        obj["parent"] = {"subscription_details": {"subscription": subscription}}
    else:
        obj["subscription"] = subscription
    return obj


def subscription(sub_id, status="active", **fields) -> dict:
    """A subscription object; datetime fields become Unix seconds."""
    obj = {
        "id": sub_id,
        "object": "subscription",
        "status": status,
        "cancel_at_period_end": False,
        "cancel_at": None,
        "canceled_at": None,
        "ended_at": None,
    }
    for key, value in fields.items():
        obj[key] = ts(value) if isinstance(value, datetime) else value
    return obj


class Shop:
    """Customers who save (or not) through the widget API, and Stripe telling saveflow after."""

    def __init__(self, client, app_record):
        self.client = client
        self.app = app_record
        self.customers = itertools.count(1)

    def open(self, sub: str, mode="live", status="active") -> FlowActions:
        flow = FlowActions(self.client, self.app)
        snapshot = {**DEFAULT_SNAPSHOT, "status": status}
        started = flow.start(
            customer=f"cus_{next(self.customers)}", subscription=sub, mode=mode, snapshot=snapshot
        )
        assert started.status_code == 201, started.json
        return flow

    def save(self, sub: str, how="accept", mode="live") -> str:
        """Save a subscription (25% off for 3 months, or withdraw); return the session id."""
        flow = self.open(sub, mode)
        offer = flow.answer("too_expensive").json["offers"][0]["id"]
        done = flow.accept(offer) if how == "accept" else flow.post("/withdraw")
        assert done.status_code == 200, done.json
        return flow.session_id

    def connect(self, modes=("live", "test")) -> None:
        """Connect Stripe (after the saves: a start would then read the subscription from Stripe)."""
        db.session.rollback()
        for mode in modes:
            connect(self.app.id, mode, "stripe", KEYS[mode], WHSEC[mode], utcnow())
        db.session.commit()

    def send(self, body: dict | str, secret=None, header=None, app_id=None, headers=None):
        """POST a webhook signed with the mode's secret (or `secret`, or exactly `header`)."""
        payload = body if isinstance(body, str) else json.dumps(body)
        mode = "live" if not isinstance(body, dict) or body.get("livemode", True) else "test"
        sent = dict(headers or {})
        if header is not False:
            sent["Stripe-Signature"] = header or signature(payload, secret or WHSEC[mode])
        return self.client.post(
            f"/webhooks/stripe/{app_id or self.app.id}",
            data=payload,
            headers=sent,
            content_type="application/json",
        )

    def deliver(self, *events: dict) -> None:
        for one in events:
            response = self.send(one)
            assert response.status_code == 200, response.json


def row(session_id: str) -> Session:
    db.session.rollback()
    found = db.session.get(Session, session_id, populate_existing=True)
    assert found is not None
    return found


def saved_at(session_id: str) -> datetime:
    """Return the moment of the save, to the second (as Stripe's times are)."""
    moment = row(session_id).outcome_at
    assert moment is not None
    return moment.replace(microsecond=0)


def events_of(session_id: str) -> list[str]:
    db.session.rollback()
    return list(
        db.session.scalars(
            select(SessionEvent.type)
            .where(SessionEvent.session_id == session_id)
            .order_by(SessionEvent.seq)
        )
    )


def age(session_id: str, days: float) -> None:
    """Move a session's timeline `days` into the past, as if it had been made then."""
    shift = timedelta(days=days)
    found = row(session_id)
    values = {
        name: getattr(found, name) - shift
        for name in ("created_at", "last_seen_at", "outcome_at", "save_status_at")
        if getattr(found, name) is not None
    }
    db.session.execute(update(Session).where(Session.id == session_id).values(**values))
    db.session.commit()


@pytest.fixture
def shop(client, demo):
    return Shop(client, demo)
