import math
from collections import Counter
from datetime import timedelta

import pytest

from saveflow.offers.catalog import DEFAULT_OFFER_FOR_TYPE
from saveflow.offers.rules import (
    HOLDOUT,
    Decision,
    Policy,
    assign_variant,
    compile_rule_set,
    default_rule_set,
    eligible,
    evaluate,
    policy_from_settings,
)
from saveflow.reasons.taxonomy import CATEGORIES
from tests.offers.factories import NOW, OFFERS, POLICY, cond, doc, make_ctx, rule


def test_priority_descending_with_ties_in_document_order():
    rules = doc(
        rule("low", ["training"], priority=1),
        rule("tie_first", ["contact"], priority=5),
        rule("tie_second", ["concierge"], priority=5),
    )
    assert evaluate(rules, make_ctx(), OFFERS, POLICY).rule_id == "tie_first"


def test_disabled_rules_are_skipped():
    rules = doc(rule("off", ["contact"], priority=9, enabled=False), rule("on", ["training"]))
    decision = evaluate(rules, make_ctx(), OFFERS, POLICY)
    assert (decision.rule_id, decision.offers) == ("on", ("training",))


def test_first_match_decides_even_when_all_its_offers_are_ineligible():
    rules = doc(
        rule("price", ["discount_25_3m"], [cond("category", "eq", "too_expensive")], 10),
        rule("fallback", ["contact"]),
    )
    ctx = make_ctx(snapshot={"discount": {"percent_off": 20}})
    decision = evaluate(rules, ctx, OFFERS, POLICY)
    assert decision == Decision("price", None, (), (("discount_25_3m", "discount_active"),))


def test_no_matching_rule_gives_no_offers():
    rules = doc(rule("other", ["contact"], [cond("category", "eq", "other")]))
    assert evaluate(rules, make_ctx(), OFFERS, POLICY) == Decision(None, None, (), ())


@pytest.mark.parametrize(
    ("ctx_changes", "policy_settings", "offer", "reason"),
    [
        ({"history": {"discount": NOW - timedelta(days=364)}}, {}, "discount_25_3m", "cooldown"),
        ({"history": {"discount": NOW - timedelta(days=365)}}, {}, "discount_25_3m", None),
        (
            {"history": {"discount": NOW - timedelta(days=40)}},
            {"cooldown_days": {"discount": 30}},
            "discount_25_3m",
            None,
        ),
        ({"history": {"contact": NOW}}, {}, "contact", None),  # no cooldown for contact
        ({"snapshot": {"discount": {"percent_off": 10}}}, {}, "discount_25_3m", "discount_active"),
        ({"snapshot": {"interval": "year"}}, {}, "pause_2m", "pause_annual"),
        ({"snapshot": {"interval_count": 12}}, {}, "pause_2m", "pause_annual"),
        ({"snapshot": {"interval": "year"}}, {"allow_pause_annual": True}, "pause_2m", None),
        ({"snapshot": {"interval": "month"}}, {}, "pause_2m", None),
        ({}, {}, "downgrade", "no_downgrade_target"),
        ({}, {}, "downgrade_pro", None),
        ({"snapshot": {"plan": "starter"}}, {}, "downgrade_pro", "no_downgrade_target"),
        ({}, {}, "trial_14", "not_trialing"),
        ({"snapshot": {"status": "trialing"}}, {}, "trial_14", None),
        ({"snapshot": {"paused_until": "2027-01-01T00:00:00+00:00"}}, {}, "pause_2m", "already_paused"),
    ],
)
def test_eligibility(ctx_changes, policy_settings, offer, reason):
    policy = policy_from_settings(policy_settings, "standard")
    assert eligible(OFFERS[offer], make_ctx(**ctx_changes), policy) == reason


def test_decision_reports_unknown_duplicate_and_max_offers():
    rules = doc(rule("r", ["nope", "discount_25_3m", "discount_50_1m", "contact", "training"]))
    decision = evaluate(rules, make_ctx(), OFFERS, POLICY)
    assert decision.offers == ("discount_25_3m", "contact")
    assert decision.skipped == (
        ("nope", "unknown_offer"),
        ("discount_50_1m", "duplicate_type"),
        ("training", "max_offers"),
    )
    assert decision.to_dict()["skipped"][0] == {"offer": "nope", "reason": "unknown_offer"}


@pytest.mark.parametrize(
    ("mode", "settings", "expected"),
    [
        ("standard", {}, ("discount_25_3m", "contact")),
        ("standard", {"max_offers": 3}, ("discount_25_3m", "contact", "training")),
        ("one_save", {"max_offers": 3}, ("discount_25_3m",)),
        ("direct", {"max_offers": 3}, ()),
    ],
)
def test_max_offers_by_compliance_mode(mode, settings, expected):
    rules = doc(rule("r", ["discount_25_3m", "contact", "training"]))
    decision = evaluate(rules, make_ctx(), OFFERS, policy_from_settings(settings, mode))
    assert decision.offers == expected
    assert [key for key, reason in decision.skipped if reason == "max_offers"] == [
        key for key in ("discount_25_3m", "contact", "training") if key not in expected
    ]


def test_document_max_offers_can_only_tighten_the_policy():
    rules = doc(rule("r", ["discount_25_3m", "contact"]), max_offers=1)
    assert evaluate(rules, make_ctx(), OFFERS, POLICY).offers == ("discount_25_3m",)
    loose = doc(rule("r", ["discount_25_3m", "contact"]), max_offers=5)
    one = policy_from_settings({"max_offers": 1}, "standard")
    assert evaluate(loose, make_ctx(), OFFERS, one).offers == ("discount_25_3m",)


