"""What a decided (or payment-recovery) session owes the outside world, queued in its transaction:
webhook events, the customer's receipt or confirmation, and a customer-success alert.

The session layer calls these right after it writes the change, before its commit, so the
messages exist exactly when the change does. Nothing here sends: the worker does.
"""

from datetime import datetime

from flask import current_app

from saveflow.apps.models import App
from saveflow.messaging import outbox
from saveflow.messaging.alerts import matching_triggers
from saveflow.messaging.emails import render_email
from saveflow.messaging.publish import publish
from saveflow.messaging.settings import message_settings
from saveflow.rollups.ledger import timezone_of

CUSTOMER_EMAILS = {"cancelled": "cancel_receipt", "saved": "offer_accepted"}


def session_url(app_id: str, session_id: str) -> str:
    """Return the admin page of a session, absolute when saveflow's public URL is configured."""
    base = (current_app.config.get("SAVEFLOW_URL") or "").rstrip("/")
    return f"{base}/admin/apps/{app_id}/sessions/{session_id}"


def _classification(session) -> dict:
    found = session.classification or {}
    return {k: found.get(k) for k in ("category", "voluntary", "influenceable")}


def session_data(session) -> dict:
    """Return a decided session as webhook receivers get it (`data` of the event)."""
    result = session.result or {}
    snapshot = session.snapshot or {}
    reason = None
    if session.reason_key:
        reason = {"id": session.reason_key, "comment": session.comment, **_classification(session)}
    return {
        "session_id": session.id,
        "mode": session.mode,
        "customer": session.customer,
        "subscription": session.subscription,
        "outcome": session.outcome,
        "decided_at": session.outcome_at.isoformat() if session.outcome_at else None,
        "locale": session.locale,
        "plan": snapshot.get("plan"),
        "plan_name": snapshot.get("plan_name"),
        "currency": session.currency,
        "mrr": session.mrr,
        "reason": reason,
        "offer": result.get("offer"),
        "effective": result.get("effective"),
        "effective_at": result.get("effective_at"),
        "saved_revenue": result.get("saved_revenue"),
    }


def _alert_facts(session, data: dict) -> dict:
    offer = data.get("offer") or {}
    return {
        "mrr": session.mrr,
        "currency": session.currency,
        "outcome": session.outcome,
        "reason": session.reason_key,
        "offer_type": offer.get("type"),
        **_classification(session),
    }


def _common(app: App) -> dict:
    """Return what every email of an app says: its name, and the zone its dates are written in."""
    return {"app_name": app.name, "timezone": timezone_of(app.settings).key}


def _customer_email(app: App, session, kind: str, data: dict, now: datetime) -> None:
    context = {**_common(app), "session": data, "offer": data.get("offer")}
    payload = render_email(current_app.jinja_env, kind, session.locale, context)
    outbox.enqueue(
        app.id,
        "email",
        kind,
        f"{kind}:{session.id}",
        {**payload, "locale": session.locale, "customer": session.customer},
        now,
        session_id=session.id,
        mode=session.mode,
        recipient=session.email,
    )


def session_decided(app: App, session, now: datetime) -> None:
    """Queue the webhooks, emails and alert a session's outcome calls for."""
    data = session_data(session)
    common = {"session_id": session.id, "mode": session.mode}
    publish(app.id, "session.completed", data, now, session.id, **common)
    if session.outcome == "saved":
        publish(app.id, "offer.accepted", data, now, session.id, **common)
    settings = message_settings(app.settings)
    kind = CUSTOMER_EMAILS.get(session.outcome or "")
    if kind and settings.customer_emails:
        _customer_email(app, session, kind, data, now)
    names = matching_triggers(list(settings.alert_triggers), _alert_facts(session, data))
    if not names:
        return
    alert = {**data, "triggers": names, "session_url": session_url(app.id, session.id)}
    publish(app.id, "session.alert", alert, now, session.id, **common)
    if not settings.alert_recipients:
        return
    email = render_email(
        current_app.jinja_env,
        "cs_alert",
        settings.alert_locale,
        {**_common(app), "session": alert, "offer": data.get("offer")},
    )
    for recipient in settings.alert_recipients:
        outbox.enqueue(
            app.id,
            "email",
            "cs_alert",
            f"cs_alert:{session.id}:{recipient}",
            {**email, "locale": settings.alert_locale},
            now,
            session_id=session.id,
            mode=session.mode,
            recipient=recipient,
        )


def payment_recovery(app: App, values: dict, now: datetime) -> None:
    """Queue the payment-recovery email for a session that opened on a past-due subscription."""
    snapshot = values["snapshot"]
    url = snapshot.get("update_payment_url")
    if not url or not message_settings(app.settings).customer_emails:
        return
    context = {
        **_common(app),
        "session": {
            "session_id": values["id"],
            "customer": values["customer"],
            "plan": snapshot.get("plan"),
            "plan_name": snapshot.get("plan_name"),
            "currency": values["currency"],
            "mrr": values["mrr"],
            "status": snapshot.get("status"),
            "update_payment_url": url,
        },
    }
    payload = render_email(current_app.jinja_env, "payment_recovery", values["locale"], context)
    outbox.enqueue(
        app.id,
        "email",
        "payment_recovery",
        f"payment_recovery:{values['id']}",
        {**payload, "locale": values["locale"], "customer": values["customer"]},
        now,
        session_id=values["id"],
        mode=values["mode"],
        recipient=values.get("email"),
    )
