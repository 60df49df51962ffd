"""Email out through SendGrid: the only module that imports the `sendgrid` SDK.

`send_email` sends one rendered message (see Delivery.payload) and says what happened as an
outbox Outcome: delivered, refused for good (a message SendGrid will never take), or worth
retrying (SendGrid down, slow, throttling, or a key to fix). Without an API key, messages go to
the log backend instead: it records who and what subject, and the outbox row keeps the rest for
the admin. Neither ever writes the API key or a message body to a log or an error.
"""

import http.client
import logging
import time
from collections.abc import Mapping
from dataclasses import dataclass, field

import python_http_client
from sendgrid import SendGridAPIClient
from sendgrid.helpers.mail import (
    ApiKeyIncludedException,
    Attachment,
    Category,
    ClickTracking,
    CustomArg,
    Disposition,
    FileContent,
    FileName,
    FileType,
    From,
    Mail,
    OpenTracking,
    To,
    TrackingSettings,
)

from saveflow.messaging.outbox import Outcome
from saveflow.messaging.settings import DEFAULT_SENDER

log = logging.getLogger(__name__)
# The SDK's HTTP client logs every request's headers (the API key) and body at DEBUG.
logging.getLogger("python_http_client").setLevel(logging.INFO)

SENDGRID = "https://api.sendgrid.com"
# Requests SendGrid will refuse however often they are sent; everything else may pass later.
PERMANENT = frozenset({400, 413})


@dataclass(frozen=True)
class MailSettings:
    """How saveflow reaches SendGrid, from the deployment's config."""

    api_key: str | None = field(default=None, repr=False)  # None: the log backend
    host: str | None = None  # another base URL for every call (a fake, a regional host)
    default_sender: str = DEFAULT_SENDER  # for apps that do not name their own
    timeout: float = 10.0  # seconds one call may take


def mail_settings(config: Mapping) -> MailSettings:
    """Return the mail settings from a Flask config (or any mapping of the same keys)."""
    return MailSettings(
        api_key=config.get("SENDGRID_API_KEY") or None,
        host=config.get("SENDGRID_HOST") or None,
        default_sender=config.get("SAVEFLOW_EMAIL_FROM") or DEFAULT_SENDER,
        timeout=float(config.get("SAVEFLOW_MAIL_TIMEOUT") or 10),
    )


def mail_body(
    payload: dict, to: str, sender_email: str, sender_name: str | None, delivery_id: str, kind: str
) -> dict:
    """Return the JSON body of POST /v3/mail/send for one rendered message."""
    mail = Mail(
        from_email=From(sender_email, sender_name),
        to_emails=To(to),
        subject=payload["subject"],
        plain_text_content=payload["text"],
        html_content=payload["html"],
    )
    # Traced by delivery id in SendGrid's activity and event webhooks.
    mail.custom_arg = CustomArg("saveflow_delivery_id", delivery_id)
    mail.category = Category(kind)
    # Links stay as written (a payment page's URL is the customer's own), and no tracking
    # pixel is added: these emails load nothing from elsewhere.
    mail.tracking_settings = TrackingSettings(
        click_tracking=ClickTracking(False, False), open_tracking=OpenTracking(False)
    )
    for item in payload.get("attachments") or ():
        mail.add_attachment(
            Attachment(
                FileContent(item["content"]),
                FileName(item["filename"]),
                FileType(item["type"]),
                Disposition("attachment"),
            )
        )
    return mail.get()


def send_email(
    payload: dict,
    to: str,
    sender_email: str | None,
    sender_name: str | None,
    settings: MailSettings,
    *,
    delivery_id: str,
    kind: str,
) -> Outcome:
    """Send one rendered email through SendGrid (the log backend without an API key)."""
    if not settings.api_key:
        return log_email(payload, to, delivery_id=delivery_id, kind=kind)
    started = time.monotonic()
    sender = sender_email or settings.default_sender
    try:
        body = mail_body(payload, to, sender, sender_name, delivery_id, kind)
        client = SendGridAPIClient(settings.api_key, host=settings.host or SENDGRID)
        # The SDK's `send()` takes no timeout; its fluent client, which `send()` calls, does.
        response = client.client.mail.send.post(request_body=body, timeout=settings.timeout)
    except ApiKeyIncludedException:
        error = "The message looks like it contains a SendGrid API key; it was not sent."
        return _failed(started, None, error, permanent=True)
    except python_http_client.HTTPError as refused:
        status = int(refused.status_code)
        error = f"SendGrid refused the message ({status}): {_reason(refused, settings)}"
        return _failed(started, status, error, permanent=status in PERMANENT)
    except (OSError, http.client.HTTPException) as broken:
        return _failed(started, None, _network_error(broken, settings), permanent=False)
    return Outcome(
        ok=True, backend="sendgrid", status_code=response.status_code, duration_ms=_ms(started)
    )


def log_email(payload: dict, to: str, *, delivery_id: str, kind: str) -> Outcome:
    """Keep an email in the log backend: log its recipient and subject, never its body."""
    log.info(
        "Email %s (%s) to %s, not sent (no SendGrid key): %s",
        delivery_id,
        kind,
        to,
        payload.get("subject"),
    )
    return Outcome(ok=True, backend="log")


def _failed(started: float, status: int | None, error: str, permanent: bool) -> Outcome:
    return Outcome(
        ok=False,
        backend="sendgrid",
        status_code=status,
        error=error,
        permanent=permanent,
        duration_ms=_ms(started),
    )


def _ms(started: float) -> int:
    return int((time.monotonic() - started) * 1000)


def _reason(refused: python_http_client.HTTPError, settings: MailSettings) -> str:
    """Return SendGrid's own words for a refusal (its `errors[].message`), kept short."""
    try:
        found = refused.to_dict
        messages = [e.get("message") for e in found.get("errors") or [] if e.get("message")]
        text = "; ".join(messages) or str(refused.reason)
    except (ValueError, AttributeError, TypeError):
        text = str(refused.reason or "no reason given")
    return _redacted(text, settings)[:300]


def _network_error(error: BaseException, settings: MailSettings) -> str:
    reason = getattr(error, "reason", None) or error
    if isinstance(reason, TimeoutError):
        return f"SendGrid did not answer within {settings.timeout:g} s."
    return _redacted(f"Could not reach SendGrid: {reason}", settings)[:300]


def _redacted(text: str, settings: MailSettings) -> str:
    # An answer that quotes the request must not carry the key into the outbox or the admin.
    return text.replace(settings.api_key, "[API key]") if settings.api_key else text
