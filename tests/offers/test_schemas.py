import copy

import pytest
from marshmallow import ValidationError

from saveflow.offers.catalog import DEFAULT_OFFERS
from saveflow.offers.rules import default_rule_set
from saveflow.offers.schemas import OfferSchema, validate_rule_set

OFFER_KEYS = {o["key"] for o in DEFAULT_OFFERS}

EXAMPLE = {
    "schema": 1,
    "max_offers": 2,
    "rules": [
        {
            "id": "price",
            "name": "Price-sensitive customers",
            "priority": 100,
            "enabled": True,
            "when": [
                {"field": "category", "op": "in", "value": ["too_expensive", "budget_cut"]},
                {"field": "mrr", "op": "gte", "value": 2000},
                {"field": "days_since_accepted.discount", "op": "gt", "value": 180},
            ],
            "offers": ["discount_25_3m", "downgrade"],
            "experiment": {
                "key": "price-2026q4",
                "holdout": 0.1,
                "variants": [
                    {"name": "control", "weight": 1, "offers": ["discount_25_3m"]},
                    {"name": "pause-first", "weight": 1, "offers": ["pause_2m", "discount_25_3m"]},
                ],
            },
        }
    ],
}


def errors_of(document, offer_keys=None) -> dict:
    with pytest.raises(ValidationError) as info:
        validate_rule_set(document, offer_keys)
    return info.value.messages


def with_rule(**changes) -> dict:
    document = copy.deepcopy(EXAMPLE)
    document["rules"][0] |= changes
    return document


def with_condition(condition) -> dict:
    return with_rule(when=[{"field": "mrr", "op": "gte", "value": 1}, condition])


def test_example_document_is_valid_and_unchanged():
    assert validate_rule_set(EXAMPLE, OFFER_KEYS) == EXAMPLE


def test_defaults_are_filled_in_and_cleaning_is_idempotent():
    clean = validate_rule_set({"schema": 1, "rules": [{"id": "all"}]})
    assert clean == {
        "schema": 1,
        "rules": [
            {"id": "all", "name": "", "priority": 0, "enabled": True, "when": [], "offers": []}
        ],
    }
    assert validate_rule_set(clean) == clean


def test_default_rule_set_validates_against_seeded_offers():
    rules = default_rule_set()
    assert validate_rule_set(rules, OFFER_KEYS) == rules


def test_bad_op_points_at_the_condition():
    messages = errors_of(with_condition({"field": "mrr", "op": "greater", "value": 1}))
    assert list(messages["rules"][0]["when"][1]) == ["op"]


@pytest.mark.parametrize(
    ("condition", "where"),
    [
        ({"field": "category", "op": "in", "value": "too_expensive"}, "value"),
        ({"field": "category", "op": "in", "value": []}, "value"),
        ({"field": "category", "op": "in", "value": ["a", 1]}, "value"),
        ({"field": "mrr", "op": "between", "value": [5000, 1000]}, "value"),
        ({"field": "mrr", "op": "between", "value": [1000]}, "value"),
        ({"field": "mrr", "op": "gt", "value": "2000"}, "value"),
        ({"field": "mrr", "op": "gt", "value": True}, "value"),
        ({"field": "mrr", "op": "gt", "value": float("nan")}, "value"),
        ({"field": "mrr", "op": "eq"}, "value"),
        ({"field": "voluntary", "op": "eq", "value": "yes"}, "value"),
        ({"field": "country", "op": "missing", "value": "US"}, "value"),
        ({"field": "attributes.segment", "op": "contains", "value": ""}, "value"),
        ({"field": "category", "op": "gt", "value": 1}, "op"),
        ({"field": "mrr", "op": "contains", "value": "1"}, "op"),
        ({"field": "voluntary", "op": "between", "value": [0, 1]}, "op"),
        ({"field": "revenue", "op": "gt", "value": 1}, "field"),
        ({"field": "days_since_accepted.coupon", "op": "gt", "value": 1}, "field"),
        ({"field": "attributes.", "op": "exists"}, "field"),
        ({"field": "attributes.has space", "op": "exists"}, "field"),
        ({"field": "mrr", "op": "gt", "value": 1, "unit": "usd"}, "unit"),
    ],
)
def test_condition_errors(condition, where):
    messages = errors_of(with_condition(condition))
    assert list(messages["rules"][0]["when"][1]) == [where]


