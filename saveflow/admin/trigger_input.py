"""Alert triggers between their stored shape and the admin's form: the checkbox choices, a
trigger as form values, what was typed read back into triggers, and a trigger in words.

The rules themselves live in `saveflow.messaging.alerts`; this module only translates."""

from typing import Any

from sqlalchemy import select

from saveflow.admin.offers import TYPE_LABELS
from saveflow.extensions import db
from saveflow.messaging.alerts import CURRENCY_LIMIT, LIST_CONDITIONS
from saveflow.money import ZERO_DECIMAL, money, to_minor
from saveflow.offers.models import Offer
from saveflow.offers.types import OFFER_TYPES
from saveflow.reasons.models import Reason
from saveflow.reasons.taxonomy import CATEGORIES
from saveflow.sessions.models import OUTCOMES

OUTCOME_LABELS = {
    "saved": "Saved: accepted an offer",
    "withdrawn": "Withdrew: kept the subscription",
    "cancelled": "Cancelled",
    "recovered": "Recovered: updated the payment",
    "abandoned": "Abandoned: left the flow",
}
STALE = {
    "reasons": "no longer one of this app's reasons",
    "categories": "no longer a category",
    "offer_types": "no longer an offer type",
    "outcomes": "no longer an outcome",
}
Choices = dict[str, list[tuple[str, str]]]


def _offer_type_label(type_name: str, offers: list[str]) -> str:
    label = TYPE_LABELS.get(type_name, (type_name, ""))[0]
    named = [key for key in offers if key != type_name]  # "Concierge (concierge)" says nothing
    return f"{label} ({', '.join(named)})" if named else label


def trigger_choices(app_id: str, stored: list[dict]) -> Choices:
    """Return the checkboxes of each list condition: the app's reasons and offers, the taxonomy's
    categories, every outcome; and any value a stored trigger names that no longer exists, so
    saving never silently widens a trigger."""
    reasons = db.session.scalars(
        select(Reason).where(Reason.app_id == app_id).order_by(Reason.position, Reason.id)
    )
    offers: dict[str, list[str]] = {}
    for offer in db.session.scalars(
        select(Offer).where(Offer.app_id == app_id, Offer.active.is_(True)).order_by(Offer.key)
    ):
        offers.setdefault(offer.type, []).append(offer.key)
    choices: Choices = {
        "reasons": [
            (r.key, ((r.labels or {}).get("en") or r.key) + ("" if r.active else " (retired)"))
            for r in reasons
        ],
        "categories": [(key, key.replace("_", " ").capitalize()) for key in CATEGORIES],
        "offer_types": [(t, _offer_type_label(t, offers.get(t, []))) for t in OFFER_TYPES],
        "outcomes": [(o, OUTCOME_LABELS.get(o, o)) for o in OUTCOMES],
    }
    for name, pairs in choices.items():
        known = {value for value, _label in pairs}
        for trigger in stored:
            for value in trigger.get(name) or []:
                if value not in known:
                    known.add(value)
                    pairs.append((value, f"{value} ({STALE[name]})"))
    return choices


def _major_text(minor: int, currency: str) -> str:
    if currency.lower() in ZERO_DECIMAL:
        return str(minor)
    whole, cents = divmod(minor, 100)
    return f"{whole}.{cents:02d}" if cents else str(whole)


def trigger_values(trigger: dict | None, currency: str) -> dict[str, Any]:
    """Return a stored trigger (None: a blank one) as the form's values, with a blank threshold
    row in `currency` to add another."""
    trigger = trigger or {}
    rows = [
        {"amount": _major_text(minor, code), "currency": code.upper()}
        for code, minor in sorted((trigger.get("min_mrr") or {}).items())
    ][:CURRENCY_LIMIT]  # a hand-edited trigger may hold more than the form has rows for
    return {
        "name": trigger.get("name", ""),
        "thresholds": [*rows, {"amount": "", "currency": currency.upper()}],
        "influenceable": bool(trigger.get("influenceable")),
        **{key: list(trigger.get(key) or []) for key in LIST_CONDITIONS},
    }


def _thresholds(rows, problems: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for row in rows:
        amount, code = (row.amount.data or "").strip(), (row.currency.data or "").strip().lower()
        if not amount:
            continue  # a blank row, whatever currency it offers
        if not code:
            problems.append(f"Give the currency of the amount {amount}.")
            continue
        try:
            minor = to_minor(amount, code)
        except ValueError as problem:
            problems.append(f"MRR {amount} {code.upper()}: {problem}.")
            continue
        if code in found:
            problems.append(f"{code.upper()} has two thresholds: keep one.")
        found[code] = minor
    return found


def _blank(entry) -> bool:
    sub = entry.form
    return not (
        (sub.name.data or "").strip()
        or any((row.form.amount.data or "").strip() for row in sub.thresholds)
        or sub.influenceable.data
        or any(sub[key].data for key in LIST_CONDITIONS)
    )


def read_triggers(entries) -> tuple[list[dict], list[int], dict[int, list[str]]]:
    """Return the triggers as typed (amounts in minor units), the card each came from, and
    problems by card; removed and untouched blank cards are left out."""
    raw: list[dict] = []
    cards: list[int] = []
    errors: dict[int, list[str]] = {}
    for index, entry in enumerate(entries):
        sub = entry.form
        if sub.remove.data or _blank(entry):
            continue
        problems: list[str] = []
        trigger = {
            "name": sub.name.data or "",
            "min_mrr": _thresholds([row.form for row in sub.thresholds], problems),
            "influenceable": True if sub.influenceable.data else None,
            **{key: list(sub[key].data or []) for key in LIST_CONDITIONS},
        }
        if problems:
            errors[index] = problems
        raw.append(trigger)
        cards.append(index)
    return raw, cards, errors


def describe(trigger: dict, choices: Choices) -> str:
    """Return a trigger's conditions in words, e.g. "MRR at least 500.00 USD · Cancelled"."""
    labels = {name: dict(pairs) for name, pairs in choices.items()}
    parts = []
    thresholds = trigger.get("min_mrr") or {}
    if thresholds:
        amounts = " or ".join(money(minor, code) for code, minor in sorted(thresholds.items()))
        parts.append(f"MRR at least {amounts}")
    if trigger.get("influenceable"):
        parts.append("Influenceable reason")
    for key in ("outcomes", "offer_types", "categories", "reasons"):
        values = trigger.get(key) or []
        if values:
            words = [labels[key].get(v, v).split(":")[0].split(" (")[0] for v in values]
            parts.append(" or ".join(words))
    return " · ".join(parts)
