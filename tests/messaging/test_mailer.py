"""The SendGrid adapter: the real `sendgrid` SDK against a fake SendGrid API on loopback."""

import base64
import logging
import socket
import time

import pytest

from saveflow.messaging.mailer import MailSettings, mail_settings, send_email
from saveflow.messaging.outbox import Outcome
from tests.messaging.conftest import settings_for

PAYLOAD = {
    "subject": "Your Acme subscription is cancelled",
    "text": "Your Pro subscription will end on May 15, 2025.",
    "html": "<p>Your Pro subscription will end on <strong>May 15, 2025</strong>.</p>",
    "locale": "en",
    "customer": "cus_42",
}


def send(settings, payload=PAYLOAD, sender="support@acme.example", name="Acme Support"):
    return send_email(
        payload,
        "ada@example.com",
        sender,
        name,
        settings,
        delivery_id="dlv_0123456789",
        kind="cancel_receipt",
    )


def test_send_posts_exactly_this_body_to_mail_send(sendgrid_fake):
    outcome = send(settings_for(sendgrid_fake))
    assert outcome == Outcome(
        ok=True, backend="sendgrid", status_code=202, duration_ms=outcome.duration_ms
    )
    [request] = sendgrid_fake.requests
    assert (request.method, request.path) == ("POST", "/v3/mail/send")
    assert request.headers["Authorization"] == "Bearer SG.fakekey.fakesecret"
    assert request.headers["Content-Type"] == "application/json"
    assert request.json == {
        "from": {"email": "support@acme.example", "name": "Acme Support"},
        "subject": "Your Acme subscription is cancelled",
        "personalizations": [{"to": [{"email": "ada@example.com"}]}],
        "content": [
            {"type": "text/plain", "value": "Your Pro subscription will end on May 15, 2025."},
            {
                "type": "text/html",
                "value": "<p>Your Pro subscription will end on <strong>May 15, 2025</strong>.</p>",
            },
        ],
        "categories": ["cancel_receipt"],
        "custom_args": {"saveflow_delivery_id": "dlv_0123456789"},
        "tracking_settings": {
            "click_tracking": {"enable": False, "enable_text": False},
            "open_tracking": {"enable": False},
        },
    }


def test_attachments_go_as_base64_with_their_name_and_type(sendgrid_fake):
    csv = "month,saved_mrr\n2025-04,12345\n"
    attachment = {
        "filename": "saved-revenue-2025-04.csv",
        "type": "text/csv",
        "content": base64.b64encode(csv.encode()).decode(),
    }
    outcome = send(settings_for(sendgrid_fake), {**PAYLOAD, "attachments": [attachment]})
    assert outcome.ok
    [body] = sendgrid_fake.sent()
    assert body["attachments"] == [
        {
            "content": "bW9udGgsc2F2ZWRfbXJyCjIwMjUtMDQsMTIzNDUK",
            "filename": "saved-revenue-2025-04.csv",
            "type": "text/csv",
            "disposition": "attachment",
        }
    ]
    assert base64.b64decode(body["attachments"][0]["content"]).decode() == csv


def test_without_an_app_sender_the_deployment_sender_is_used(sendgrid_fake):
    assert send(settings_for(sendgrid_fake), sender=None, name=None).ok
    assert sendgrid_fake.sent()[0]["from"] == {"email": "billing@acme.example"}


@pytest.mark.parametrize(
    ("status", "permanent"),
    [
        (400, True),
        (413, True),
        (401, False),
        (403, False),
        (429, False),
        (500, False),
        (502, False),
        (503, False),
    ],
)
def test_refusals_map_to_permanent_or_retryable_failures(sendgrid_fake, status, permanent):
    sendgrid_fake.fail_next(status)
    outcome = send(settings_for(sendgrid_fake))
    assert (outcome.ok, outcome.backend, outcome.status_code) == (False, "sendgrid", status)
    assert outcome.permanent is permanent
    assert outcome.error == (
        f"SendGrid refused the message ({status}): Injected failure {status} (the fake)."
    )


