"""What each Stripe event does to saves, with exact figures, in order and out of order.

Every save here is 49.00/month with 25% off for 3 months accepted: saved MRR 4900, projected
revenue over 12 months 55125 (see docs/revenue.md).
"""

from datetime import timedelta

from sqlalchemy import func, select

from saveflow.db import utcnow
from saveflow.extensions import db
from saveflow.models import AuditEntry, BillingEvent, PaidInvoice, SubscriptionState
from tests.saves.conftest import age, event, events_of, invoice, row, saved_at, subscription

DAY = timedelta(days=1)
PROJECTED = 55125


def paid(sub, invoice_id, amount, at, kind="invoice.paid", **kwargs):
    return event(kind, invoice(invoice_id, sub, amount, at, **kwargs), at)


def deleted(sub, at):
    return event(
        "customer.subscription.deleted",
        subscription(sub, "canceled", canceled_at=at, ended_at=at),
        at,
    )


def updated(sub, at, previous=None, **fields):
    return event(
        "customer.subscription.updated", subscription(sub, **fields), at, previous=previous
    )


def figures(session_id):
    found = row(session_id)
    return (
        found.save_status,
        found.realized_revenue,
        found.ended_at,
        found.projected_revenue_cut,
        found.payment_failed_at,
    )


def test_realized_revenue_counts_invoices_paid_after_the_save_in_its_currency(shop):
    sid = shop.save("sub_1")
    shop.connect()
    s = saved_at(sid)
    shop.deliver(
        paid("sub_1", "in_0", 4900, s - DAY),  # before the save
        paid("sub_1", "in_1", 3675, s + timedelta(hours=1)),
        paid("sub_1", "in_2", 3675, s + 31 * DAY, parent=True),  # newer API shape
        paid("sub_1", "in_3", 3675, s + 62 * DAY, currency="eur"),  # another currency
        paid("sub_1", "in_4", 4900, s + 92 * DAY, kind="invoice.payment_succeeded"),
    )
    assert row(sid).realized_revenue == 3675 + 3675 + 4900
    assert events_of(sid).count("realized_revenue") == 3
    assert db.session.scalar(select(func.count()).select_from(PaidInvoice)) == 5


def test_one_invoice_told_twice_counts_once(shop):
    sid = shop.save("sub_1")
    shop.connect()
    at = saved_at(sid) + DAY
    shop.deliver(
        paid("sub_1", "in_1", 3675, at),
        paid("sub_1", "in_1", 3675, at, kind="invoice.payment_succeeded"),
        paid("sub_1", "in_1", 3675, at),  # a new event id about the same invoice again
    )
    assert row(sid).realized_revenue == 3675
    notes = db.session.scalars(select(BillingEvent.note).order_by(BillingEvent.event_id)).all()
    assert notes == [None, "invoice already counted", "invoice already counted"]


def test_events_about_unknown_subscriptions_are_acknowledged_and_ignored(shop):
    shop.save("sub_1")
    shop.connect()
    now = utcnow()
    for body in (
        paid("sub_unknown", "in_1", 4900, now),
        deleted("sub_unknown", now),
        event("invoice.paid", {"id": "in_2", "amount_paid": 10}, now),  # names no subscription
        event("charge.refunded", {"id": "ch_1"}, now),
    ):
        response = shop.send(body)
        assert response.status_code == 200 and response.json["ignored"]
    assert db.session.scalar(select(func.count()).select_from(SubscriptionState)) == 0
    assert db.session.scalar(select(func.count()).select_from(PaidInvoice)) == 0
    outcomes = db.session.scalars(select(BillingEvent.outcome)).all()
    assert outcomes == ["ignored"] * 4


def test_a_live_event_never_touches_a_test_mode_save(shop):
    sid = shop.save("sub_1", mode="test")
    shop.connect()
    response = shop.send(paid("sub_1", "in_1", 3675, saved_at(sid) + DAY))
    assert response.json["ignored"] == "no session for this subscription"
    assert row(sid).realized_revenue == 0


