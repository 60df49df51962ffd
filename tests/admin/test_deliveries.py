"""The deliveries pages: the outbox list with its counts and filters, one message with its tries
and content, and a retry by hand."""

import json
import re
from datetime import timedelta

import pytest

from saveflow.admin import deliveries as views
from saveflow.admin.queries import PER_PAGE
from saveflow.extensions import db
from saveflow.messaging.models import Delivery
from saveflow.messaging.outbox import GIVE_UP_AFTER, Outcome
from tests.admin.messages_helpers import EMAIL, NOW, attempt, dead, endpoint, queue
from tests.admin.settings_helpers import audit_entries, fresh, post

HOSTILE = "<script>alert('x')</script><img src=x onerror=alert(1)>"


@pytest.fixture
def signed_in(demo, make_user, admin):
    make_user("ed@team.example", "editor", demo.id)
    assert admin.login("ed@team.example").status_code == 302


def _rows(html: str) -> list[str]:
    """The delivery ids of the list's rows, in order."""
    return re.findall(r"/deliveries/(dlv_[0-9a-f]+)\"", html)


def test_the_list_shows_every_message_newest_first_with_counts(demo, client, signed_in):
    hook = endpoint(demo.id, "https://hooks.example.com/in")
    sent = queue(demo.id, at=NOW)
    attempt(sent, Outcome(True, "sendgrid", 202, duration_ms=120), NOW + timedelta(seconds=5))
    waiting = queue(demo.id, "webhook", "offer.accepted", endpoint_id=hook, at=NOW + timedelta(1))
    attempt(waiting, Outcome(False, "http", 500, "500 Internal Server Error"), NOW + timedelta(1))
    gone = dead(demo.id, at=NOW + timedelta(2))
    skipped = queue(demo.id, recipient=None, at=NOW + timedelta(3))
    attempt(skipped, Outcome(False, "log", error="no address", skipped=True), NOW + timedelta(3))

    page = client.get(f"/admin/apps/{demo.id}/deliveries")
    html = page.text
    assert page.status_code == 200
    assert _rows(html) == [skipped, gone, waiting, sent]
    pairs = re.findall(r'<span class="n">([\d,]+)</span> (\w+)</a>', html)
    assert pairs == [
        ("4", "All"),
        ("1", "Pending"),
        ("1", "Delivered"),
        ("1", "Dead"),
        ("1", "Skipped"),
    ]
    assert "https://hooks.example.com/in" in html
    assert "ada@customer.example" in html
    assert "500 Internal Server Error" in html
    assert "address from billing" in html  # the skipped email had no address of its own
    assert f"/admin/apps/{demo.id}/sessions/" not in html  # no session linked to these rows


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("status=dead", ["gone"]),
        ("status=pending", ["waiting"]),
        ("channel=email", ["sent"]),
        ("channel=webhook", ["gone", "waiting"]),
        ("event=offer.accepted", ["waiting"]),
        ("channel=webhook&status=delivered", []),
        ("status=nonsense", ["gone", "waiting", "sent"]),  # an unknown value filters nothing
    ],
)
def test_filters(query, expected, demo, client, signed_in):
    ids = {"sent": queue(demo.id, at=NOW)}
    attempt(ids["sent"], Outcome(True, "sendgrid", 202), NOW)
    ids["waiting"] = queue(demo.id, "webhook", "offer.accepted", at=NOW + timedelta(1))
    ids["gone"] = dead(demo.id, at=NOW + timedelta(2))
    html = client.get(f"/admin/apps/{demo.id}/deliveries?{query}").text
    assert _rows(html) == [ids[name] for name in expected]
    if not expected:
        assert "No messages match." in html


def test_the_counts_follow_the_channel_and_link_each_status(demo, client, signed_in):
    dead(demo.id)
    queue(demo.id)
    html = client.get(f"/admin/apps/{demo.id}/deliveries?channel=webhook&page=1").text
    pairs = re.findall(r'<span class="n">([\d,]+)</span> (\w+)</a>', html)
    assert pairs[0] == ("1", "All") and ("1", "Dead") in pairs and ("0", "Pending") in pairs
    link = f"/admin/apps/{demo.id}/deliveries?status=dead&amp;channel=webhook"
    assert f'href="{link}"' in html


