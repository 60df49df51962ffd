"""Rules in plain words: what each condition field and operator means, and one-line summaries."""

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select

from saveflow.extensions import db
from saveflow.offers.conditions import FIELDS
from saveflow.offers.service import active_offers
from saveflow.offers.types import OFFER_TYPES
from saveflow.reasons.models import ReasonCategory

# The fields an editor picks from, grouped as the form shows them. "attributes" and
# "days_since_accepted" take a second part (an attribute name, an offer type).
FIELD_GROUPS: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = (
    (
        "Reason",
        (
            ("category", "Reason category"),
            ("voluntary", "Voluntary cancel"),
            ("influenceable", "Influenceable"),
            ("confidence", "Classifier confidence"),
        ),
    ),
    (
        "Subscription",
        (
            ("plan", "Plan"),
            ("mrr", "MRR"),
            ("amount", "Price"),
            ("currency", "Currency"),
            ("interval", "Billing interval"),
            ("interval_count", "Intervals per period"),
            ("quantity", "Quantity"),
            ("status", "Subscription status"),
            ("tenure_days", "Tenure (days)"),
        ),
    ),
    (
        "Customer",
        (
            ("locale", "Language"),
            ("country", "Country"),
            ("attributes", "Custom attribute"),
        ),
    ),
    ("Offer history", (("days_since_accepted", "Days since accepting an offer type"),)),
)
FIELD_LABELS = {key: label for _, fields in FIELD_GROUPS for key, label in fields}
assert set(FIELD_LABELS) - {"attributes", "days_since_accepted"} == set(FIELDS)
# Money fields are stored in minor units (cents) and edited in the main unit.
MONEY_FIELDS = frozenset({"mrr", "amount"})
CENTS = Decimal(100)

OP_LABELS = {
    "eq": "is",
    "ne": "is not",
    "in": "is one of",
    "not_in": "is none of",
    "gt": "is more than",
    "gte": "is at least",
    "lt": "is less than",
    "lte": "is at most",
    "between": "is between",
    "contains": "contains",
    "exists": "is known",
    "missing": "is unknown",
}
_SYMBOLS = {"gt": ">", "gte": "≥", "lt": "<", "lte": "≤"}
OFFER_TYPE_LABELS = {t: t.replace("_", " ") for t in OFFER_TYPES}


@dataclass(frozen=True)
class Vocabulary:
    """What a summary needs to name things: category labels and offer titles, by key."""

    categories: dict[str, str]
    offers: dict[str, str]


def vocabulary(app_id: str) -> Vocabulary:
    """Return an app's category labels and active offer titles (English)."""
    rows = db.session.scalars(select(ReasonCategory).where(ReasonCategory.app_id == app_id))
    categories = {c.key: (c.labels or {}).get("en") or c.key for c in rows}
    offers = {key: offer_title(o.copy, key) for key, o in active_offers(app_id).items()}
    return Vocabulary(categories, offers)


def offer_title(copy: dict | None, key: str) -> str:
    """Return an offer's English title, or its key when it has none."""
    return ((copy or {}).get("en") or {}).get("title") or key


def split_field(field: str) -> tuple[str, str]:
    """Split a condition field into the form's (field, second part) pair."""
    prefix, _, rest = field.partition(".")
    if prefix in ("attributes", "days_since_accepted") and rest:
        return prefix, rest
    return field, ""


def money(minor) -> str:
    """Show minor units in the main unit: 5000 → 50, 4999 → 49.99."""
    value = Decimal(str(minor)) / CENTS
    return f"{value:.2f}".removesuffix(".00")


def _one(field: str, value, words: Vocabulary) -> str:
    if field == "category" and isinstance(value, str):
        return f"“{words.categories.get(value, value)}”"
    if field in MONEY_FIELDS and isinstance(value, int | float) and not isinstance(value, bool):
        return money(value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, str):
        return f"“{value}”"
    return str(value)


def _values(field: str, values, joiner: str, words: Vocabulary) -> str:
    items = [_one(field, v, words) for v in values] if isinstance(values, list) else []
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + f" {joiner} " + items[-1]


def describe_condition(condition: dict, words: Vocabulary) -> str:
    """Say one condition in plain words: "the reason is “It's too expensive”"."""
    field, op, value = condition.get("field", ""), condition.get("op", ""), condition.get("value")
    base, part = split_field(field)
    if base in ("voluntary", "influenceable") and op in ("eq", "ne") and isinstance(value, bool):
        positive = value == (op == "eq")
        word = "voluntary" if base == "voluntary" else "influenceable"
        return f"the cancel is {word}" if positive else f"the cancel is not {word}"
    if base == "days_since_accepted":
        kind = OFFER_TYPE_LABELS.get(part, part)
        if op == "missing":
            return f"never accepted a {kind} offer"
        if op == "exists":
            return f"accepted a {kind} offer before"
        subject = f"days since accepting a {kind} offer"
    elif base == "attributes":
        subject = f"attribute “{part}”"
    elif base == "category":
        subject = "the reason"
    else:
        subject = FIELD_LABELS.get(base, field)
    if op in _SYMBOLS:
        return f"{subject} {_SYMBOLS[op]} {_one(base, value, words)}"
    if op == "between" and isinstance(value, list) and len(value) == 2:
        return (
            f"{subject} is between {_one(base, value[0], words)} and {_one(base, value[1], words)}"
        )
    if op == "in":
        return f"{subject} is {_values(base, value, 'or', words)}"
    if op == "not_in":
        return f"{subject} is neither {_values(base, value, 'nor', words)}"
    if op in ("exists", "missing"):
        return f"{subject} {OP_LABELS[op]}"
    return f"{subject} {OP_LABELS.get(op, op)} {_one(base, value, words)}"


def describe_offers(keys: list[str], words: Vocabulary) -> str:
    """Say a rule's offers in order: "offer A, else B"."""
    if not keys:
        return "show no offer"
    names = [words.offers.get(k, f"{k} (not an active offer)") for k in keys]
    return "offer " + ", else ".join(names)


def describe_rule(rule: dict, words: Vocabulary) -> str:
    """Say a rule in one sentence: "When … and … → offer A, else B"."""
    conditions = [describe_condition(c, words) for c in rule.get("when") or ()]
    when = "When " + " and ".join(conditions) if conditions else "For every cancel"
    experiment = rule.get("experiment")
    if experiment:
        then = f"run experiment “{experiment.get('key', '')}” (its variants choose the offers)"
    else:
        then = describe_offers(list(rule.get("offers") or ()), words)
    return f"{when} → {then}"


def evaluation_order(document: dict) -> list[dict]:
    """Return a document's rules in the order they are tried: priority, then document order."""
    return sorted(document.get("rules") or (), key=lambda r: -r.get("priority", 0))
