"""Billing provider `stripe`: the only module that imports the Stripe SDK.

Its verbs are what saveflow needs from Stripe: read a subscription as a snapshot, apply an
accepted offer, cancel, find where a customer fixes a failed payment, and verify a webhook. Every
call has a timeout and no hidden retries; every write carries an idempotency key, so a retry,
a double click or a second tab changes billing once.
"""

import logging
from datetime import datetime
from functools import lru_cache
from typing import Any, cast

import stripe

from saveflow.billing.base import Effect, register
from saveflow.billing.connections import Connection
from saveflow.billing.settings import BillingSettings
from saveflow.billing.stripe_shapes import coupon_id, object_id, snapshot_from_subscription, when
from saveflow.domain_errors import BillingFailed, BillingUnavailable, InvalidToken
from saveflow.offers.types import offer_type
from saveflow.periods import add_interval

log = logging.getLogger(__name__)

PAST_DUE = frozenset({"past_due", "unpaid"})
# Newer API versions name a discount's coupon under `source`; older ones on the discount itself.
_EXPAND = ["discounts.source.coupon", "items.data.price.product"]


@lru_cache(maxsize=256)
def _client(secret_key: str, api_base: str | None, timeout: float) -> stripe.StripeClient:
    # One client per key: it keeps its HTTP session (and connections) between calls.
    return stripe.StripeClient(
        secret_key,
        base_addresses={"api": api_base} if api_base else None,
        max_network_retries=0,
        http_client=stripe.RequestsClient(timeout=timeout),
    )


class StripeCall:
    """Run one Stripe call, turning its failures into saveflow's billing errors."""

    def __init__(self, what: str):
        self.what = what

    def __enter__(self):
        return self

    def __exit__(self, kind, error, _tb):
        if error is None or not isinstance(error, stripe.StripeError):
            return False
        request_id = error.request_id
        # The class and request id only: Stripe's messages can quote what was sent.
        log.warning("Stripe %s failed: %s (request %s)", self.what, kind.__name__, request_id)
        details = {"request_id": request_id, "stripe_error": kind.__name__}
        if isinstance(error, stripe.APIConnectionError):
            raise BillingUnavailable(
                f"Stripe did not answer in time while trying to {self.what}; nothing was changed.",
                errors=details,
            ) from None
        if isinstance(error, stripe.AuthenticationError | stripe.PermissionError):
            raise BillingFailed(
                "Stripe refused this app's key; reconnect Stripe for this mode.",
                code="billing_not_connected",
                errors=details,
            ) from None
        raise BillingFailed(
            f"Stripe could not {self.what}; nothing was changed.", errors=details
        ) from None


