"""Idempotency keys, injected failures and delays, auth and webhook signatures, as Stripe does them."""

import threading
import time

import pytest
import requests
import stripe

from tests.fakes.fixtures import sdk_client


@pytest.fixture
def sub(stripe_fake):
    stripe_fake.create_coupon(id="SAVE20", percent_off=20, duration="forever")
    return stripe_fake.create_subscription(customer="cus_1")


def test_a_repeated_key_replays_the_answer_without_applying_twice(stripe_client, stripe_fake, sub):
    def accept():
        return stripe_client.v1.subscriptions.update(
            sub["id"],
            params={"discounts": [{"coupon": "SAVE20"}]},
            options={"idempotency_key": "accept-offer-1"},
        )

    first, second = accept(), accept()

    assert second.to_dict() == first.to_dict()
    assert second.last_response.headers["Idempotent-Replayed"] == "true"
    assert second.last_response.headers["Original-Request"] == first.last_response.request_id
    assert second.last_response.request_id != first.last_response.request_id
    calls = stripe_fake.calls("POST", f"/v1/subscriptions/{sub['id']}")
    assert [c.idempotency_key for c in calls] == ["accept-offer-1", "accept-offer-1"]
    assert [c.replayed for c in calls] == [False, True]
    assert len(stripe_fake.writes(f"/v1/subscriptions/{sub['id']}")) == 1
    assert stripe_fake.coupon("SAVE20")["times_redeemed"] == 1
    assert len(stripe_fake.subscription(sub["id"])["discounts"]) == 1


def test_a_key_reused_with_other_params_is_an_idempotency_error(stripe_client, stripe_fake, sub):
    options = {"idempotency_key": "accept-offer-1"}
    stripe_client.v1.subscriptions.update(
        sub["id"], params={"discounts": [{"coupon": "SAVE20"}]}, options=options
    )

    with pytest.raises(stripe.IdempotencyError) as error:
        stripe_client.v1.subscriptions.update(
            sub["id"], params={"cancel_at_period_end": True}, options=options
        )

    assert error.value.http_status == 400 and error.value.request_id.startswith("req_")
    assert error.value.json_body["error"]["type"] == "idempotency_error"
    assert stripe_fake.subscription(sub["id"])["cancel_at_period_end"] is False


def test_racing_requests_with_one_key_write_once(stripe_fake, sub):
    answers, barrier = [], threading.Barrier(8)

    def accept():
        client = sdk_client(stripe_fake)
        barrier.wait()
        answers.append(
            client.v1.subscriptions.update(
                sub["id"],
                params={"discounts": [{"coupon": "SAVE20"}]},
                options={"idempotency_key": "race"},
            )
        )

    threads = [threading.Thread(target=accept) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)

    assert len(answers) == 8 and len({a.discounts[0] for a in answers}) == 1
    assert len(stripe_fake.writes("/v1/subscriptions/")) == 1
    assert stripe_fake.coupon("SAVE20")["times_redeemed"] == 1


def test_a_refused_request_changes_nothing(stripe_client, stripe_fake, sub):
    with pytest.raises(stripe.InvalidRequestError):
        stripe_client.v1.subscriptions.update(
            sub["id"],
            params={"discounts": [{"coupon": "SAVE20"}], "pause_collection": {"behavior": "nap"}},
        )

    assert stripe_fake.subscription(sub["id"]) == sub
    assert stripe_fake.coupon("SAVE20")["times_redeemed"] == 0


def test_fail_next_answers_an_api_error_and_changes_nothing(stripe_client, stripe_fake, sub):
    stripe_fake.fail_next(f"/v1/subscriptions/{sub['id']}", status=500)
    options = {"idempotency_key": "accept-offer-1"}

    with pytest.raises(stripe.APIError) as error:
        stripe_client.v1.subscriptions.update(
            sub["id"], params={"discounts": [{"coupon": "SAVE20"}]}, options=options
        )

    assert error.value.http_status == 500 and error.value.request_id.startswith("req_")
    assert error.value.json_body["error"]["type"] == "api_error"
    assert stripe_fake.subscription(sub["id"]) == sub
    failed = stripe_fake.calls("POST")[-1]
    assert (failed.status, failed.injected, failed.request_id) == (
        500,
        True,
        error.value.request_id,
    )

    # The injected failure saved no result, so a retry with the same key does the work.
    retried = stripe_client.v1.subscriptions.update(
        sub["id"], params={"discounts": [{"coupon": "SAVE20"}]}, options=options
    )
    assert len(retried.discounts) == 1


def test_fail_next_counts_matches_and_can_mimic_other_errors(stripe_client, stripe_fake, sub):
    stripe_fake.fail_next("/v1/subscriptions", status=429, times=2, method="GET")

    for _ in range(2):
        with pytest.raises(stripe.RateLimitError):
            stripe_client.v1.subscriptions.retrieve(sub["id"])
    assert stripe_client.v1.subscriptions.retrieve(sub["id"]).id == sub["id"]

    stripe_fake.fail_next("/v1/customers", status=402, type="card_error", code="card_declined")
    with pytest.raises(stripe.CardError) as declined:
        stripe_client.v1.customers.create()
    assert declined.value.code == "card_declined"


