"""Alert triggers: which a decided session meets, and what the admin may store."""

import pytest

from saveflow.messaging.alerts import (
    TRIGGER_LIMIT,
    clean_trigger,
    matching_triggers,
    normalize_triggers,
)

# A cancelled 600 USD customer who found it too expensive and took no offer.
FACTS = {
    "mrr": 60000,
    "currency": "usd",
    "outcome": "cancelled",
    "reason": "price",
    "offer_type": None,
    "category": "too_expensive",
    "voluntary": True,
    "influenceable": True,
}


@pytest.mark.parametrize(
    ("conditions", "facts", "met"),
    [
        # MRR: at or above, in the session's own currency only.
        ({"min_mrr": {"usd": 50000}}, {}, True),
        ({"min_mrr": {"usd": 60000}}, {}, True),
        ({"min_mrr": {"usd": 60001}}, {}, False),
        ({"min_mrr": {"eur": 100}}, {}, False),
        ({"min_mrr": {"eur": 100, "usd": 100}}, {}, True),
        ({"min_mrr": {"usd": 100}}, {"currency": "USD"}, True),
        ({"min_mrr": {"usd": 100}}, {"mrr": None}, False),
        ({"min_mrr": {"usd": 100}}, {"currency": None}, False),
        ({"min_mrr": {"jpy": 50000}}, {"currency": "jpy", "mrr": 49999}, False),
        # Influenceable: only True narrows; unknown (None) and False do not meet it.
        ({"influenceable": True}, {}, True),
        ({"influenceable": True}, {"influenceable": None}, False),
        ({"influenceable": True}, {"influenceable": False}, False),
        ({"influenceable": None, "outcomes": ["cancelled"]}, {"influenceable": False}, True),
        # Lists: the session's value is one of them.
        ({"categories": ["too_expensive", "budget_cut"]}, {}, True),
        ({"categories": ["budget_cut"]}, {}, False),
        ({"categories": ["budget_cut"]}, {"category": None}, False),
        ({"reasons": ["price"]}, {}, True),
        ({"reasons": ["other"]}, {}, False),
        ({"offer_types": ["concierge", "contact"]}, {"offer_type": "concierge"}, True),
        ({"offer_types": ["concierge"]}, {}, False),
        ({"outcomes": ["cancelled", "saved"]}, {}, True),
        ({"outcomes": ["saved"]}, {}, False),
        # Empty conditions hold for every session.
        ({"min_mrr": {}, "categories": [], "reasons": [], "outcomes": ["cancelled"]}, {}, True),
        # Every condition must hold.
        ({"min_mrr": {"usd": 50000}, "outcomes": ["cancelled"], "reasons": ["price"]}, {}, True),
        ({"min_mrr": {"usd": 50000}, "outcomes": ["cancelled"], "reasons": ["x"]}, {}, False),
        ({"min_mrr": {"usd": 90000}, "outcomes": ["cancelled"], "reasons": ["price"]}, {}, False),
        ({"influenceable": True, "offer_types": ["contact"]}, {"offer_type": "contact"}, True),
        ({"influenceable": True, "offer_types": ["contact"]}, {"influenceable": None}, False),
    ],
)
def test_a_trigger_is_met_when_every_condition_holds(conditions, facts, met):
    trigger = {"name": "T", **conditions}
    assert matching_triggers([trigger], {**FACTS, **facts}) == (["T"] if met else [])


def test_every_trigger_met_is_named_in_order():
    triggers = [
        {"name": "Big", "min_mrr": {"usd": 50000}},
        {"name": "Saved", "outcomes": ["saved"]},
        {"name": "Pricey", "categories": ["too_expensive"]},
    ]
    assert matching_triggers(triggers, FACTS) == ["Big", "Pricey"]
    assert matching_triggers([], FACTS) == []


@pytest.mark.parametrize(
    "stored",
    [
        {"name": "Everything"},  # no condition: it would alert on every session
        {"name": "", "outcomes": ["cancelled"]},
        {"name": "Flat", "min_mrr": 50000},  # one number for every currency: not our shape
        {"name": "Str", "min_mrr": {"usd": "500"}},
        {"name": "Wrong", "outcomes": "cancelled"},
        "not a trigger",
        None,
    ],
)
def test_a_malformed_stored_trigger_never_matches_nor_fails(stored):
    assert matching_triggers([stored, {"name": "OK", "outcomes": ["cancelled"]}], FACTS) == ["OK"]


