"""An app's message settings: who sends, who hears alerts, and the alert triggers.

Kept in `App.settings["messages"]`; the admin edits them (saveflow.admin.messages).
"""

from dataclasses import dataclass, field

DEFAULT_SENDER = "no-reply@saveflow.invalid"


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