def test_delay_next_makes_a_short_client_timeout_fail_fast(stripe_fake, sub):
    client = sdk_client(stripe_fake, timeout=0.5)
    stripe_fake.delay_next(f"/v1/subscriptions/{sub['id']}", seconds=5)

    started = time.monotonic()
    with pytest.raises(stripe.APIConnectionError):
        client.v1.subscriptions.retrieve(sub["id"])

    assert time.monotonic() - started < 2
    assert client.v1.subscriptions.retrieve(sub["id"]).id == sub["id"]


def test_a_write_whose_answer_is_lost_is_replayed_on_retry(stripe_fake, sub):
    client = sdk_client(stripe_fake, timeout=0.5)
    stripe_fake.delay_next(f"/v1/subscriptions/{sub['id']}", seconds=2, after=True)
    options = {"idempotency_key": "accept-offer-1"}
    params = {"discounts": [{"coupon": "SAVE20"}]}

    with pytest.raises(stripe.APIConnectionError):
        client.v1.subscriptions.update(sub["id"], params=params, options=options)
    # Stripe applied it though the client gave up; a retry with the key must not apply it again.
    assert len(stripe_fake.subscription(sub["id"])["discounts"]) == 1
    retried = client.v1.subscriptions.update(sub["id"], params=params, options=options)

    assert retried.last_response.headers["Idempotent-Replayed"] == "true"
    assert stripe_fake.coupon("SAVE20")["times_redeemed"] == 1


def test_stop_does_not_wait_for_a_delayed_answer(stripe_fake, sub):
    stripe_fake.delay_next("/v1/subscriptions", seconds=60)
    client = sdk_client(stripe_fake, timeout=30)
    answers = []
    worker = threading.Thread(
        target=lambda: answers.append(client.v1.subscriptions.retrieve(sub["id"]))
    )
    worker.start()
    while not stripe_fake.calls("GET"):
        time.sleep(0.01)

    started = time.monotonic()
    stripe_fake.stop()
    worker.join(timeout=5)

    assert time.monotonic() - started < 2 and not worker.is_alive()
    assert answers[0].id == sub["id"]  # woken early, the request is still answered


def test_an_unknown_api_key_is_refused(stripe_fake, sub):
    with pytest.raises(stripe.AuthenticationError) as error:
        sdk_client(stripe_fake, api_key="sk_test_other").v1.subscriptions.retrieve(sub["id"])

    assert error.value.http_status == 401 and error.value.request_id.startswith("req_")
    assert error.value.json_body["error"]["type"] == "invalid_request_error"


def test_a_missing_api_key_gets_stripes_401(stripe_fake, sub):
    # The SDK refuses to send without a key, so ask over plain HTTP.
    response = requests.get(f"{stripe_fake.url}/v1/subscriptions/{sub['id']}", timeout=5)

    assert response.status_code == 401
    assert response.headers["Request-Id"].startswith("req_")
    error = response.json()["error"]
    assert error["type"] == "invalid_request_error" and "code" in error
    assert "did not provide an API key" in error["message"]


def test_signed_events_verify_with_the_sdk(stripe_fake, sub):
    secret = "whsec_test_secret"
    payload, header = stripe_fake.signed_event(
        secret, "customer.subscription.updated", sub, previous_attributes={"status": "trialing"}
    )

    event = stripe.Webhook.construct_event(payload, header, secret)

    assert (event.object, event.type, event.livemode) == (
        "event",
        "customer.subscription.updated",
        False,
    )
    assert event.id.startswith("evt_") and isinstance(event.created, int)
    assert event.api_version == stripe.api_version
    assert event.data.object.id == sub["id"]
    assert event.data.previous_attributes.status == "trialing"
    assert header.startswith("t=") and ",v1=" in header


def test_a_wrong_secret_or_a_stale_signature_fails(stripe_fake, sub):
    payload, header = stripe_fake.signed_event("whsec_right", "invoice.paid", {"id": "in_1"})
    with pytest.raises(stripe.SignatureVerificationError):
        stripe.Webhook.construct_event(payload, header, "whsec_wrong")

    stale, old_header = stripe_fake.signed_event(
        "whsec_right",
        "invoice.paid",
        {"id": "in_1"},
        event_id="evt_fixed",
        timestamp=int(time.time()) - 3600,
    )
    with pytest.raises(stripe.SignatureVerificationError, match="tolerance"):
        stripe.Webhook.construct_event(stale, old_header, "whsec_right")
    assert stripe.Webhook.construct_event(stale, old_header, "whsec_right", tolerance=None).id == (
        "evt_fixed"
    )
