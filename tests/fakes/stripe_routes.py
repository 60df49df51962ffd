"""The v1 endpoints the fake serves, each a function of the store, params and URL id."""

from werkzeug.exceptions import HTTPException
from werkzeug.routing import Map, Rule

from tests.fakes import stripe_subscription_changes as changes
from tests.fakes.stripe_expand import expand
from tests.fakes.stripe_forms import StripeError, allow
from tests.fakes.stripe_invoices import list_invoices
from tests.fakes.stripe_prices import create_plan, create_price, render_plan, render_price
from tests.fakes.stripe_subscriptions import create_subscription, render

ENDPOINTS = {
    ("POST", "/v1/customers"): lambda s, p: s.create_customer(p),
    ("GET", "/v1/customers/<i>"): lambda s, p, i: s.get("customers", "customer", i),
    ("DELETE", "/v1/customers/<i>"): lambda s, p, i: changes.delete_customer(s, i, p),
    ("POST", "/v1/products"): lambda s, p: s.create_product(p),
    ("GET", "/v1/products/<i>"): lambda s, p, i: s.get("products", "product", i),
    ("POST", "/v1/prices"): lambda s, p: render_price(create_price(s, p)),
    ("GET", "/v1/prices/<i>"): lambda s, p, i: render_price(s.get("prices", "price", i)),
    ("POST", "/v1/plans"): lambda s, p: render_plan(create_plan(s, p)),
    ("GET", "/v1/plans/<i>"): lambda s, p, i: render_plan(s.get("prices", "plan", i)),
    ("POST", "/v1/coupons"): lambda s, p: s.create_coupon(p),
    ("GET", "/v1/coupons/<i>"): lambda s, p, i: s.get("coupons", "coupon", i),
    ("POST", "/v1/subscriptions"): lambda s, p: render(s, create_subscription(s, p)),
    ("GET", "/v1/subscriptions"): changes.list_subscriptions,
    ("GET", "/v1/subscriptions/<i>"): lambda s, p, i: render(s, changes.subscription(s, i)),
    ("POST", "/v1/subscriptions/<i>"): lambda s, p, i: render(
        s, changes.update_subscription(s, i, p)
    ),
    ("DELETE", "/v1/subscriptions/<i>"): lambda s, p, i: render(
        s, changes.cancel_subscription(s, i, p)
    ),
    ("GET", "/v1/invoices"): list_invoices,
    ("GET", "/v1/invoices/<i>"): lambda s, p, i: s.get("invoices", "invoice", i),
    ("POST", "/v1/billing_portal/sessions"): lambda s, p: s.create_portal_session(p),
}
ROUTES = Map([Rule(path, methods=[method], endpoint=(method, path)) for method, path in ENDPOINTS])


def dispatch(store, method, path, params):
    """Run the endpoint for a request and apply its `expand[]`; the caller holds the lock."""
    try:
        endpoint, args = ROUTES.bind("api.stripe.com").match(path, method=method)
    except HTTPException:
        raise StripeError(
            404,
            f"Unrecognized request URL ({method}: {path}). Please see https://stripe.com/docs "
            "or we can help at https://support.stripe.com/.",
        ) from None
    if method == "GET" and args:
        allow(params, {"expand"})
    found = ENDPOINTS[endpoint](store, params, *args.values())
    return expand(store, found, params.get("expand"))