@pytest.mark.parametrize(
    "condition",
    [
        {"field": "country", "op": "exists"},
        {"field": "country", "op": "missing", "value": None},
        {"field": "attributes.plan_tier", "op": "eq", "value": "gold"},
        {"field": "attributes.seats", "op": "between", "value": [1, 9.5]},
        {"field": "influenceable", "op": "in", "value": [True, False]},
        {"field": "tenure_days", "op": "lt", "value": 30},
        {"field": "days_since_accepted.trial_extension", "op": "missing"},
    ],
)
def test_valid_conditions(condition):
    validate_rule_set(with_condition(condition))


def test_conditions_are_cleaned():
    document = with_rule(
        when=[
            {"field": "country", "op": "exists", "value": ""},
            {"field": "currency", "op": "in", "value": ["USD", "eur"]},
            {"field": "country", "op": "eq", "value": "de"},
        ]
    )
    assert validate_rule_set(document)["rules"][0]["when"] == [
        {"field": "country", "op": "exists"},
        {"field": "currency", "op": "in", "value": ["usd", "eur"]},
        {"field": "country", "op": "eq", "value": "DE"},
    ]


def test_duplicate_rule_ids():
    document = copy.deepcopy(EXAMPLE)
    document["rules"] += [{"id": "other"}, {"id": "price"}]
    assert errors_of(document) == {"rules": {2: {"id": ["Duplicate rule id 'price'."]}}}


def test_unknown_offer_keys_anywhere_with_offer_keys_given():
    document = with_rule(offers=["discount_25_3m", "nope"])
    document["rules"][0]["experiment"]["variants"][1]["offers"] = ["pause_3m"]
    assert errors_of(document, OFFER_KEYS) == {
        "rules": {
            0: {
                "offers": {1: ["Unknown offer 'nope'."]},
                "experiment": {"variants": {1: {"offers": {0: ["Unknown offer 'pause_3m'."]}}}},
            }
        }
    }
    validate_rule_set(document)  # without a catalogue any well-formed key is accepted


def test_every_problem_is_reported_at_once():
    document = copy.deepcopy(EXAMPLE)
    document["rules"] += [{"id": "price", "offers": ["ghost"], "priority": "high"}]
    messages = errors_of(document, OFFER_KEYS)["rules"][1]
    assert set(messages) == {"id", "offers", "priority"}


@pytest.mark.parametrize(
    ("changes", "path"),
    [
        ({"holdout": 1}, ("holdout",)),
        ({"holdout": -0.1}, ("holdout",)),
        ({"key": "Price Q4"}, ("key",)),
        ({"variants": []}, ("variants",)),
        (
            {"variants": [{"name": "holdout", "weight": 1, "offers": ["pause_2m"]}]},
            ("variants", 0, "name"),
        ),
        (
            {"variants": [{"name": "a", "weight": 0, "offers": ["pause_2m"]}]},
            ("variants", 0, "weight"),
        ),
        ({"variants": [{"name": "a", "weight": 1, "offers": []}]}, ("variants", 0, "offers")),
        (
            {
                "variants": [
                    {"name": "a", "weight": 1, "offers": ["pause_2m"]},
                    {"name": "a", "weight": 2, "offers": ["contact"]},
                ]
            },
            ("variants", 1, "name"),
        ),
    ],
)
def test_experiment_errors(changes, path):
    document = copy.deepcopy(EXAMPLE)
    document["rules"][0]["experiment"] |= changes
    node = errors_of(document)["rules"][0]["experiment"]
    for step in path:
        node = node[step]
    assert node and all(isinstance(message, str) for message in node)


@pytest.mark.parametrize(
    ("document", "where"),
    [
        ({"schema": 2, "rules": []}, "schema"),
        ({"rules": []}, "schema"),
        ({"schema": 1, "max_offers": 6, "rules": []}, "max_offers"),
        ({"schema": 1, "max_offers": -1, "rules": []}, "max_offers"),
        ({"schema": 1, "rules": [{"id": f"r{i}"} for i in range(201)]}, "rules"),
        ({"schema": 1, "rules": [], "version": 3}, "version"),
    ],
)
def test_document_errors(document, where):
    assert list(errors_of(document)) == [where]