def test_the_list_is_paged(demo, client, signed_in):
    ids = [queue(demo.id, at=NOW + timedelta(minutes=n)) for n in range(PER_PAGE + 1)]
    first = client.get(f"/admin/apps/{demo.id}/deliveries").text
    assert _rows(first) == ids[::-1][:PER_PAGE]
    assert "Page 1 of 2" in first
    second = client.get(f"/admin/apps/{demo.id}/deliveries?page=2").text
    assert _rows(second) == [ids[0]]


def test_an_empty_outbox_says_what_will_appear(demo, client, signed_in):
    html = client.get(f"/admin/apps/{demo.id}/deliveries").text
    assert "Nothing has been queued yet." in html


def test_an_email_shows_as_rendered_in_a_sandbox(demo, client, signed_in):
    delivery_id = queue(demo.id, session_id="ses_abc", mode="test")
    attempt(
        delivery_id, Outcome(False, "sendgrid", 429, "429 Too Many Requests", duration_ms=1234), NOW
    )
    attempt(delivery_id, Outcome(True, "sendgrid", 202, duration_ms=87), NOW + timedelta(minutes=1))
    html = client.get(f"/admin/apps/{demo.id}/deliveries/{delivery_id}").text
    frames = re.findall(r"<iframe[^>]*>", html)
    assert len(frames) == 1
    assert re.search(r"\ssandbox[\s>]", frames[0]) and "allow-scripts" not in frames[0]
    assert "allow-same-origin" not in frames[0]
    assert 'srcdoc="&lt;h1 style=&#39;color:#3b4fd8&#39;&gt;Cancelled&lt;/h1&gt;' in frames[0]
    assert '<pre class="dlv-pre wrap">Cancelled.\nIt ends on 1 April 2026.</pre>' in html
    assert EMAIL["subject"] in html
    assert "ada@customer.example" in html
    assert f'href="/admin/apps/{demo.id}/sessions/ses_abc"' in html
    # Each try: when, result, status code, error, duration, worker.
    tries = re.findall(r"<tr>\s*<td data-label=\"When\">.*?</tr>", html, re.S)
    assert len(tries) == 2
    assert "2026-03-02 09:30:00" in tries[0] and "429 Too Many Requests" in tries[0]
    assert ">429<" in tries[0] and "1,234 ms" in tries[0] and "worker-1@host:42" in tries[0]
    assert "Sent" in tries[1] and ">202<" in tries[1] and "87 ms" in tries[1]
    assert "Not sent to anyone" not in html
    assert "Retry now" not in html  # delivered: nothing to retry


def test_an_email_the_log_backend_took_is_marked_not_sent(demo, client, signed_in):
    delivery_id = queue(demo.id)
    attempt(delivery_id, Outcome(True, "log"), NOW)
    html = client.get(f"/admin/apps/{demo.id}/deliveries/{delivery_id}").text
    assert "Not sent to anyone." in html and "SENDGRID_API_KEY" in html
    assert "The worker&#39;s log (not sent)" in html
    listing = client.get(f"/admin/apps/{demo.id}/deliveries").text
    assert 'class="badge dlv-log"' in listing and "Log only" in listing


def test_a_webhook_shows_its_body_indented(demo, client, signed_in):
    hook = endpoint(demo.id, "https://hooks.example.com/slack", kind="slack")
    body = json.dumps({"id": "dlv_x", "type": "session.alert", "data": {"mrr": 60000}})
    delivery_id = queue(demo.id, "webhook", "session.alert", {"body": body}, endpoint_id=hook)
    html = client.get(f"/admin/apps/{demo.id}/deliveries/{delivery_id}").text
    pretty = json.dumps(json.loads(body), indent=2).replace('"', "&#34;")
    assert pretty in html
    assert "https://hooks.example.com/slack" in html and ">Slack<" in html
    assert "<iframe" not in html
    assert "No try yet" in html