class StripeBilling:
    """The Stripe provider bound to one app's connection in one mode."""

    name = "stripe"

    def __init__(self, connection: Connection, settings: BillingSettings):
        self.client = _client(connection.secret_key, settings.stripe_api_base, settings.timeout)
        self.settings = settings

    def snapshot(self, app, claims: dict) -> dict:
        with StripeCall("read the subscription"):
            try:
                sub = self._subscription(claims["subscription"])
            except stripe.InvalidRequestError as error:
                if error.http_status != 404:
                    raise
                raise InvalidToken(
                    "The token names a subscription this app's Stripe account does not have.",
                    code="unknown_subscription",
                ) from None
        if object_id(sub.get("customer")) != claims["customer"]:
            raise InvalidToken(
                "The token's subscription belongs to another customer.",
                code="subscription_customer_mismatch",
            )
        snapshot = snapshot_from_subscription(sub)
        if snapshot["status"] in PAST_DUE:
            snapshot["update_payment_url"] = self.payment_update_url(claims["customer"], sub)
        return snapshot

    def _subscription(self, subscription_id: str) -> dict:
        """Read a subscription with its discounts and product expanded where the server can."""
        subscriptions = self.client.v1.subscriptions
        try:
            found = subscriptions.retrieve(subscription_id, params={"expand": _EXPAND})
        except stripe.InvalidRequestError as error:
            # Stripe expands both; emulators may refuse an expansion. Without it the snapshot
            # still has the price (the plan's nickname stands in for the product's name).
            if error.http_status != 400:
                raise
            found = subscriptions.retrieve(subscription_id)
        return found.to_dict()

    def payment_update_url(self, customer: str, sub: dict) -> str | None:
        """Return where the customer updates the card: a billing-portal session, else the open
        invoice's hosted page, else None (the widget then offers only to cancel)."""
        params: dict[str, Any] = {
            "customer": customer,
            "flow_data": {"type": "payment_method_update"},
        }
        if self.settings.return_url:
            params["return_url"] = self.settings.return_url
        try:
            with StripeCall("open the billing portal"):
                portal = self.client.v1.billing_portal.sessions.create(params=cast(Any, params))
                return portal.url
        except BillingFailed:
            pass  # a portal not configured in the dashboard; the invoice page still works
        invoice = object_id(sub.get("latest_invoice"))
        if not invoice:
            return None
        with StripeCall("read the open invoice"):
            found = self.client.v1.invoices.retrieve(invoice).to_dict()
        return found.get("hosted_invoice_url") if found.get("status") == "open" else None

    def apply_offer(self, app, session, offer, idempotency_key: str, now: datetime) -> Effect:
        action, details = offer_type(offer.type).effect(offer.params, session.snapshot, now)
        if action == "none":
            return Effect(self.name, "applied", action, details)
        changes = self._changes(action, details, session.snapshot, now)
        with StripeCall("apply the offer"):
            sub = self.client.v1.subscriptions.update(
                session.subscription, params=cast(Any, changes), options={"idempotency_key": idempotency_key}
            )
        return Effect(
            self.name,
            "applied",
            action,
            {
                **details,
                "idempotency_key": idempotency_key,
                "request_id": sub.last_response.request_id if sub.last_response else None,
            },
        )

    def _changes(self, action: str, details: dict, snapshot: dict, now: datetime) -> dict:
        """Return the subscription update that carries out a provider-neutral action."""
        if action == "apply_discount":
            return {"discounts": [{"coupon": self._coupon(details)}]}
        if action == "pause_collection":
            resumes = datetime.fromisoformat(details["resumes_at"])
            return {
                "pause_collection": {
                    "behavior": details["behavior"],
                    "resumes_at": int(resumes.timestamp()),
                }
            }
        if action == "change_plan":
            return {
                "items": [{"id": snapshot["item_id"], "price": details["to_plan"]}],
                "proration_behavior": details["proration_behavior"],
            }
        if action == "extend_trial":
            # From the trial's current end (read at start), so a retry lands on the same day.
            ends = snapshot.get("trial_ends_at")
            base = datetime.fromisoformat(ends) if ends else now
            return {
                "trial_end": int(add_interval(base, "day", details["days"]).timestamp()),
                "proration_behavior": "none",
            }
        raise BillingFailed(f"Stripe cannot carry out {action!r}.", code="billing_unsupported")

    def _coupon(self, details: dict) -> str:
        """Return the coupon for these discount terms, creating it the first time."""
        coupon = coupon_id(details)
        params = {
            "id": coupon,
            "duration": details["duration"],
            "duration_in_months": details["duration_in_months"],
        }
        if details.get("percent_off"):
            params["percent_off"] = details["percent_off"]
        else:
            params.update(amount_off=details["amount_off"], currency=details["currency"])
        coupons = self.client.v1.coupons
        with StripeCall("create the discount coupon"):
            try:
                coupons.retrieve(coupon)
                return coupon
            except stripe.InvalidRequestError as error:
                if error.http_status != 404:
                    raise
            try:
                coupons.create(
                    params=cast(Any, params), options={"idempotency_key": f"saveflow:coupon:{coupon}"}
                )
            except stripe.StripeError:
                coupons.retrieve(coupon)  # another request created it first; else this raises
        return coupon

    def cancel(self, app, session, immediately: bool, idempotency_key: str, now) -> Effect:
        options: Any = {"idempotency_key": idempotency_key}
        with StripeCall("cancel the subscription"):
            if immediately:
                sub = self.client.v1.subscriptions.cancel(session.subscription, options=options)
            else:
                sub = self.client.v1.subscriptions.update(
                    session.subscription, params={"cancel_at_period_end": True}, options=options
                )
        data = sub.to_dict()
        items = (data.get("items") or {}).get("data") or [{}]
        ends = (
            data.get("ended_at")
            or data.get("cancel_at")
            or items[0].get("current_period_end")
            or data.get("current_period_end")
        )
        return Effect(
            self.name,
            "applied",
            "cancel_subscription",
            {
                "at_period_end": not immediately,
                "effective_at": when(ends),
                "idempotency_key": idempotency_key,
                "request_id": sub.last_response.request_id if sub.last_response else None,
            },
        )

    def customer_email(self, customer: str) -> str | None:
        """Return the customer's address in Stripe; None if it has none, was deleted or is unknown."""
        with StripeCall("read the customer's email address"):
            try:
                found = self.client.v1.customers.retrieve(customer).to_dict()
            except stripe.InvalidRequestError as error:
                if error.http_status != 404:
                    raise
                return None
        email = None if found.get("deleted") else found.get("email")
        return (email.strip() or None) if isinstance(email, str) else None


