"""Stripe's `expand[]`: swap ids for their objects along dotted paths (`items.data.price.product`)."""

import copy

from tests.fakes.stripe_forms import invalid
from tests.fakes.stripe_prices import render_price
from tests.fakes.stripe_subscriptions import render

MAX_DEPTH = 4


def _tables(store):
    """Map each expandable field name to a lookup of its objects by id."""
    return {
        "customer": store.customers.get,
        "product": store.products.get,
        "default_price": lambda i: i in store.prices and render_price(store.prices[i]),
        "latest_invoice": store.invoices.get,
        "discounts": store.discounts.get,
        "coupon": store.coupons.get,
        "subscription": lambda i: (
            i in store.subscriptions and render(store, store.subscriptions[i])
        ),
    }


def expand(store, obj, paths):
    """Return a copy of obj with each path's ids replaced by objects."""
    obj = copy.deepcopy(obj)
    if isinstance(paths, str):
        paths = [paths]
    tables = _tables(store)
    for path in paths or []:
        parts = path.split(".")
        if len(parts) > MAX_DEPTH:
            raise invalid(
                f"You cannot expand more than {MAX_DEPTH} levels of a property.", param="expand"
            )
        _walk(tables, obj, parts, path)
    return obj


def _cannot(path):
    return invalid(f"This property cannot be expanded ({path}).", param="expand")


def _walk(tables, node, parts, path):
    if isinstance(node, list):
        for element in node:
            _walk(tables, element, parts, path)
        return
    field, rest = parts[0], parts[1:]
    if not isinstance(node, dict) or field not in node:
        raise _cannot(path)
    value = node[field]
    if field in tables:
        value = node[field] = _resolve(tables[field], value)
    elif not rest:
        raise _cannot(path)
    if rest and value is not None:
        _walk(tables, value, rest, path)


def _resolve(lookup, value):
    if isinstance(value, list):
        return [_resolve(lookup, element) for element in value]
    if not isinstance(value, str):
        return value  # null, or expanded already by an earlier path
    return copy.deepcopy(lookup(value)) or value
