"""`flask saveflow validate-saves`: pending saves become confirmed or boomerang, exactly once.

Where no webhook said how a subscription stands, the real Stripe SDK reads it from a tiny fake
Stripe served on loopback (only `GET /v1/subscriptions/<id>`, which is all this needs).
"""

import json
import re
import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select
from werkzeug.serving import make_server

from saveflow.app import create_app
from saveflow.billing import settings as billing_settings
from saveflow.db import utcnow
from saveflow.extensions import db
from saveflow.models import SessionEvent
from saveflow.saves.settings import current_rules
from saveflow.saves.validate import validate_saves
from tests.conftest import _config
from tests.saves.conftest import age, event, events_of, row, saved_at, subscription

DAY = timedelta(days=1)


class FakeStripe:
    """Answers subscription reads from a dict; counts every request."""

    def __init__(self):
        self.subscriptions: dict[str, dict] = {}
        self.requests: list[str] = []
        self.failing = False
        self._lock = threading.Lock()

    def __call__(self, environ, start_response):
        path = environ["PATH_INFO"]
        with self._lock:
            self.requests.append(path)
        found = re.fullmatch(r"/v1/subscriptions/([^/]+)", path)
        sub = self.subscriptions.get(found[1]) if found else None
        if self.failing:
            status, body = "500 Internal Server Error", {"error": {"type": "api_error"}}
        elif sub is None:
            error = {"type": "invalid_request_error", "code": "resource_missing"}
            status, body = "404 Not Found", {"error": {**error, "message": "No such subscription"}}
        else:
            status, body = "200 OK", sub
        start_response(status, [("Content-Type", "application/json"), ("Request-Id", "req_1")])
        return [json.dumps(body).encode()]


