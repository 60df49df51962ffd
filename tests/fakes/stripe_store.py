"""The fake's in-memory account: its tables and ids, customers, products, coupons, portal."""

import time
from collections import Counter

from tests.fakes.stripe_forms import (
    StripeError,
    allow,
    boolean,
    choice,
    integer,
    invalid,
    metadata,
    missing,
    number,
    require,
)

DURATIONS = ("forever", "once", "repeating")
PORTAL_FLOWS = (
    "payment_method_update",
    "subscription_cancel",
    "subscription_update",
    "subscription_update_confirm",
)


class Store:
    """Every object the fake holds; callers hold the fake's lock around each use."""

    def __init__(self, base_url, clock=time.time):
        self.base_url = base_url
        self.clock = clock
        self.customers = {}
        self.products = {}
        self.prices = {}  # prices and legacy plans share one namespace, as in Stripe
        self.coupons = {}
        self.discounts = {}
        self.subscriptions = {}
        self.invoices = {}
        self.portal_sessions = {}
        self._counters = Counter()

    def now(self):
        """Return the fake's time as Unix seconds (tests may swap `clock`)."""
        return int(self.clock())

    def new_id(self, prefix):
        """Return the next id with Stripe's prefix, e.g. `sub_fake000001`."""
        self._counters[prefix] += 1
        return f"{prefix}_fake{self._counters[prefix]:06d}"

    def get(self, table, kind, object_id, param=None):
        """Return a stored object or raise Stripe's resource_missing."""
        found = getattr(self, table).get(object_id) if isinstance(object_id, str) else None
        if found is None:
            raise missing(kind, object_id, param)
        return found

    def create_customer(self, params):
        """POST /v1/customers."""
        allow(params, {"email", "name", "description", "phone", "metadata", "expand"})
        customer_id = self.new_id("cus")
        self.customers[customer_id] = {
            "id": customer_id,
            "object": "customer",
            "address": None,
            "balance": 0,
            "created": self.now(),
            "currency": None,
            "default_source": None,
            "delinquent": False,
            "description": params.get("description"),
            "discount": None,
            "email": params.get("email"),
            "invoice_prefix": customer_id[-8:].upper(),
            "invoice_settings": {
                "custom_fields": None,
                "default_payment_method": None,
                "footer": None,
                "rendering_options": None,
            },
            "livemode": False,
            "metadata": metadata({}, params.get("metadata")),
            "name": params.get("name"),
            "next_invoice_sequence": 1,
            "phone": params.get("phone"),
            "preferred_locales": [],
            "shipping": None,
            "tax_exempt": "none",
            "test_clock": None,
        }
        return self.customers[customer_id]

    def create_product(self, params):
        """POST /v1/products."""
        allow(params, {"id", "name", "active", "description", "metadata", "expand"})
        product_id = params.get("id") or self.new_id("prod")
        if product_id in self.products:
            raise StripeError(
                400, "Product already exists.", code="resource_already_exists", param="id"
            )
        now = self.now()
        self.products[product_id] = {
            "id": product_id,
            "object": "product",
            "active": boolean(params.get("active"), "active") is not False,
            "created": now,
            "default_price": None,
            "description": params.get("description"),
            "images": [],
            "livemode": False,
            "marketing_features": [],
            "metadata": metadata({}, params.get("metadata")),
            "name": require(params, "name"),
            "package_dimensions": None,
            "shippable": None,
            "statement_descriptor": None,
            "tax_code": None,
            "type": "service",
            "unit_label": None,
            "updated": now,
            "url": None,
        }
        return self.products[product_id]

    def create_coupon(self, params):
        """POST /v1/coupons; a caller-chosen id may be used once."""
        allow(
            params,
            {"id", "percent_off", "amount_off", "currency", "duration", "duration_in_months"}
            | {"name", "max_redemptions", "redeem_by", "metadata", "expand"},
        )
        coupon_id = params.get("id") or self.new_id("coupon").replace("coupon_", "")
        if coupon_id in self.coupons:
            raise StripeError(
                400, "Coupon already exists.", code="resource_already_exists", param="id"
            )
        percent_off = number(params.get("percent_off"), "percent_off")
        amount_off = integer(params.get("amount_off"), "amount_off")
        if (percent_off is None) == (amount_off is None):
            raise invalid("You must pass exactly one of percent_off or amount_off.")
        if amount_off is not None and not params.get("currency"):
            raise invalid("You must pass currency when passing amount_off.", param="currency")
        duration = choice(params.get("duration", "once"), DURATIONS, "duration")
        months = integer(params.get("duration_in_months"), "duration_in_months")
        if duration == "repeating" and not months:
            raise invalid(
                "You must pass duration_in_months when duration is repeating.",
                param="duration_in_months",
            )
        self.coupons[coupon_id] = {
            "id": coupon_id,
            "object": "coupon",
            "amount_off": amount_off,
            "created": self.now(),
            "currency": params.get("currency", "").lower() or None,
            "duration": duration,
            "duration_in_months": months if duration == "repeating" else None,
            "livemode": False,
            "max_redemptions": integer(params.get("max_redemptions"), "max_redemptions"),
            "metadata": metadata({}, params.get("metadata")),
            "name": params.get("name"),
            "percent_off": percent_off,
            "redeem_by": integer(params.get("redeem_by"), "redeem_by"),
            "times_redeemed": 0,
            "valid": True,
        }
        return self.coupons[coupon_id]

    def create_portal_session(self, params):
        """POST /v1/billing_portal/sessions."""
        allow(params, {"customer", "return_url", "flow_data", "configuration", "locale", "expand"})
        customer = self.get("customers", "customer", require(params, "customer"), "customer")
        flow_data = params.get("flow_data")
        flow = None
        if flow_data is not None:
            flow_type = choice(
                require(flow_data, "type", "flow_data[type]"), PORTAL_FLOWS, "flow_data[type]"
            )
            flow = {
                "after_completion": {
                    "hosted_confirmation": None,
                    "redirect": None,
                    "type": "portal_homepage",
                },
                "subscription_cancel": flow_data.get("subscription_cancel"),
                "subscription_update": flow_data.get("subscription_update"),
                "subscription_update_confirm": flow_data.get("subscription_update_confirm"),
                "type": flow_type,
            }
        session_id = self.new_id("bps")
        self.portal_sessions[session_id] = {
            "id": session_id,
            "object": "billing_portal.session",
            "configuration": params.get("configuration", "bpc_fake000001"),
            "created": self.now(),
            "customer": customer["id"],
            "flow": flow,
            "livemode": False,
            "locale": params.get("locale"),
            "on_behalf_of": None,
            "return_url": params.get("return_url"),
            "url": f"{self.base_url}/portal/{session_id}",
        }
        return self.portal_sessions[session_id]
