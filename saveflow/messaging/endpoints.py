"""An app's outbound webhook endpoints: add one (its secret shown once), rotate its secret,
switch it on or off, remove it. Every change is written to the app's audit log; the caller
commits.

Addresses must be HTTPS. Plain HTTP is accepted only on this machine's loopback names
(`localhost`, `127.0.0.1`, `::1`), for a receiver under development: anything else would carry
customer data and a replayable signature in the clear. Slack targets must be Slack's own
incoming-webhook host.
"""

from collections.abc import Iterable
from urllib.parse import urlsplit, urlunsplit

from sqlalchemy import func, select

from saveflow.apps.audit import audit
from saveflow.domain_errors import Invalid, NotFound
from saveflow.extensions import db
from saveflow.messaging.models import (
    ENDPOINT_KINDS,
    WEBHOOK_EVENTS,
    Delivery,
    WebhookEndpoint,
    new_secret,
)

LOOPBACK_HOSTS = ("localhost", "127.0.0.1", "::1")
SLACK_HOST = "hooks.slack.com"
# Slack is sent the events a person reads; the others are for systems.
SLACK_EVENTS = ("session.alert",)
URL_LIMIT = 2000
DESCRIPTION_LIMIT = 200


def _refuse(field: str, message: str) -> Invalid:
    return Invalid(message, errors={field: [message]})


def normalize_url(url: str, kind: str = "json") -> str:
    """Return a receiver's address in its usual form, or raise Invalid saying what is wrong."""
    raw = (url or "").strip()
    if not raw:
        raise _refuse("url", "Give the receiver's address.")
    if len(raw) > URL_LIMIT or any(c.isspace() or ord(c) < 32 for c in raw):
        raise _refuse("url", f"Give one address of at most {URL_LIMIT} characters, no spaces.")
    parts = urlsplit(raw)
    scheme, host = parts.scheme.lower(), (parts.hostname or "")
    try:
        port = parts.port
    except ValueError:
        raise _refuse("url", "The port is not a number from 1 to 65535.") from None
    if scheme not in ("https", "http") or not host:
        raise _refuse("url", "Give a full address starting with https://.")
    if scheme == "http" and host not in LOOPBACK_HOSTS:
        raise _refuse("url", "Use https:// (plain http only for localhost, 127.0.0.1 or ::1).")
    if parts.username is not None or parts.password is not None:
        # It would be stored and listed in the clear; the signature is what proves the sender.
        raise _refuse("url", "Put no user name or password in the address.")
    if parts.fragment:
        raise _refuse("url", "An address with a #fragment is never sent one: remove it.")
    netloc = f"[{host}]" if ":" in host else host
    if port is not None:
        netloc = f"{netloc}:{port}"
    normal = urlunsplit((scheme, netloc, parts.path or "/", parts.query, ""))
    if kind == "slack" and (scheme != "https" or host != SLACK_HOST or len(parts.path) < 2):
        raise _refuse(
            "url", f"A Slack target is an incoming-webhook address, https://{SLACK_HOST}/…."
        )
    return normal


def normalize_events(events: Iterable[str] | None, kind: str = "json") -> list[str]:
    """Return the events an endpoint receives, in their usual order, or raise Invalid."""
    if events is None:
        return list(SLACK_EVENTS if kind == "slack" else WEBHOOK_EVENTS)
    chosen = set(events)
    unknown = sorted(chosen - set(WEBHOOK_EVENTS))
    if unknown:
        raise _refuse(
            "events", f"Unknown event {', '.join(unknown)}: use {', '.join(WEBHOOK_EVENTS)}."
        )
    if not chosen:
        raise _refuse("events", "Choose at least one event.")
    if kind == "slack" and chosen - set(SLACK_EVENTS):
        raise _refuse("events", "Slack is sent session.alert only.")
    return [event for event in WEBHOOK_EVENTS if event in chosen]


def _description(text: str | None) -> str | None:
    value = " ".join((text or "").split())
    if len(value) > DESCRIPTION_LIMIT:
        raise _refuse("description", f"At most {DESCRIPTION_LIMIT} characters.")
    return value or None