def check_key(secret_key: str, settings: BillingSettings) -> None:
    """Make one harmless read with a key, so a wrong key is found when connecting, not later."""
    with StripeCall("check the key"):
        _client(secret_key, settings.stripe_api_base, settings.timeout).v1.subscriptions.list(
            params={"limit": 1}
        )


def verify_event(payload: bytes, signature: str | None, secret: str, tolerance: int) -> dict:
    """Return a webhook's event if Stripe signed it with `secret` within `tolerance` seconds.

    Raises ValueError for a body that is not a signed, recent Stripe event.
    """
    try:
        event = stripe.Webhook.construct_event(payload, signature, secret, tolerance=tolerance)
    except stripe.SignatureVerificationError as error:
        raise ValueError(str(error).split(":")[0]) from None
    except UnicodeDecodeError:
        raise ValueError("The body is not UTF-8 text") from None
    except TypeError:
        # hmac.compare_digest refuses a signature with non-ASCII characters.
        raise ValueError("The signature is not hexadecimal") from None
    except AttributeError:
        raise ValueError("The body is not a JSON object") from None
    return event.to_dict()


# What saveflow needs of a subscription to judge a save: is it still on, and if not, since when.
STATE_FIELDS = (
    "id",
    "status",
    "cancel_at_period_end",
    "cancel_at",
    "canceled_at",
    "ended_at",
    "current_period_end",
)


def subscription_state(
    connection: Connection, settings: BillingSettings, subscription_id: str
) -> dict | None:
    """Read a subscription's status and cancellation, shaped like a webhook's subscription object.

    Returns None if the account has no such subscription.
    """
    client = _client(connection.secret_key, settings.stripe_api_base, settings.timeout)
    with StripeCall("read the subscription"):
        try:
            sub = client.v1.subscriptions.retrieve(subscription_id).to_dict()
        except stripe.InvalidRequestError as error:
            if error.http_status != 404:
                raise
            return None
    state = {key: sub.get(key) for key in STATE_FIELDS}
    items = (sub.get("items") or {}).get("data") or [{}]
    if state["current_period_end"] is None and isinstance(items[0], dict):
        state["current_period_end"] = items[0].get("current_period_end")
    return state


def _make(connection: Connection | None, settings: BillingSettings) -> StripeBilling:
    assert connection is not None  # provider_for refuses stripe without a connection
    return StripeBilling(connection, settings)


register("stripe", _make)
