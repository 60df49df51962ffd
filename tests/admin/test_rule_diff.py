"""The readable diff and the plain-language summaries, on hand-made documents (no database)."""

import pytest

from saveflow.admin.rule_diff import diff_documents, json_diff
from saveflow.admin.rule_text import Vocabulary, describe_condition, describe_rule
from saveflow.admin.rule_values import BadValue, format_value, parse_value

WORDS = Vocabulary(
    categories={"too_expensive": "Too expensive", "budget_cut": "Budget cut"},
    offers={"d25": "25% off for 3 months", "down": "Downgrade", "pause": "Pause"},
)


def rule(rule_id, priority=0, offers=("d25",), when=None, **more):
    return {
        "id": rule_id,
        "name": rule_id.title(),
        "priority": priority,
        "enabled": True,
        "when": when or [{"field": "category", "op": "eq", "value": "too_expensive"}],
        "offers": list(offers),
        **more,
    }


def doc(*rules, **more):
    return {"schema": 1, "rules": list(rules), **more}


def test_the_summary_reads_like_a_sentence():
    expensive = rule(
        "big",
        offers=("d25", "down"),
        when=[
            {"field": "category", "op": "eq", "value": "too_expensive"},
            {"field": "mrr", "op": "gte", "value": 5000},
        ],
    )
    assert describe_rule(expensive, WORDS) == (
        "When the reason is “Too expensive” and MRR ≥ 50 → offer 25% off for 3 months, "
        "else Downgrade"
    )
    everyone = {"id": "all", "when": [], "offers": []}
    assert describe_rule(everyone, WORDS) == "For every cancel → show no offer"
    tested = {"id": "x", "experiment": {"key": "price"}, "offers": ["d25"]}
    assert "run experiment “price”" in describe_rule(tested, WORDS)


@pytest.mark.parametrize(
    "condition, words",
    [
        ({"field": "voluntary", "op": "eq", "value": False}, "the cancel is not voluntary"),
        ({"field": "influenceable", "op": "ne", "value": False}, "the cancel is influenceable"),
        (
            {"field": "category", "op": "in", "value": ["too_expensive", "budget_cut", "x"]},
            "the reason is “Too expensive”, “Budget cut” or “x”",
        ),
        ({"field": "plan", "op": "not_in", "value": ["a", "b"]}, "Plan is neither “a” nor “b”"),
        ({"field": "mrr", "op": "between", "value": [1999, 5000]}, "MRR is between 19.99 and 50"),
        ({"field": "tenure_days", "op": "lt", "value": 30}, "Tenure (days) < 30"),
        ({"field": "country", "op": "exists"}, "Country is known"),
        ({"field": "attributes.seats", "op": "gt", "value": 5}, "attribute “seats” > 5"),
        (
            {"field": "days_since_accepted.discount", "op": "missing"},
            "never accepted a discount offer",
        ),
        (
            {"field": "days_since_accepted.pause", "op": "lt", "value": 90},
            "days since accepting a pause offer < 90",
        ),
    ],
)
def test_conditions_in_words(condition, words):
    assert describe_condition(condition, WORDS) == words


def test_a_diff_names_added_removed_changed_and_moved_rules():
    old = doc(
        rule("a", 30),
        rule("b", 20),
        rule("c", 10, offers=("d25", "down")),
        rule("gone", 5),
        max_offers=2,
    )
    new = doc(
        rule("b", 30),  # raised to a's priority and placed first: now runs first
        rule("a", 30, name="Alpha"),
        rule(
            "c",
            10,
            offers=("pause",),
            enabled=False,
            when=[
                {"field": "category", "op": "eq", "value": "too_expensive"},
                {"field": "mrr", "op": "gte", "value": 5000},
            ],
        ),
        rule("new", 1),
    )
    diff = diff_documents(old, new, WORDS)
    kinds = [(c.kind, c.rule_id) for c in diff.rules]
    assert kinds == [
        ("changed", "b"),
        ("changed", "a"),
        ("changed", "c"),
        ("added", "new"),
        ("removed", "gone"),
    ]
    by = diff.by_rule()
    assert by["b"].changes == ["Priority 20 → 30", "Moved from position 2 to 1"]
    assert by["a"].changes == ["Renamed from “A” to “Alpha”", "Moved from position 1 to 2"]
    assert by["c"].changes == [
        "Switched off",
        "Condition added: MRR ≥ 50",
        "Offers: offer 25% off for 3 months, else Downgrade → offer Pause",
    ]
    assert diff.settings == ["Offers per session at most: 2 → the app's setting"]
    assert not diff.empty


