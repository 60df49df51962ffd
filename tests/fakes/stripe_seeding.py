"""Helpers for tests to set up and inspect the fake's state without going through HTTP."""

import copy
import time
from contextlib import contextmanager
from datetime import datetime

from tests.fakes import stripe_expand
from tests.fakes.stripe_invoices import create_invoice
from tests.fakes.stripe_prices import create_plan, create_price, render_plan, render_price
from tests.fakes.stripe_subscription_changes import set_status
from tests.fakes.stripe_subscription_changes import subscription as stored
from tests.fakes.stripe_subscriptions import create_subscription, render
from tests.fakes.stripe_webhooks import build_event, encode, sign

UNPAID = ("incomplete", "past_due", "unpaid")


def _unix(moment):
    if moment is None or isinstance(moment, int):
        return moment
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    return int(moment.timestamp())


def _form(**values):
    """Spell keyword values as the SDK's form encoding would (strings, no Nones)."""
    return {key: str(value) for key, value in values.items() if value is not None}


class Seeding:
    """Mixed into FakeStripe, which provides `store`, `_lock` and `api_version`."""

    @contextmanager
    def _at(self, moment):
        """Run with the fake's clock stopped at `moment` (None: leave the clock alone)."""
        if moment is None:
            yield
            return
        clock = self.store.clock
        self.store.clock = lambda: moment
        try:
            yield
        finally:
            self.store.clock = clock

    def create_customer(self, id=None, email=None, name=None, metadata=None):
        """Create a customer, optionally with a chosen id such as "cus_1"."""
        with self._lock:
            if id in self.store.customers:
                raise ValueError(f"customer {id} exists already")
            customer = self.store.create_customer(_form(email=email, name=name))
            customer["metadata"] = dict(metadata or {})
            if id is not None:
                del self.store.customers[customer["id"]]
                customer["id"] = id
                self.store.customers[id] = customer
            return copy.deepcopy(customer)

    def create_product(self, name="Pro", id=None):
        """Create a product."""
        with self._lock:
            return copy.deepcopy(self.store.create_product(_form(name=name, id=id)))

    def create_price(
        self,
        unit_amount=4900,
        currency="usd",
        interval="month",
        interval_count=1,
        product=None,
        nickname=None,
    ):
        """Create a recurring price (and a product for it unless one is named)."""
        with self._lock:
            product = product or self.store.create_product({"name": nickname or "Plan"})["id"]
            params = _form(unit_amount=unit_amount, currency=currency, product=product)
            params["recurring"] = _form(interval=interval, interval_count=interval_count)
            if nickname is not None:
                params["nickname"] = nickname
            return render_price(create_price(self.store, params))

    def create_plan(
        self,
        amount=4900,
        currency="usd",
        interval="month",
        interval_count=1,
        product=None,
        nickname=None,
        id=None,
    ):
        """Create a legacy plan (and a product for it unless one is named)."""
        with self._lock:
            product = product or self.store.create_product({"name": nickname or "Plan"})["id"]
            params = _form(
                id=id,
                amount=amount,
                currency=currency,
                interval=interval,
                interval_count=interval_count,
                product=product,
                nickname=nickname,
            )
            return render_plan(create_plan(self.store, params))

    def create_coupon(
        self,
        id=None,
        percent_off=None,
        amount_off=None,
        currency=None,
        duration="once",
        duration_in_months=None,
        name=None,
    ):
        """Create a coupon."""
        params = _form(
            id=id,
            percent_off=percent_off,
            amount_off=amount_off,
            currency=currency,
            duration=duration,
            duration_in_months=duration_in_months,
            name=name,
        )
        with self._lock:
            return copy.deepcopy(self.store.create_coupon(params))

    def create_subscription(
        self,
        customer="cus_fake",
        price=None,
        status="active",
        quantity=1,
        trial_days=None,
        legacy_plan=False,
        started_at=None,
        metadata=None,
        id=None,
        amount=4900,
        currency="usd",
        interval="month",
        interval_count=1,
    ):
        """Create a subscription as if made at `started_at`; return it as the API shows it."""
        # Without `price`, one is made from amount/currency/interval (a plan if legacy_plan).
        with self._lock:
            if id in self.store.subscriptions:
                raise ValueError(f"subscription {id} exists already")
            if customer not in self.store.customers:
                self.create_customer(id=customer)
            if isinstance(price, dict):
                price = price["id"]
            if price is None:
                made = self.create_plan if legacy_plan else self.create_price
                price = made(amount, currency, interval, interval_count)["id"]
            key = "plan" if legacy_plan else "price"
            params = {"customer": customer, "items": [_form(**{key: price, "quantity": quantity})]}
            params |= _form(trial_period_days=trial_days)
            params["metadata"] = dict(metadata or {})
            with self._at(_unix(started_at)):
                sub = create_subscription(self.store, params)
            if id is not None:
                self._rename_subscription(sub, id)
            if status == "trialing" and not trial_days:
                raise ValueError("a trialing subscription needs trial_days")
            # With a trial, the default "active" means "as created": trialing until it ends.
            if status != sub["status"] and not (trial_days and status == "active"):
                set_status(self.store, sub["id"], status)
            if status in UNPAID:
                self.add_open_invoice(
                    sub["id"], self.store.invoices[sub["latest_invoice"]]["total"]
                )
            return self.subscription(sub["id"])

    def _rename_subscription(self, sub, new_id):
        old = sub["id"]
        del self.store.subscriptions[old]
        sub["id"] = new_id
        self.store.subscriptions[new_id] = sub
        for invoice in self.store.invoices.values():
            if invoice["subscription"] == old:
                invoice["subscription"] = new_id
                invoice["parent"]["subscription_details"]["subscription"] = new_id

    def set_status(self, sub_id, status):
        """Force a subscription's status (past_due, unpaid, canceled, ...)."""
        with self._lock:
            return render(self.store, set_status(self.store, sub_id, status))

    def subscription(self, sub_id, expand=()):
        """Return a subscription as GET /v1/subscriptions/{id} would, with optional expands."""
        with self._lock:
            shown = render(self.store, stored(self.store, sub_id))
            return stripe_expand.expand(self.store, shown, expand)

    def add_open_invoice(self, sub_id, amount):
        """Issue an open (unpaid) invoice for a subscription and make it the latest."""
        with self._lock:
            sub = stored(self.store, sub_id)
            period = (sub["current_period_start"], sub["current_period_end"])
            invoice = create_invoice(self.store, sub, amount, "open", "subscription_cycle", period)
            sub["latest_invoice"] = invoice["id"]
            return copy.deepcopy(invoice)

    def invoice(self, invoice_id):
        """Return an invoice."""
        with self._lock:
            return copy.deepcopy(self.store.get("invoices", "invoice", invoice_id))

    def coupon(self, coupon_id):
        """Return a coupon (with its times_redeemed)."""
        with self._lock:
            return copy.deepcopy(self.store.get("coupons", "coupon", coupon_id))

    def discount(self, discount_id):
        """Return a discount."""
        with self._lock:
            return copy.deepcopy(self.store.get("discounts", "discount", discount_id))

    def signed_event(
        self,
        secret,
        event_type,
        data_object,
        created=None,
        event_id=None,
        timestamp=None,
        previous_attributes=None,
    ):
        """Return (payload bytes, Stripe-Signature header) for a webhook event."""
        # Signed at `timestamp`, by default real time: the SDK checks tolerance against it.
        with self._lock:
            event_id = event_id or self.store.new_id("evt")
            created = self.store.now() if created is None else created
        event = build_event(
            event_id,
            event_type,
            copy.deepcopy(data_object),
            created,
            self.api_version,
            previous_attributes,
        )
        payload = encode(event)
        return payload, sign(payload, secret, int(time.time()) if timestamp is None else timestamp)