def test_a_cancellation_within_w_days_is_a_boomerang_cut_at_the_actual_end(shop):
    sid = shop.save("sub_1")
    shop.connect()
    s = saved_at(sid)
    end = s + 73 * DAY
    shop.deliver(
        updated(
            "sub_1",
            s + 20 * DAY,
            previous={"cancel_at_period_end": False},
            cancel_at_period_end=True,
            canceled_at=s + 20 * DAY,
            current_period_end=end,
        )
    )
    # 73 days = 2.4 months of 365/12 days: 55125 / 12 × 2.4 = 11025.
    assert figures(sid) == ("boomerang", 0, end, 11025, None)
    assert events_of(sid)[-1] == "save_boomerang"


def test_a_cancellation_after_w_days_is_no_boomerang(shop):
    sid = shop.save("sub_1")
    shop.connect()
    s = saved_at(sid)
    shop.deliver(paid("sub_1", "in_1", 3675, s + DAY), deleted("sub_1", s + 91 * DAY))
    assert figures(sid) == ("pending", 3675, s + 91 * DAY, None, None)
    assert row(sid).projected_revenue == PROJECTED


def _history(shop, sub, s):
    """Two invoices, the subscription deleted on day 40, then a final invoice after its end."""
    return [
        paid(sub, f"in_{sub}_1", 3675, s + DAY),
        paid(sub, f"in_{sub}_2", 3675, s + 31 * DAY),
        deleted(sub, s + 40 * DAY),
        paid(sub, f"in_{sub}_3", 500, s + 41 * DAY),
    ]


def test_a_deletion_before_an_earlier_invoice_gives_the_same_result(shop):
    in_order, reversed_ = shop.save("sub_a"), shop.save("sub_b")
    shop.connect()
    shop.deliver(*_history(shop, "sub_a", saved_at(in_order)))
    shop.deliver(*reversed(_history(shop, "sub_b", saved_at(reversed_))))
    # 55125 × 40 days / 365 days = 6041.1 → 6041.
    for sid in (in_order, reversed_):
        assert figures(sid) == ("boomerang", 7350, saved_at(sid) + 40 * DAY, 6041, None)


def test_updates_in_reverse_order_leave_the_newest_state(shop):
    in_order, reversed_ = shop.save("sub_a"), shop.save("sub_b")
    shop.connect()

    def story(sub, s):
        cancel = updated(
            sub,
            s + 10 * DAY,
            cancel_at_period_end=True,
            canceled_at=s + 10 * DAY,
            current_period_end=s + 30 * DAY,
        )
        # Two days later the customer changes their mind: the cancellation is taken back.
        keep = updated(sub, s + 12 * DAY, previous={"cancel_at_period_end": True})
        return [cancel, keep]

    shop.deliver(*story("sub_a", saved_at(in_order)))
    shop.deliver(*reversed(story("sub_b", saved_at(reversed_))))
    for sid in (in_order, reversed_):
        assert figures(sid) == ("pending", 0, None, None, None)
    assert events_of(in_order)[-2:] == ["save_boomerang", "save_reopened"]
    assert "save_boomerang" not in events_of(reversed_)
    state = db.session.get(SubscriptionState, (shop.app.id, "live", "sub_b"))
    assert state.status == "active" and state.state_at == saved_at(reversed_) + 12 * DAY


def test_an_older_update_never_reopens_a_deleted_subscription(shop):
    sid = shop.save("sub_1")
    shop.connect()
    s = saved_at(sid)
    shop.deliver(deleted("sub_1", s + 5 * DAY), updated("sub_1", s + 3 * DAY))
    assert figures(sid)[:3] == ("boomerang", 0, s + 5 * DAY)


def test_each_invoice_counts_for_the_latest_save_before_it(shop):
    first = shop.save("sub_1")
    age(first, 30)
    second = shop.save("sub_1", how="withdraw")
    shop.connect()
    s1, s2 = saved_at(first), saved_at(second)
    shop.deliver(
        paid("sub_1", "in_1", 3675, s1 + DAY),
        paid("sub_1", "in_2", 3675, s2 - DAY),
        paid("sub_1", "in_3", 4900, s2 + DAY),
    )
    assert (row(first).realized_revenue, row(second).realized_revenue) == (7350, 4900)