def shown_url(endpoint: WebhookEndpoint) -> str:
    """Return the address as lists show it, the end of a Slack address hidden (it is a key)."""
    if endpoint.kind != "slack":
        return endpoint.url
    head, _, tail = endpoint.url.rstrip("/").rpartition("/")
    return f"{head}/{tail[:4]}…" if tail else endpoint.url


def _described(endpoint: WebhookEndpoint) -> dict:
    """What the audit log keeps of an endpoint (never its secret)."""
    return {
        "url": shown_url(endpoint),
        "kind": endpoint.kind,
        "events": list(endpoint.events),
        "description": endpoint.description,
        "active": endpoint.active,
    }


def _log(endpoint: WebhookEndpoint, actor: str, action: str, before, after) -> None:
    target = f"webhook:{endpoint.id}"
    audit(endpoint.app_id, actor, action, target, {"before": before, "after": after})


def add_endpoint(
    app_id: str,
    url: str,
    kind: str = "json",
    events: Iterable[str] | None = None,
    description: str | None = None,
    *,
    actor: str = "system",
) -> WebhookEndpoint:
    """Add an endpoint with a fresh secret (read it from the result: it is never shown again)."""
    if kind not in ENDPOINT_KINDS:
        raise _refuse("kind", f"Kind is one of {', '.join(ENDPOINT_KINDS)}.")
    endpoint = WebhookEndpoint(
        app_id=app_id,
        url=normalize_url(url, kind),
        kind=kind,
        events=normalize_events(events, kind),
        description=_description(description),
        secret=new_secret(),
        active=True,
    )
    db.session.add(endpoint)
    db.session.flush()
    _log(endpoint, actor, "webhook.added", None, {**_described(endpoint), "secret": "(set)"})
    return endpoint


def list_endpoints(app_id: str) -> list[WebhookEndpoint]:
    """Return an app's endpoints, oldest first."""
    rows = db.session.scalars(
        select(WebhookEndpoint)
        .where(WebhookEndpoint.app_id == app_id)
        .order_by(WebhookEndpoint.created_at, WebhookEndpoint.id)
    )
    return list(rows)


def get_endpoint(app_id: str, endpoint_id: str) -> WebhookEndpoint:
    """Return one of the app's endpoints, or raise NotFound."""
    endpoint = db.session.get(WebhookEndpoint, endpoint_id)
    if endpoint is None or endpoint.app_id != app_id:
        raise NotFound(f"No webhook endpoint {endpoint_id!r} on this app.")
    return endpoint


def rotate_secret(app_id: str, endpoint_id: str, *, actor: str = "system") -> str:
    """Give an endpoint a new secret and return it; the old one stops signing at once."""
    endpoint = get_endpoint(app_id, endpoint_id)
    if endpoint.kind == "slack":
        raise _refuse("kind", "Slack endpoints are not signed: they have no secret to rotate.")
    endpoint.secret = secret = new_secret()
    _log(endpoint, actor, "webhook.secret_rotated", {"secret": "(set)"}, {"secret": "rotated"})
    return secret


def set_active(
    app_id: str, endpoint_id: str, active: bool, *, actor: str = "system"
) -> WebhookEndpoint:
    """Switch an endpoint on or off (off: no new events are queued for it)."""
    endpoint = get_endpoint(app_id, endpoint_id)
    if endpoint.active != active:
        endpoint.active = active
        action = "webhook.enabled" if active else "webhook.disabled"
        _log(endpoint, actor, action, {"active": not active}, {"active": active})
    return endpoint


def delivery_count(endpoint_id: str) -> int:
    """Return how many deliveries were ever queued for an endpoint."""
    count = db.session.scalar(
        select(func.count()).select_from(Delivery).where(Delivery.endpoint_id == endpoint_id)
    )
    return int(count or 0)


def remove(app_id: str, endpoint_id: str, *, actor: str = "system") -> str:
    """Delete an endpoint nothing was sent to; one with deliveries is switched off instead, so
    its history stays readable. Return "deleted" or "deactivated"."""
    endpoint = get_endpoint(app_id, endpoint_id)
    if delivery_count(endpoint.id):
        set_active(app_id, endpoint_id, False, actor=actor)
        return "deactivated"
    _log(endpoint, actor, "webhook.removed", _described(endpoint), None)
    db.session.delete(endpoint)
    db.session.flush()
    return "deleted"