def test_normalize_returns_the_stored_shape():
    raw = [
        {
            "name": "  Big   accounts ",
            "min_mrr": {"USD": 50000, " eur ": 45000},
            "influenceable": False,
            "categories": ["too_expensive", "too_expensive"],
            "reasons": [" price "],
            "offer_types": [],
            "extra": "dropped",
        }
    ]
    assert normalize_triggers(raw) == (
        [
            {
                "name": "Big accounts",
                "min_mrr": {"eur": 45000, "usd": 50000},
                "influenceable": None,
                "categories": ["too_expensive"],
                "reasons": ["price"],
                "offer_types": [],
                "outcomes": [],
            }
        ],
        {},
    )
    assert list(normalize_triggers(raw)[0][0]["min_mrr"]) == ["eur", "usd"]  # by code
    assert normalize_triggers(None) == ([], {})
    assert normalize_triggers([]) == ([], {})


@pytest.mark.parametrize(
    ("trigger", "message"),
    [
        (
            {"outcomes": ["cancelled"]},
            "Give the trigger a name: alerts say which triggers a session met.",
        ),
        ({"name": "x" * 81, "outcomes": ["saved"]}, "Keep the name to 80 characters."),
        ({"name": "A"}, "Give at least one condition, or the trigger alerts on every session."),
        ({"name": "A", "influenceable": "yes"}, "Influenceable is true, or empty for any session."),
        (
            {"name": "A", "min_mrr": 500},
            'Give the MRR threshold per currency, e.g. {"usd": 50000}.',
        ),
        (
            {"name": "A", "min_mrr": {"dollars": 5}},
            "'dollars' is not a three-letter currency code.",
        ),
        ({"name": "A", "min_mrr": {"usd": 1, "USD": 2}}, "USD has two thresholds."),
        (
            {"name": "A", "min_mrr": {"usd": 1.5}},
            "The USD threshold must be a whole number of minor units.",
        ),
        (
            {"name": "A", "min_mrr": {"usd": True}},
            "The USD threshold must be a whole number of minor units.",
        ),
        ({"name": "A", "min_mrr": {"usd": 0}}, "The USD threshold must be above zero."),
        ({"name": "A", "min_mrr": {"usd": 10**13}}, "The USD threshold is above any MRR."),
        (
            {
                "name": "A",
                "min_mrr": {f"a{chr(97 + a)}{chr(97 + b)}": 1 for a in range(5) for b in range(5)},
            },
            "Keep to 20 currencies.",
        ),
        ({"name": "A", "reasons": "price"}, "Reasons must be a list of keys."),
        ({"name": "A", "offer_types": ["", "x"]}, "Offer types: '' is not a key."),
        ({"name": "A", "outcomes": ["gone"]}, "Outcomes: no such key 'gone'."),
    ],
)
def test_normalize_says_what_is_wrong_with_each_trigger(trigger, message):
    known = {"outcomes": ("saved", "cancelled")}
    good = {"name": "Fine", "outcomes": ["saved"]}
    triggers, errors = normalize_triggers([good, trigger], known)
    assert [t["name"] for t in triggers] == ["Fine"]
    assert list(errors) == [1]
    assert message in errors[1]


def test_names_must_differ_whatever_their_case():
    raw = [{"name": "Big", "outcomes": ["saved"]}, {"name": "big", "outcomes": ["cancelled"]}]
    triggers, errors = normalize_triggers(raw)
    assert [t["name"] for t in triggers] == ["Big"]
    assert errors == {1: ["Another trigger is called big."]}


def test_there_is_a_limit_to_triggers():
    raw = [{"name": f"T{n}", "outcomes": ["saved"]} for n in range(TRIGGER_LIMIT + 1)]
    triggers, errors = normalize_triggers(raw)
    assert len(triggers) == TRIGGER_LIMIT
    assert errors == {TRIGGER_LIMIT: [f"Keep to {TRIGGER_LIMIT} triggers."]}
    assert normalize_triggers({"name": "A"}) == ([], {0: ["Triggers are a list."]})


def test_known_values_only_check_the_conditions_named():
    trigger, problems = clean_trigger(
        {"name": "A", "reasons": ["price"], "categories": ["anything"]},
        {"reasons": ("price",)},
    )
    assert problems == []
    assert trigger is not None and trigger["categories"] == ["anything"]
