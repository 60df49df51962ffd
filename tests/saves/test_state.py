"""`GET /api/v1/sessions/<id>` shows what became of a save: status, revenue, end and risk."""

from datetime import timedelta

from tests.saves.conftest import event, invoice, saved_at, subscription

DAY = timedelta(days=1)


def test_an_undecided_session_has_no_save(shop):
    flow = shop.open("sub_1")
    state = flow.get().json
    assert (state["save_status"], state["save"]) == (None, None)
    flow.post("/cancel")
    assert flow.get().json["save"] is None


def test_a_save_shows_its_status_revenue_end_and_risk(shop):
    flow = shop.open("sub_1")
    offer = flow.answer("too_expensive").json["offers"][0]["id"]
    flow.accept(offer)
    assert flow.get().json["save_status"] == "pending"
    assert flow.get().json["save"] == {
        "currency": "usd",
        "projected_revenue": 55125,
        "realized_revenue": 0,
        "ended_at": None,
        "payment_failed_at": None,
        "involuntary_risk": False,
    }
    shop.connect()
    s = saved_at(flow.session_id)
    end = s + 73 * DAY
    shop.deliver(
        event("invoice.paid", invoice("in_1", "sub_1", 3675, s + DAY), s + DAY),
        event("invoice.payment_failed", invoice("in_2", "sub_1", 0), s + 31 * DAY),
        event(
            "customer.subscription.updated",
            subscription(
                "sub_1", "past_due", cancel_at=end, canceled_at=s + 40 * DAY, current_period_end=end
            ),
            s + 40 * DAY,
        ),
    )
    state = flow.get().json
    assert state["save_status"] == "boomerang"
    assert state["save"] == {
        "currency": "usd",
        "projected_revenue": 11025,  # cut at the end, 73 days after the save
        "realized_revenue": 3675,
        "ended_at": end.isoformat(),
        "payment_failed_at": (s + 31 * DAY).isoformat(),
        "involuntary_risk": True,
    }