def test_a_pure_move_is_called_a_move():
    old = doc(rule("a", 10), rule("b", 10))
    new = doc(rule("b", 10), rule("a", 10))
    diff = diff_documents(old, new, WORDS)
    assert [(c.kind, c.rule_id, c.changes) for c in diff.rules] == [
        ("moved", "b", ["Moved from position 2 to 1"]),
        ("moved", "a", ["Moved from position 1 to 2"]),
    ]


def test_inserting_a_rule_does_not_mark_the_others_moved():
    old = doc(rule("a", 20), rule("b", 10))
    new = doc(rule("a", 20), rule("x", 15), rule("b", 10))
    assert [(c.kind, c.rule_id) for c in diff_documents(old, new, WORDS).rules] == [("added", "x")]


def test_conditions_removed_and_reordered_and_experiments():
    two = [
        {"field": "category", "op": "eq", "value": "too_expensive"},
        {"field": "plan", "op": "eq", "value": "pro"},
    ]
    old = doc(rule("a", when=two), rule("b"), rule("c", experiment={"key": "e1"}))
    new = doc(
        rule("a", when=list(reversed(two))),
        rule("b", when=two[1:], experiment={"key": "e2"}),
        rule("c", experiment={"key": "e1", "holdout": 0.2}),
    )
    by = diff_documents(old, new, WORDS).by_rule()
    assert by["a"].changes == ["Conditions reordered"]
    assert by["b"].changes == [
        "Condition added: Plan is “pro”",
        "Condition removed: the reason is “Too expensive”",
        "Experiment “e2” added",
    ]
    assert by["c"].changes == ["Experiment “e1” changed (variants, weights or holdout)"]


def test_identical_documents_and_no_documents():
    assert diff_documents(doc(rule("a")), doc(rule("a")), WORDS).empty
    assert diff_documents(None, None, WORDS).empty
    assert [c.kind for c in diff_documents(None, doc(rule("a")), WORDS).rules] == ["added"]
    assert json_diff(doc(rule("a")), doc(rule("a")), "v1", "v2") == ""
    text = json_diff(doc(rule("a")), doc(rule("a", offers=("down",))), "v1", "v2")
    assert text.startswith("--- v1\n+++ v2\n")
    assert '-        "d25"' in text and '+        "down"' in text


@pytest.mark.parametrize(
    "field, op, text, value",
    [
        ("mrr", "gte", "50", 5000),
        ("mrr", "between", "19.99, 50", [1999, 5000]),
        ("mrr", "between", "10 to 20", [1000, 2000]),
        ("amount", "in", "9, 19.5", [900, 1950]),
        ("confidence", "gt", "0.75", 0.75),
        ("tenure_days", "gte", "1_000", 1000),
        ("voluntary", "eq", "No", False),
        ("influenceable", "in", "yes, no", [True, False]),
        ("category", "eq", "budget cut", "budget_cut"),
        ("country", "in", "US, ca", ["US", "ca"]),
        ("attributes.n", "eq", "3", 3),
        ("attributes.n", "eq", '"3"', "3"),
        ("attributes.n", "eq", "TRUE", True),
        ("attributes.n", "eq", "gold", "gold"),
        ("attributes.n", "exists", "whatever", None),
    ],
)
def test_typed_values(field, op, text, value):
    assert parse_value(field, op, text, WORDS.categories) == value
    if value is not None and field != "category" and text != "1_000":
        again = parse_value(field, op, format_value(field, value), WORDS.categories)
        assert again == value


@pytest.mark.parametrize(
    "field, op, text",
    [
        ("mrr", "gte", ""),
        ("mrr", "gte", "NaN"),
        ("mrr", "gte", "1.234"),
        ("mrr", "between", "1"),
        ("voluntary", "eq", "perhaps"),
        ("quantity", "in", "1, x"),
    ],
)
def test_values_that_do_not_fit(field, op, text):
    with pytest.raises(BadValue):
        parse_value(field, op, text)
