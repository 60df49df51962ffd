"""The offer card as the widget would show it to a sample customer, for the editor's preview."""

from types import SimpleNamespace

from marshmallow import ValidationError

from saveflow.db import utcnow
from saveflow.offers.rules import Policy
from saveflow.offers.types import REGISTRY
from saveflow.reasons.taxonomy import LOCALES
from saveflow.sessions.present import offer_card

# A made-up customer on a made-up plan: enough for every type's terms to have numbers in them.
SAMPLE_SNAPSHOT = {
    "plan": "pro",
    "plan_name": "Pro",
    "amount": 4900,
    "currency": "usd",
    "interval": "month",
    "interval_count": 1,
    "quantity": 1,
    "status": "trialing",
}
SAMPLE_ATTRIBUTES = {"first_name": "Alex", "company": "Example Co"}


def sample_snapshot(type_name: str, params: dict) -> dict:
    """Return the sample subscription, on a plan this offer applies to (downgrades name plans)."""
    snapshot = dict(SAMPLE_SNAPSHOT)
    targets = params.get("targets") if type_name == "downgrade" else None
    if targets:
        plan = sorted(targets)[0]
        snapshot.update(plan=plan, plan_name=plan.replace("_", " ").title())
        # The sample pays more than the cheaper plan, or a downgrade would read as a raise.
        snapshot["amount"] = max(4900, int(targets[plan]["amount"]) * 2)
    return snapshot


def sample_cards(type_name: str, params: dict, copy: dict) -> dict:
    """Return the card per locale, and why the sample could not be offered it (if so).

    `terms` is None while the parameters are not valid or do not apply to the sample.
    """
    kind = REGISTRY[type_name]
    try:
        clean = kind.params().load(params)
    except ValidationError:
        clean = None
    snapshot = sample_snapshot(type_name, clean or {})
    skip = "invalid_params" if clean is None else kind.skip_reason(clean, snapshot, _ANYTHING)
    # Without usable terms the card still shows its copy: a link type's card has no terms line.
    shown = (type_name, clean) if skip is None else ("redirect", {})
    offer = SimpleNamespace(key="preview", type=shown[0], params=shown[1], copy=copy)
    now = utcnow()
    cards = {}
    for locale in LOCALES:
        card = offer_card(offer, snapshot, locale, SAMPLE_ATTRIBUTES, now)
        if skip is not None:
            card.update(type=type_name, terms=None)
        cards[locale] = card
    return {"cards": cards, "skip": skip, "sample": snapshot}


# The preview shows what an offer looks like, so no policy setting hides it.
_ANYTHING = Policy(max_offers=5, cooldown_days={}, allow_pause_annual=True)
