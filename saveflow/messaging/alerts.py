"""Customer-success alert triggers, as the admin edits them, and which of them a session meets.

A trigger is a name and a conjunction of conditions; a condition left empty (or absent) holds
for every session:

    {"name": "Big accounts leaving",
     "min_mrr": {"usd": 50000, "eur": 45000},  # MRR at or above, minor units, per currency
     "influenceable": True,                     # or None: influenceable or not
     "categories": ["too_expensive"], "reasons": ["price"],
     "offer_types": ["concierge"], "outcomes": ["cancelled"]}

MRR thresholds are per currency because 500 dollars and 500 yen are not the same customer: a
trigger with thresholds holds only for sessions in a currency it names.
"""

from collections.abc import Collection, Mapping
from typing import Any

# Each list condition, and the fact of the session it reads.
LIST_CONDITIONS = {
    "categories": "category",
    "reasons": "reason",
    "offer_types": "offer_type",
    "outcomes": "outcome",
}
NAME_LIMIT = 80
TRIGGER_LIMIT = 50
CURRENCY_LIMIT = 20
VALUE_LIMIT = 64
MRR_LIMIT = 10**12

Errors = dict[int, list[str]]


def _thresholds(raw: Any, problems: list[str]) -> dict[str, int]:
    if raw in (None, {}):
        return {}
    if not isinstance(raw, Mapping):
        problems.append('Give the MRR threshold per currency, e.g. {"usd": 50000}.')
        return {}
    clean: dict[str, int] = {}
    for currency, amount in raw.items():
        code = currency.strip().lower() if isinstance(currency, str) else ""
        if len(code) != 3 or not code.isascii() or not code.isalpha():
            problems.append(f"{currency!r} is not a three-letter currency code.")
        elif code in clean:
            problems.append(f"{code.upper()} has two thresholds.")
        elif isinstance(amount, bool) or not isinstance(amount, int):
            problems.append(f"The {code.upper()} threshold must be a whole number of minor units.")
        elif amount <= 0:
            problems.append(f"The {code.upper()} threshold must be above zero.")
        elif amount > MRR_LIMIT:
            problems.append(f"The {code.upper()} threshold is above any MRR.")
        else:
            clean[code] = amount
    if len(clean) > CURRENCY_LIMIT:
        problems.append(f"Keep to {CURRENCY_LIMIT} currencies.")
    # By code, as PostgreSQL's JSONB keeps keys, so every database shows them in one order.
    return dict(sorted(clean.items()))


def _values(name: str, raw: Any, known: Collection[str] | None, problems: list[str]) -> list[str]:
    if raw in (None, []):
        return []
    if not isinstance(raw, list) or not all(isinstance(v, str) for v in raw):
        problems.append(f"{name.replace('_', ' ').capitalize()} must be a list of keys.")
        return []
    clean: list[str] = []
    for value in (v.strip() for v in raw):
        if not value or len(value) > VALUE_LIMIT:
            problems.append(f"{name.replace('_', ' ').capitalize()}: {value!r} is not a key.")
        elif known is not None and value not in known:
            problems.append(f"{name.replace('_', ' ').capitalize()}: no such key {value!r}.")
        elif value not in clean:
            clean.append(value)
    return clean


def clean_trigger(
    raw: Any, known: Mapping[str, Collection[str]] | None = None
) -> tuple[dict | None, list[str]]:
    """Return one trigger in its stored shape and the problems found (None if it has any).

    `known` lists the values a list condition may take (reason keys, say); without it any key
    is accepted.
    """
    if not isinstance(raw, Mapping):
        return None, ["A trigger is a set of named conditions."]
    problems: list[str] = []
    name = raw.get("name")
    name = " ".join(name.split()) if isinstance(name, str) else ""
    if not name:
        problems.append("Give the trigger a name: alerts say which triggers a session met.")
    elif len(name) > NAME_LIMIT:
        problems.append(f"Keep the name to {NAME_LIMIT} characters.")
    influenceable = raw.get("influenceable")
    if influenceable not in (None, True, False):
        problems.append("Influenceable is true, or empty for any session.")
    trigger: dict[str, Any] = {
        "name": name,
        "min_mrr": _thresholds(raw.get("min_mrr"), problems),
        # Only "influenceable" narrows: a false box means "any", not "not influenceable".
        "influenceable": True if influenceable is True else None,
    }
    for key in LIST_CONDITIONS:
        trigger[key] = _values(key, raw.get(key), (known or {}).get(key), problems)
    if (
        not trigger["min_mrr"]
        and not trigger["influenceable"]
        and not any(trigger[key] for key in LIST_CONDITIONS)
    ):
        problems.append("Give at least one condition, or the trigger alerts on every session.")
    return (None if problems else trigger), problems


def normalize_triggers(
    raw: Any, known: Mapping[str, Collection[str]] | None = None
) -> tuple[list[dict], Errors]:
    """Return the triggers in their stored shape, and the problems by trigger index (empty if
    none); names must differ, since an alert lists the names it met."""
    if raw is None:
        return [], {}
    if not isinstance(raw, list):
        return [], {0: ["Triggers are a list."]}
    triggers: list[dict] = []
    errors: Errors = {}
    seen: set[str] = set()
    for index, item in enumerate(raw):
        trigger, problems = clean_trigger(item, known)
        if index >= TRIGGER_LIMIT:
            problems.append(f"Keep to {TRIGGER_LIMIT} triggers.")
        if trigger is not None and trigger["name"].casefold() in seen:
            problems.append(f"Another trigger is called {trigger['name']}.")
        if problems:
            errors[index] = problems
            continue
        assert trigger is not None
        seen.add(trigger["name"].casefold())
        triggers.append(trigger)
    return triggers, errors


def trigger_met(trigger: Mapping, facts: Mapping) -> bool:
    """Say whether a decided session's facts meet every condition of a well-formed trigger."""
    thresholds = trigger.get("min_mrr") or {}
    if thresholds:
        floor = thresholds.get((facts.get("currency") or "").lower())
        mrr = facts.get("mrr")
        if floor is None or mrr is None or mrr < floor:
            return False
    if trigger.get("influenceable") and facts.get("influenceable") is not True:
        return False
    for key, fact in LIST_CONDITIONS.items():
        wanted = trigger.get(key) or []
        if wanted and facts.get(fact) not in wanted:
            return False
    return True


def matching_triggers(triggers: list[dict], facts: dict) -> list[str]:
    """Return the names of the triggers a decided session meets (empty: no alert).

    A stored trigger that is not well formed (edited by hand, say) never matches: a session's
    decision must not fail over it, nor alert on everything.
    """
    names = []
    for raw in triggers:
        trigger, _problems = clean_trigger(raw)
        if trigger is not None and trigger["name"] not in names and trigger_met(trigger, facts):
            names.append(trigger["name"])
    return names