@pytest.fixture
def stripe_fake(app):
    fake = FakeStripe()
    server = make_server("127.0.0.1", 0, fake, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    app.config["STRIPE_API_BASE"] = f"http://127.0.0.1:{server.server_port}"
    yield fake
    server.shutdown()
    thread.join(5)


def run(now=None, batch=200):
    db.session.rollback()
    return validate_saves(
        now or utcnow(), current_rules(), billing_settings.current_settings(), batch
    )


def test_by_age_alone_without_any_billing_data(shop):
    old = shop.save("sub_1", how="withdraw")
    older = shop.save("sub_2")
    young = shop.save("sub_3", how="withdraw")
    age(old, 30)
    age(older, 45)
    age(young, 29)
    summary = run()
    assert (summary.examined, summary.confirmed, summary.by_age) == (2, 2, 2)
    assert [row(s).save_status for s in (old, older, young)] == [
        "confirmed",
        "confirmed",
        "pending",
    ]
    assert events_of(old)[-1] == "save_confirmed"
    assert run().examined == 0  # nothing left to decide: a second run moves nothing
    assert events_of(old).count("save_confirmed") == 1


def test_webhook_data_decides_without_asking_stripe(shop, stripe_fake):
    on, off = shop.save("sub_on"), shop.save("sub_off")
    shop.connect()
    s_on, s_off = saved_at(on), saved_at(off)
    shop.deliver(
        event("customer.subscription.updated", subscription("sub_on"), s_on + DAY),
        event(
            "customer.subscription.updated",
            subscription(
                "sub_off",
                cancel_at_period_end=True,
                canceled_at=s_off + 3 * DAY,
                current_period_end=s_off + 30 * DAY,
            ),
            s_off + 3 * DAY,
        ),
    )
    assert row(off).save_status == "boomerang"  # the webhook said so at once
    age(on, 31)
    age(off, 31)
    summary = run()
    assert (summary.examined, summary.confirmed, summary.by_age) == (1, 1, 0)
    assert row(on).save_status == "confirmed"
    assert stripe_fake.requests == []


def test_missing_webhook_data_is_read_from_stripe_once(shop, stripe_fake):
    on, gone, unknown, young = (shop.save(f"sub_{n}") for n in ("on", "gone", "unknown", "young"))
    shop.connect()
    for sid in (on, gone, unknown):
        age(sid, 40)
    gone_at = saved_at(gone) + 20 * DAY
    stripe_fake.subscriptions = {
        "sub_on": subscription("sub_on", current_period_end=utcnow() + 9 * DAY),
        "sub_gone": subscription("sub_gone", "canceled", canceled_at=gone_at, ended_at=gone_at),
        "sub_young": subscription("sub_young"),
    }
    summary = run()
    assert (summary.confirmed, summary.boomerang, summary.by_age) == (2, 1, 1)
    assert summary.read_from_stripe == 2
    assert sorted(stripe_fake.requests) == [
        "/v1/subscriptions/sub_gone",
        "/v1/subscriptions/sub_on",
        "/v1/subscriptions/sub_unknown",
    ]
    assert row(on).save_status == "confirmed"
    assert row(unknown).save_status == "confirmed"  # Stripe has no such subscription: by age
    assert row(young).save_status == "pending"
    gone_row = row(gone)
    # 55125 projected over 12 months, kept 20 days: 55125 × 20 / 365 = 3020.5 → 3021.
    assert (gone_row.save_status, gone_row.ended_at, gone_row.projected_revenue_cut) == (
        "boomerang",
        gone_at,
        3021,
    )
    assert "save_boomerang" in events_of(gone)
    stripe_fake.requests.clear()
    assert run().examined == 0 and stripe_fake.requests == []


def test_stripe_unreachable_leaves_the_save_pending_for_the_next_run(app, shop, stripe_fake):
    sid = shop.save("sub_1")
    shop.connect()
    age(sid, 31)
    stripe_fake.failing = True
    db.session.rollback()
    result = app.test_cli_runner().invoke(args=["saveflow", "validate-saves"])
    assert result.exit_code == 0, result.output
    assert "still pending 1" in result.output
    assert "Stripe could not be read for 1 save(s)" in result.output
    assert row(sid).save_status == "pending"
    stripe_fake.failing = False
    stripe_fake.subscriptions["sub_1"] = subscription("sub_1")
    result = app.test_cli_runner().invoke(args=["saveflow", "validate-saves", "--batch", "1"])
    assert "confirmed 1 (0 by age alone" in result.output, result.output
    assert "Subscriptions read from Stripe (no webhook had said): 1" in result.output
    assert row(sid).save_status == "confirmed"


def test_two_runs_at_once_move_each_save_once(app, shop, stripe_fake):
    saves = [shop.save(f"sub_{n}") for n in range(12)]
    shop.connect()
    for n, sid in enumerate(saves):
        age(sid, 40)
        ended = saved_at(sid) + 10 * DAY
        if n % 3 == 0:  # a webhook told saveflow the subscription is on
            shop.deliver(event("customer.subscription.updated", subscription(f"sub_{n}"), ended))
        elif n % 3 == 1:  # Stripe says it is on
            stripe_fake.subscriptions[f"sub_{n}"] = subscription(f"sub_{n}")
        else:  # Stripe says it ended ten days after the save
            stripe_fake.subscriptions[f"sub_{n}"] = subscription(
                f"sub_{n}", "canceled", canceled_at=ended, ended_at=ended
            )
    db.session.rollback()
    now, barrier, summaries = utcnow(), threading.Barrier(2), []

    def one_run():
        with app.app_context():
            barrier.wait()
            summaries.append(
                validate_saves(now, current_rules(), billing_settings.current_settings(), 2)
            )

    threads = [threading.Thread(target=one_run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert len(summaries) == 2
    statuses = [row(sid).save_status for sid in saves]
    assert statuses == ["confirmed", "confirmed", "boomerang"] * 4
    assert sum(s.confirmed for s in summaries) == 8
    assert sum(s.boomerang for s in summaries) == 4
    moves = db.session.execute(
        select(SessionEvent.session_id, SessionEvent.type, func.count())
        .where(SessionEvent.type.in_(["save_confirmed", "save_boomerang"]))
        .group_by(SessionEvent.session_id, SessionEvent.type)
    ).all()
    assert len(moves) == 12 and all(count == 1 for *_, count in moves)


def test_the_confirm_window_cannot_outlast_the_boomerang_window(database):
    _kind, fresh = database
    config = type("Odd", (_config(fresh()),), {"SAVEFLOW_SAVE_CONFIRM_DAYS": 120})
    with pytest.raises(ValueError, match="SAVEFLOW_BOOMERANG_DAYS"):
        create_app(config)