def test_policy_from_settings():
    policy = policy_from_settings(
        {"max_offers": 3, "cooldown_days": {"pause": 30, "training": 7}, "allow_pause_annual": 1},
        "standard",
    )
    assert policy == Policy(
        3,
        {"discount": 365, "pause": 30, "trial_extension": 365, "downgrade": 90, "training": 7},
        True,
    )
    assert policy_from_settings(None, "one_save").max_offers == 1
    assert policy_from_settings({"max_offers": 0}, "one_save").max_offers == 0
    with pytest.raises(ValueError):
        policy_from_settings({}, "aggressive")


EXPERIMENT = {
    "key": "price-2026q4",
    "holdout": 0.1,
    "variants": [
        {"name": "control", "weight": 1, "offers": ["discount_25_3m"]},
        {"name": "pause-first", "weight": 3, "offers": ["pause_2m", "discount_25_3m"]},
    ],
}


def test_assignment_is_deterministic_and_salted():
    first = [assign_variant("app_1", f"cus_{i}", EXPERIMENT) for i in range(200)]
    assert first == [assign_variant("app_1", f"cus_{i}", EXPERIMENT) for i in range(200)]
    other_app = [assign_variant("app_2", f"cus_{i}", EXPERIMENT) for i in range(200)]
    assert first != other_app


def test_assignment_distribution_matches_weights():
    n = 10_000
    counts = Counter(assign_variant("app_1", f"cus_{i}", EXPERIMENT) for i in range(n))
    expected = {HOLDOUT: 0.1, "control": 0.9 * 1 / 4, "pause-first": 0.9 * 3 / 4}
    for name, share in expected.items():
        # Each count is Binomial(n, share); a sound hash lands within 4 standard deviations
        # (at most 60 customers here) with probability > 99.99%, so a miss means a biased split.
        sd = math.sqrt(n * share * (1 - share))
        assert abs(counts[name] - n * share) <= 4 * sd, (name, counts)


def test_experiment_variant_replaces_offers_and_holdout_sees_none():
    rules = doc(rule("price", ["contact"], experiment=EXPERIMENT))
    seen = {}
    for i in range(100):
        ctx = make_ctx(customer=f"cus_{i}")
        decision = evaluate(rules, ctx, OFFERS, POLICY, seed="app_1")
        assert decision.variant == assign_variant("app_1", ctx.customer, EXPERIMENT)
        assert decision.experiment == "price-2026q4"
        seen[decision.variant] = decision
    assert seen[HOLDOUT].offers == () and seen[HOLDOUT].skipped == ()
    assert seen["control"].offers == ("discount_25_3m",)
    assert seen["pause-first"].offers == ("pause_2m", "discount_25_3m")


def test_direct_mode_does_not_enter_the_experiment():
    rules = doc(rule("price", ["contact"], experiment=EXPERIMENT))
    decision = evaluate(rules, make_ctx(), OFFERS, policy_from_settings({}, "direct"), seed="a")
    assert (decision.rule_id, decision.variant, decision.offers) == ("price", None, ())


def test_default_rule_set_covers_every_category_with_offers():
    rules = default_rule_set()
    by_category = {r["when"][0]["value"]: r["offers"] for r in rules["rules"]}
    for key, category in CATEGORIES.items():
        types = [t for t in category.default_offer_types if t in DEFAULT_OFFER_FOR_TYPE]
        assert by_category.get(key, []) == [DEFAULT_OFFER_FOR_TYPE[t] for t in types]
    priorities = [r["priority"] for r in rules["rules"]]
    assert priorities == sorted(priorities, reverse=True) and len(set(priorities)) == len(
        rules["rules"]
    )
    assert rules["max_offers"] == 2 and "payment_problem" not in by_category


def test_default_rule_set_decides_by_category():
    rules = default_rule_set()
    ctx = make_ctx(classification={"category": "budget_cut"})
    decision = evaluate(rules, ctx, OFFERS, POLICY)
    assert decision == Decision(
        "budget_cut", None, ("pause_2m",), (("downgrade", "no_downgrade_target"),)
    )
    custom = default_rule_set({"pause": "pause_1m", "downgrade": "downgrade_pro"})
    assert [r["id"] for r in custom["rules"]] == [
        "too_expensive",
        "not_using",
        "temporary_need",
        "budget_cut",
    ]


def test_compiled_rule_set_is_detached_from_its_document():
    document = doc(rule("r", ["contact"], [cond("category", "in", ["too_expensive"])]))
    compiled = compile_rule_set(document)
    document["rules"][0]["when"][0]["value"].append("x")
    document["rules"][0]["offers"].append("training")
    assert evaluate(compiled, make_ctx(), OFFERS, POLICY).offers == ("contact",)


def test_evaluating_an_edited_document_never_uses_a_stale_compilation():
    document = doc(rule("r", ["contact"], [cond("category", "eq", "too_expensive")]))
    assert evaluate(document, make_ctx(), OFFERS, POLICY).offers == ("contact",)
    document["rules"][0]["offers"] = ["training"]  # same rule ids, edited in place
    assert evaluate(document, make_ctx(), OFFERS, POLICY).offers == ("training",)
    look_alike = doc(rule("r", ["concierge"], [cond("category", "eq", "too_expensive")]))
    assert evaluate(look_alike, make_ctx(), OFFERS, POLICY).offers == ("concierge",)
    assert evaluate(document, make_ctx(), OFFERS, POLICY).offers == ("training",)