def test_a_failed_payment_flags_the_save_until_a_later_payment(shop):
    sid = shop.save("sub_1")
    shop.connect()
    s = saved_at(sid)
    failed = event("invoice.payment_failed", invoice("in_2", "sub_1", 0), s + 31 * DAY)
    shop.deliver(event("invoice.payment_failed", invoice("in_0", "sub_1", 0), s - DAY), failed)
    assert row(sid).payment_failed_at == s + 31 * DAY
    shop.deliver(paid("sub_1", "in_2", 3675, s + 33 * DAY))
    assert row(sid).payment_failed_at is None
    assert [e for e in events_of(sid) if "payment" in e] == [
        "payment_failed",
        "payment_risk_cleared",
    ]


def test_a_payment_failing_before_the_save_is_no_risk_to_it(shop):
    sid = shop.save("sub_1")
    shop.connect()
    before = saved_at(sid) - DAY
    shop.deliver(event("invoice.payment_failed", invoice("in_0", "sub_1", 0), before))
    assert row(sid).payment_failed_at is None


def test_pause_and_resume_are_logged_with_no_money_effect(shop):
    sid = shop.save("sub_1")
    shop.connect()
    s = saved_at(sid)
    shop.deliver(
        event("customer.subscription.paused", subscription("sub_1", "paused"), s + DAY),
        event("customer.subscription.resumed", subscription("sub_1"), s + 9 * DAY),
    )
    assert events_of(sid)[-2:] == ["subscription_paused", "subscription_resumed"]
    assert figures(sid) == ("pending", 0, None, None, None)


class TestRecovery:
    def recovered(self, shop, sub, at, was="past_due"):
        return updated(sub, at, previous={"status": was})

    def test_a_past_due_session_in_recovery_is_recovered(self, shop):
        flow = shop.open("sub_r", status="past_due")
        assert flow.get().json["step"] == "payment_recovery"
        shop.connect()
        body = self.recovered(shop, "sub_r", utcnow())
        shop.deliver(body)
        found = row(flow.session_id)
        assert (found.outcome, found.step, found.save_status) == ("recovered", "done", None)
        assert found.result["via"] == "billing" and found.result["stripe_event"] == body["id"]
        assert events_of(flow.session_id) == ["started", "recovered"]
        assert (
            db.session.scalar(select(AuditEntry.actor).where(AuditEntry.action == "recovered"))
            == "billing"
        )
        assert shop.send(body).json["duplicate"] is True

    def test_a_session_that_opened_the_payment_link_is_recovered(self, shop):
        flow = shop.open("sub_r")
        flow.answer("payment_problem")
        assert flow.post("/recovery").status_code == 200
        shop.connect()
        shop.deliver(self.recovered(shop, "sub_r", utcnow(), was="unpaid"))
        assert row(flow.session_id).outcome == "recovered"

    def test_other_updates_and_other_sessions_are_left_alone(self, shop):
        in_recovery = shop.open("sub_r", status="past_due")
        on_survey = shop.open("sub_s")
        shop.connect()
        now = utcnow()
        shop.deliver(
            updated("sub_r", now),  # no status change
            updated("sub_r", now, previous={"status": "trialing"}),
            self.recovered(shop, "sub_r", now - DAY),  # before the session began
            self.recovered(shop, "sub_s", now),  # a session that never went to recovery
        )
        assert row(in_recovery.session_id).outcome is None
        assert row(on_survey.session_id).outcome is None

    def test_a_finished_session_is_not_recovered(self, shop):
        flow = shop.open("sub_r", status="past_due")
        assert flow.post("/cancel").status_code == 200
        shop.connect()
        shop.deliver(self.recovered(shop, "sub_r", utcnow()))
        assert row(flow.session_id).outcome == "cancelled"