def test_a_malformed_message_is_refused_for_good_in_sendgrids_words(sendgrid_fake):
    outcome = send(settings_for(sendgrid_fake), {**PAYLOAD, "subject": ""})
    assert (outcome.status_code, outcome.permanent) == (400, True)
    assert outcome.error == "SendGrid refused the message (400): The subject is required."


def test_a_wrong_key_is_retryable_and_never_shown(sendgrid_fake):
    settings = settings_for(sendgrid_fake, SENDGRID_API_KEY="SG.wrongkey.wrongsecret")
    outcome = send(settings)
    assert (outcome.ok, outcome.status_code, outcome.permanent) == (False, 401, False)
    assert "authorization grant is invalid" in outcome.error
    assert "wrongkey" not in outcome.error and "wrongkey" not in repr(settings)


def test_a_hung_server_fails_fast_and_is_retried(sendgrid_fake):
    sendgrid_fake.hang_next(30)
    started = time.monotonic()
    outcome = send(settings_for(sendgrid_fake, timeout=0.5))
    assert time.monotonic() - started < 2.5
    assert (outcome.ok, outcome.permanent, outcome.status_code) == (False, False, None)
    assert outcome.error == "SendGrid did not answer within 0.5 s."
    assert sendgrid_fake.sent() == []


def test_an_unreachable_server_is_retryable():
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings = mail_settings(
        {"SENDGRID_API_KEY": "SG.k.s", "SENDGRID_HOST": f"http://127.0.0.1:{port}"}
    )
    outcome = send(settings)
    assert (outcome.ok, outcome.permanent) == (False, False)
    assert outcome.error.startswith("Could not reach SendGrid: ")
    assert "SG.k.s" not in outcome.error


def test_without_a_key_the_log_backend_keeps_only_recipient_and_subject(sendgrid_fake, caplog):
    caplog.set_level(logging.DEBUG)
    settings = mail_settings({"SENDGRID_HOST": sendgrid_fake.url})
    assert settings.api_key is None
    outcome = send(settings)
    assert outcome == Outcome(ok=True, backend="log")
    assert sendgrid_fake.requests == []
    [record] = [r for r in caplog.records if r.name == "saveflow.messaging.mailer"]
    message = record.getMessage()
    assert "ada@example.com" in message and PAYLOAD["subject"] in message
    assert "May 15" not in message and "<p>" not in message


def test_nothing_logs_the_key_or_the_body(sendgrid_fake, caplog):
    caplog.set_level(logging.DEBUG)
    assert send(settings_for(sendgrid_fake)).ok
    sendgrid_fake.fail_next(500)
    assert not send(settings_for(sendgrid_fake)).ok
    assert sendgrid_fake.api_key not in caplog.text
    assert "fakesecret" not in caplog.text and "May 15" not in caplog.text


def test_settings_come_from_the_config_and_hide_the_key():
    settings = mail_settings(
        {
            "SENDGRID_API_KEY": "SG.abc.def",
            "SENDGRID_HOST": "http://127.0.0.1:9",
            "SAVEFLOW_EMAIL_FROM": "team@acme.example",
            "SAVEFLOW_MAIL_TIMEOUT": 3,
        }
    )
    assert settings == MailSettings("SG.abc.def", "http://127.0.0.1:9", "team@acme.example", 3.0)
    assert "SG.abc.def" not in repr(settings)
    assert mail_settings({}) == MailSettings(None, None, "no-reply@saveflow.invalid", 10.0)


def test_the_app_config_carries_the_mail_settings(app):
    keys = {"SENDGRID_API_KEY", "SENDGRID_HOST", "SAVEFLOW_EMAIL_FROM", "SAVEFLOW_MAIL_TIMEOUT"}
    assert keys <= set(app.config)
    assert mail_settings(app.config).timeout == app.config["SAVEFLOW_MAIL_TIMEOUT"]
