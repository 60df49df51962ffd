"""Webhook events as Stripe sends them, signed with Stripe's `Stripe-Signature` scheme."""

import hashlib
import hmac
import json


def build_event(event_id, event_type, data_object, created, api_version, previous_attributes):
    """Return a v1 snapshot event around a copy of data_object."""
    data = {"object": data_object}
    if previous_attributes is not None:
        data["previous_attributes"] = previous_attributes
    return {
        "id": event_id,
        "object": "event",
        "api_version": api_version,
        "created": created,
        "data": data,
        "livemode": False,
        "pending_webhooks": 1,
        "request": {"id": None, "idempotency_key": None},
        "type": event_type,
    }


def sign(payload, secret, timestamp):
    """Return the Stripe-Signature header: HMAC-SHA256 of "{t}.{payload}" under the secret."""
    signed = f"{timestamp}.".encode() + payload
    digest = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def encode(event):
    """Serialise an event the way Stripe delivers it (indented JSON, UTF-8)."""
    return json.dumps(event, indent=2).encode()
