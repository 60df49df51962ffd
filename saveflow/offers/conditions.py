"""Rule conditions: the facts about a cancel that a rule may test, and how each op compares.

A condition is `{"field": ..., "op": ..., "value": ...}`. Semantics worth knowing when writing
rules:

- A missing value (absent key, null, `tenure_days` without a start date, `days_since_accepted.X`
  when X was never accepted) satisfies only `missing`, `ne` and `not_in`. `ne`/`not_in` are the
  exact negations of `eq`/`in`, so for any customer exactly one of `eq X` / `ne X` matches; add an
  `exists` condition to require a value. `days_since_accepted.discount missing` means "never
  accepted a discount".
- Ordering ops (`gt`, `gte`, `lt`, `lte`, `between`) only compare numbers; a string or boolean
  value never matches them. Booleans never equal numbers (`true` is not `1`).
- String comparisons are exact (case-sensitive); `contains` is a substring test on strings.
- `tenure_days` and `days_since_accepted.X` count whole days elapsed (floored), so
  `days_since_accepted.discount lt 365` selects exactly the customers inside a 365-day cooldown.
- Anything that cannot be compared (a host attribute of an unexpected type) makes the condition
  false rather than raising: a rule never turns a cancel into an error.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, overload

from saveflow.offers.types import OFFER_TYPES

OPS = (
    "eq",
    "ne",
    "in",
    "not_in",
    "gt",
    "gte",
    "lt",
    "lte",
    "between",
    "exists",
    "missing",
    "contains",
)
VALUELESS_OPS = frozenset({"exists", "missing"})
ORDER_OPS = frozenset({"gt", "gte", "lt", "lte", "between"})

# Value kind of each field: decides which ops make sense and what a rule's value must be.
FIELDS: dict[str, str] = {
    "category": "str",
    "voluntary": "bool",
    "influenceable": "bool",
    "confidence": "num",
    "plan": "str",
    "mrr": "num",
    "amount": "num",
    "currency": "str",
    "interval": "str",
    "interval_count": "num",
    "quantity": "num",
    "status": "str",
    "tenure_days": "num",
    "locale": "str",
    "country": "str",
}
_ALL = frozenset(OPS)
OPS_FOR_KIND: dict[str, frozenset[str]] = {
    "str": frozenset({"eq", "ne", "in", "not_in", "exists", "missing", "contains"}),
    "num": _ALL - {"contains"},
    "bool": frozenset({"eq", "ne", "in", "not_in", "exists", "missing"}),
    "any": _ALL,  # host attributes: the host decides their types
}
ATTRIBUTE_NAME = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_\-]{0,63}$")

_CLASSIFICATION = frozenset({"category", "voluntary", "influenceable", "confidence"})
_SNAPSHOT = frozenset(
    {"plan", "amount", "currency", "interval", "interval_count", "quantity", "status"}
)

@dataclass(frozen=True)
class Context:
    """Everything rules may look at, built by the session layer (`now` and history UTC)."""

    customer: str
    classification: dict
    snapshot: dict
    mrr: int
    locale: str
    country: str | None
    attributes: dict
    history: dict
    now: datetime


Getter = Callable[["Context"], Any]
Predicate = Callable[["Context"], bool]


def field_kind(field: str) -> str | None:
    """Return the value kind of a condition field, or None if rules cannot test it."""
    if field in FIELDS:
        return FIELDS[field]
    prefix, _, name = field.partition(".")
    if prefix == "attributes" and ATTRIBUTE_NAME.match(name):
        return "any"
    if prefix == "days_since_accepted" and name in OFFER_TYPES:
        return "num"
    return None


@overload
def to_utc(value: datetime) -> datetime: ...
@overload
def to_utc(value: Any) -> datetime | None: ...
def to_utc(value: Any) -> datetime | None:
    """Return a value as an aware UTC datetime, or None if it is not a point in time."""
    if isinstance(value, datetime):
        # Naive datetimes come from SQLite and tests; the whole app stores UTC.
        return value if value.tzinfo is not None else value.replace(tzinfo=UTC)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return datetime.fromtimestamp(value, UTC)
    if isinstance(value, str):
        try:
            return to_utc(datetime.fromisoformat(value))
        except ValueError:
            return None
    return None


def _days_between(start: Any, now: datetime) -> int | None:
    start = to_utc(start)
    if start is None:
        return None
    return (to_utc(now) - start).days


def _getter(field: str) -> Getter:
    if field in _CLASSIFICATION:
        return lambda ctx: ctx.classification.get(field)
    if field in _SNAPSHOT:
        return lambda ctx: ctx.snapshot.get(field)
    if field == "mrr":
        return lambda ctx: ctx.mrr
    if field == "locale":
        return lambda ctx: ctx.locale
    if field == "country":
        return lambda ctx: ctx.country
    if field == "tenure_days":
        return lambda ctx: _days_between(ctx.snapshot.get("started_at"), ctx.now)
    prefix, _, name = field.partition(".")
    if prefix == "attributes":
        return lambda ctx: ctx.attributes.get(name)
    # days_since_accepted.<offer type>
    return lambda ctx: _days_between(ctx.history.get(name), ctx.now)


def _is_number(value: Any) -> bool:
    return type(value) in (int, float)


def _key(value: Any) -> tuple[bool, Any]:
    # Tag booleans so that True and 1 (equal and same hash in Python) stay different values.
    return (value is True or value is False, value)


def _value_test(op: str, value: Any) -> Callable[[Any], bool]:
    if op == "exists":
        return lambda v: v is not None
    if op == "missing":
        return lambda v: v is None
    if op in ("eq", "ne"):
        target = _key(value)
        if op == "eq":
            return lambda v: v is not None and _key(v) == target
        return lambda v: v is None or _key(v) != target
    if op in ("in", "not_in"):
        targets = frozenset(_key(item) for item in value)
        if op == "in":
            return lambda v: v is not None and _key(v) in targets
        return lambda v: v is None or _key(v) not in targets
    if op == "contains":
        return lambda v: type(v) is str and value in v
    if op == "between":
        lo, hi = value
        return lambda v: _is_number(v) and lo <= v <= hi
    if op == "gt":
        return lambda v: _is_number(v) and v > value
    if op == "gte":
        return lambda v: _is_number(v) and v >= value
    if op == "lt":
        return lambda v: _is_number(v) and v < value
    if op == "lte":
        return lambda v: _is_number(v) and v <= value
    raise ValueError(f"unknown condition op {op!r}")


def compile_condition(condition: dict) -> Predicate:
    """Compile one condition into a predicate over a Context."""
    field, op = condition.get("field"), condition.get("op")
    if not isinstance(field, str) or field_kind(field) is None:
        raise ValueError(f"unknown condition field {field!r}")
    get = _getter(field)
    if not isinstance(op, str):
        raise ValueError(f"unknown condition op {op!r}")
    test = _value_test(op, condition.get("value"))

    def predicate(ctx: Context) -> bool:
        try:
            return test(get(ctx))
        except TypeError:  # unhashable or incomparable host data: no match, never an error
            return False

    return predicate


def compile_conditions(conditions: list[dict] | None) -> tuple[Predicate, ...]:
    """Compile a rule's `when` list; all predicates must hold for the rule to match."""
    return tuple(compile_condition(c) for c in conditions or ())


def matches(conditions: list[dict], ctx: Context) -> bool:
    """Return whether every condition holds for the context (an empty list always matches)."""
    return all(predicate(ctx) for predicate in compile_conditions(conditions))
