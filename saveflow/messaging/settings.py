"""An app's message settings: who sends, who hears alerts, and the alert triggers.

Kept in `App.settings["messages"]`; the admin edits them (saveflow.admin.messages).
"""

import re
from dataclasses import dataclass, field

DEFAULT_SENDER = "no-reply@saveflow.invalid"
# One @, no spaces, a dot in the domain: enough to tell an address from a mistake.
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


@dataclass(frozen=True)
class MessageSettings:
    sender_email: str | None = None  # None: the deployment's SAVEFLOW_EMAIL_FROM
    sender_name: str | None = None
    customer_emails: bool = True  # receipts and confirmations to customers
    alert_recipients: tuple[str, ...] = ()
    alert_locale: str = "en"
    alert_triggers: tuple[dict, ...] = field(default_factory=tuple)


def message_settings(settings: dict | None) -> MessageSettings:
    """Return an app's message settings from its settings JSON (defaults where absent)."""
    raw = (settings or {}).get("messages") or {}
    return MessageSettings(
        sender_email=raw.get("sender_email") or None,
        sender_name=raw.get("sender_name") or None,
        customer_emails=bool(raw.get("customer_emails", True)),
        alert_recipients=tuple(raw.get("alert_recipients") or ()),
        alert_locale=raw.get("alert_locale") or "en",
        alert_triggers=tuple(raw.get("alert_triggers") or ()),
    )


def settings_json(settings: MessageSettings) -> dict:
    """Return message settings as `App.settings["messages"]` keeps them."""
    return {
        "sender_email": settings.sender_email,
        "sender_name": settings.sender_name,
        "customer_emails": settings.customer_emails,
        "alert_recipients": list(settings.alert_recipients),
        "alert_locale": settings.alert_locale,
        "alert_triggers": list(settings.alert_triggers),
    }


def looks_like_email(value: str) -> bool:
    """Say whether a trimmed value reads as an email address."""
    return len(value) <= 320 and bool(_EMAIL.fullmatch(value))