@pytest.mark.parametrize(
    ("changes", "where"),
    [
        ({"id": "Price rule"}, "id"),
        ({"id": ""}, "id"),
        ({"priority": 1.5}, "priority"),
        ({"offers": ["pause_2m", "pause_2m"]}, "offers"),
        ({"offers": ["Pause 2m"]}, "offers"),
        ({"when": {"field": "mrr"}}, "when"),
    ],
)
def test_rule_errors(changes, where):
    assert list(errors_of(with_rule(**changes))["rules"][0]) == [where]


@pytest.mark.parametrize("offer", DEFAULT_OFFERS, ids=lambda o: o["key"])
def test_seeded_offers_are_valid(offer):
    assert OfferSchema().load(offer)["key"] == offer["key"]


def offer(type_, params, **extra) -> dict:
    return {"key": "o", "type": type_, "params": params, "copy": {"en": {"title": "T"}}} | extra


@pytest.mark.parametrize(
    ("type_", "params"),
    [
        ("discount", {"percent": 100, "months": 1}),
        ("discount", {"amount": 500, "months": 12}),
        ("pause", {"months": 12}),
        ("downgrade", {"targets": {"pro": {"plan": "starter", "amount": 1900, "name": "Starter"}}}),
        ("downgrade", {"targets": {}, "proration_behavior": "none"}),
        ("trial_extension", {"days": 14}),
        ("training", {"url": "https://example.com/videos"}),
        ("concierge", {"url": "http://localhost:5000/book"}),
        ("contact", {"url": "mailto:help@example.com"}),
        ("redirect", {"url": "https://example.com/help?topic=billing"}),
    ],
)
def test_offer_params_valid(type_, params):
    loaded = OfferSchema().load(offer(type_, params))
    assert loaded["params"].items() >= params.items()


@pytest.mark.parametrize(
    ("type_", "params", "where"),
    [
        ("discount", {"percent": 0, "months": 3}, "percent"),
        ("discount", {"percent": 101, "months": 3}, "percent"),
        ("discount", {"percent": 25}, "months"),
        ("discount", {"percent": 25, "amount": 100, "months": 3}, "percent"),
        ("discount", {"months": 3}, "percent"),
        ("discount", {"percent": 25.5, "months": 3}, "percent"),
        ("discount", {"percent": 25, "months": 0}, "months"),
        ("pause", {"months": 13}, "months"),
        ("pause", {"months": 2, "days": 3}, "days"),
        ("downgrade", {"targets": {"pro": {"plan": "starter"}}}, "targets"),
        ("downgrade", {"targets": {"pro": {"plan": "pro", "amount": 1}}}, "targets"),
        ("downgrade", {"targets": {}, "proration_behavior": "sometimes"}, "proration_behavior"),
        ("trial_extension", {"days": 0}, "days"),
        ("training", {"url": "javascript:alert(1)"}, "url"),
        ("contact", {"url": "mailto:not-an-address"}, "url"),
        ("redirect", {}, "url"),
    ],
)
def test_offer_params_invalid(type_, params, where):
    with pytest.raises(ValidationError) as info:
        OfferSchema().load(offer(type_, params))
    assert list(info.value.messages) == ["params"]
    assert where in info.value.messages["params"]


@pytest.mark.parametrize(
    ("changes", "where"),
    [
        ({"key": "Big Discount"}, "key"),
        ({"type": "coupon"}, "type"),
        ({"copy": {"zh-Hans": {"title": "标题"}}}, "copy"),
        ({"copy": {"en": {"title": "x" * 121}}}, "copy"),
        ({"copy": {"en": {"title": "T", "body": "x" * 1001}}}, "copy"),
        ({"copy": {"en": {"title": "T"}, "fr": {"title": "T"}}}, "copy"),
    ],
)
def test_offer_errors(changes, where):
    with pytest.raises(ValidationError) as info:
        OfferSchema().load(offer("pause", {"months": 2}) | changes)
    assert list(info.value.messages) == [where]


def test_offer_defaults():
    loaded = OfferSchema().load(offer("downgrade", {}))
    assert loaded["params"] == {"targets": {}, "proration_behavior": "create_prorations"}
    assert loaded["copy"] == {"en": {"title": "T", "body": ""}} and loaded["active"] is True