def test_hostile_text_is_escaped_everywhere(demo, client, signed_in):
    payload = {**EMAIL, "subject": HOSTILE, "text": HOSTILE, "html": f"<p>{HOSTILE}</p>"}
    email = queue(demo.id, payload=payload, recipient=f"{HOSTILE}@x.example")
    attempt(email, Outcome(False, "sendgrid", 400, HOSTILE, permanent=True), NOW)
    body = json.dumps({"data": {"reason": {"comment": HOSTILE}}}, ensure_ascii=False)
    hook = queue(demo.id, "webhook", "session.completed", {"body": body})
    for url in ("deliveries", f"deliveries/{email}", f"deliveries/{hook}"):
        html = client.get(f"/admin/apps/{demo.id}/{url}").text
        assert "<script>alert" not in html and "<img src=x" not in html, url
        assert "&lt;script&gt;alert(" in html, url


def test_a_retry_puts_a_dead_message_back_with_a_fresh_day(demo, client, signed_in, monkeypatch):
    delivery_id = dead(demo.id)
    before = fresh(Delivery, delivery_id)
    assert before.status == "dead" and before.settled_at is not None
    old = {
        "status": "dead",
        "attempts": before.attempts,
        "next_attempt_at": before.next_attempt_at.isoformat(),
        "give_up_at": before.give_up_at.isoformat(),
    }
    later = NOW + timedelta(days=3, seconds=17)
    monkeypatch.setattr(views, "utcnow", lambda: later)
    response = post(client, f"/admin/apps/{demo.id}/deliveries/{delivery_id}/retry")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/admin/apps/{demo.id}/deliveries/{delivery_id}"
    row = fresh(Delivery, delivery_id)
    assert row.status == "pending"
    assert row.give_up_at == later + GIVE_UP_AFTER
    assert row.next_attempt_at == later
    assert row.settled_at is None and row.lease_until is None
    assert row.attempts == 2  # the tries made stay counted
    [entry] = audit_entries(demo.id, "delivery.retried")
    assert entry.actor == "user:ed@team.example"
    assert entry.target == f"delivery:{delivery_id}"
    assert entry.data == {
        "before": old,
        "after": {
            "status": "pending",
            "attempts": 2,
            "next_attempt_at": later.isoformat(),
            "give_up_at": (later + GIVE_UP_AFTER).isoformat(),
        },
    }
    html = client.get(response.headers["Location"]).text
    assert (
        "Queued again: a worker sends it on its next round, trying until 2026-03-06 09:30 UTC."
        in html
    )


def test_a_delivered_message_is_not_retried(demo, client, signed_in):
    delivery_id = queue(demo.id)
    attempt(delivery_id, Outcome(True, "sendgrid", 202), NOW)
    response = post(client, f"/admin/apps/{demo.id}/deliveries/{delivery_id}/retry")
    assert response.status_code == 302
    assert fresh(Delivery, delivery_id).status == "delivered"
    assert audit_entries(demo.id, "delivery.retried") == []
    html = client.get(response.headers["Location"]).text
    assert "Nothing to retry: this message is delivered already." in html


def test_a_message_a_worker_is_sending_waits_for_that_try(demo, client, signed_in, monkeypatch):
    delivery_id = queue(demo.id)
    row = fresh(Delivery, delivery_id)
    row.lease_until = NOW + timedelta(seconds=60)
    db.session.commit()
    monkeypatch.setattr(views, "utcnow", lambda: NOW)
    html = client.get(f"/admin/apps/{demo.id}/deliveries/{delivery_id}").text
    assert "(a worker is sending it now)" in html
    assert re.search(r'type="submit" disabled>Retry now', html)
    post(client, f"/admin/apps/{demo.id}/deliveries/{delivery_id}/retry")
    assert fresh(Delivery, delivery_id).lease_until == NOW + timedelta(seconds=60)
    assert audit_entries(demo.id, "delivery.retried") == []
