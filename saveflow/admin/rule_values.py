"""A condition's value as an editor types it, and back: lists by commas, money in main units.

Money fields (MRR, price) are stored in minor units and typed in the main unit: "50" is 5000.
Custom attributes take whatever the host sends: "true"/"false" are booleans, numbers are
numbers, anything else (or anything in double quotes) is a string.
"""

from decimal import Decimal, InvalidOperation

from saveflow.admin.rule_text import CENTS, MONEY_FIELDS, money
from saveflow.offers.conditions import VALUELESS_OPS, field_kind

_YES = {"yes", "true", "y"}
_NO = {"no", "false", "n"}


class BadValue(ValueError):
    """The typed value does not fit the field."""


def _number(text: str, field: str) -> int | float:
    try:
        number = Decimal(text.replace("_", ""))
    except InvalidOperation:
        raise BadValue(f"“{text}” is not a number.") from None
    if not number.is_finite():
        raise BadValue(f"“{text}” is not a number.")
    if field in MONEY_FIELDS:
        minor = number * CENTS
        if minor != minor.to_integral_value():
            raise BadValue("Use at most two decimals.")
        return int(minor)
    return int(number) if number == number.to_integral_value() else float(number)


def _scalar(field: str, text: str, categories: dict[str, str]):
    kind = field_kind(field)
    if kind == "num":
        return _number(text, field)
    if kind == "bool":
        word = text.lower()
        if word in _YES or word in _NO:
            return word in _YES
        raise BadValue("Enter yes or no.")
    if kind == "any":
        if len(text) >= 2 and text[0] == text[-1] == '"':
            return text[1:-1]
        if text.lower() in ("true", "false"):
            return text.lower() == "true"
        try:
            return _number(text, field)
        except BadValue:
            return text
    if field == "category":
        by_label = {label.lower(): key for key, label in categories.items()}
        return by_label.get(text.lower(), text)
    return text


def _split(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


def parse_value(field: str, op: str, text: str, categories: dict[str, str] | None = None):
    """Turn the typed text into the value the rule stores; raise BadValue when it cannot."""
    text = (text or "").strip()
    if op in VALUELESS_OPS or field_kind(field) is None:
        return None
    if not text:
        raise BadValue("Enter a value, or remove this condition.")
    categories = categories or {}
    if op in ("in", "not_in"):
        return [_scalar(field, part, categories) for part in _split(text)]
    if op == "between":
        parts = _split(text.replace(" to ", ","))
        if len(parts) != 2:
            raise BadValue("Enter two numbers: low, high.")
        return [_number(part, field) for part in parts]
    return _scalar(field, text, categories)


def _show(field: str, value) -> str:
    kind = field_kind(field)
    if isinstance(value, bool):
        if kind == "any":
            return "true" if value else "false"
        return "yes" if value else "no"
    if isinstance(value, int | float):
        return money(value) if field in MONEY_FIELDS else str(value)
    if isinstance(value, str) and kind == "any":
        try:
            looks_other = _scalar(field, value, {}) != value
        except BadValue:
            looks_other = False
        if looks_other or value != value.strip() or not value:
            return f'"{value}"'
    return str(value)


def format_value(field: str, value) -> str:
    """Show a stored value the way parse_value reads it back."""
    if value is None:
        return ""
    if isinstance(value, list):
        return ", ".join(_show(field, item) for item in value)
    return _show(field, value)
