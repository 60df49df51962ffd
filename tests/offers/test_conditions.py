from datetime import timedelta

import pytest

from saveflow.offers.rules import matches
from tests.offers.factories import NOW, cond, make_ctx


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        (cond("category", "eq", "too_expensive"), True),
        (cond("category", "eq", "not_using"), False),
        (cond("category", "ne", "not_using"), True),
        (cond("category", "ne", "too_expensive"), False),
        (cond("category", "in", ["budget_cut", "too_expensive"]), True),
        (cond("category", "in", ["budget_cut"]), False),
        (cond("category", "not_in", ["budget_cut"]), True),
        (cond("category", "not_in", ["too_expensive"]), False),
        (cond("mrr", "gt", 4899), True),
        (cond("mrr", "gt", 4900), False),
        (cond("mrr", "gte", 4900), True),
        (cond("mrr", "gte", 4901), False),
        (cond("mrr", "lt", 4901), True),
        (cond("mrr", "lt", 4900), False),
        (cond("mrr", "lte", 4900), True),
        (cond("mrr", "lte", 4899), False),
        (cond("mrr", "between", [4900, 5000]), True),  # inclusive at both ends
        (cond("mrr", "between", [1000, 4900]), True),
        (cond("mrr", "between", [4901, 9000]), False),
        (cond("country", "exists"), True),
        (cond("country", "missing"), False),
        (cond("attributes.segment", "contains", "mb"), True),
        (cond("attributes.segment", "contains", "ent"), False),
        (cond("plan", "contains", "PRO"), False),  # exact, case-sensitive
        (cond("voluntary", "eq", True), True),
        (cond("influenceable", "eq", False), False),
        (cond("confidence", "gte", 0.9), True),
        (cond("amount", "eq", 4900), True),
        (cond("currency", "eq", "usd"), True),
        (cond("interval", "in", ["month", "week"]), True),
        (cond("interval_count", "eq", 1), True),
        (cond("quantity", "gt", 1), False),
        (cond("status", "eq", "active"), True),
        (cond("locale", "eq", "en"), True),
        (cond("tenure_days", "between", [399, 400]), True),
        (cond("tenure_days", "gt", 400), False),
        (cond("attributes.seats", "gte", 10), True),
        (cond("attributes.beta", "eq", True), True),
    ],
)
def test_condition_ops(condition, expected):
    assert matches([condition], make_ctx()) is expected


# A missing value satisfies only missing, ne and not_in (the negations of eq and in).
@pytest.mark.parametrize(
    ("op", "value", "expected"),
    [
        ("eq", "x", False),
        ("ne", "x", True),
        ("in", ["x"], False),
        ("not_in", ["x"], True),
        ("gt", 0, False),
        ("gte", 0, False),
        ("lt", 0, False),
        ("lte", 0, False),
        ("between", [0, 10], False),
        ("contains", "x", False),
        ("exists", None, False),
        ("missing", None, True),
    ],
)
@pytest.mark.parametrize(
    "field", ["country", "attributes.unknown", "tenure_days", "days_since_accepted.discount"]
)
def test_missing_value_semantics(field, op, value, expected):
    ctx = make_ctx(country=None, snapshot={"started_at": None})
    assert matches([cond(field, op, value)], ctx) is expected


def test_influenceable_unknown_is_missing():
    ctx = make_ctx(classification={"influenceable": None})
    assert matches([cond("influenceable", "missing")], ctx)
    assert not matches([cond("influenceable", "eq", False)], ctx)


def test_days_since_accepted_counts_whole_days():
    ctx = make_ctx(history={"discount": NOW - timedelta(days=200, hours=23)})
    assert matches([cond("days_since_accepted.discount", "eq", 200)], ctx)
    assert matches([cond("days_since_accepted.discount", "gt", 180)], ctx)
    assert matches([cond("days_since_accepted.pause", "missing")], ctx)


def test_tenure_accepts_iso_strings_and_naive_datetimes():
    iso = make_ctx(snapshot={"started_at": (NOW - timedelta(days=30)).isoformat()})
    naive = make_ctx(snapshot={"started_at": (NOW - timedelta(days=30)).replace(tzinfo=None)})
    for ctx in (iso, naive):
        assert matches([cond("tenure_days", "eq", 30)], ctx)


@pytest.mark.parametrize(
    ("attributes", "condition"),
    [
        ({"seats": "ten"}, cond("attributes.seats", "gt", 5)),
        ({"seats": True}, cond("attributes.seats", "eq", 1)),  # booleans never equal numbers
        ({"seats": True}, cond("attributes.seats", "gte", 1)),
        ({"seats": [1, 2]}, cond("attributes.seats", "in", [1, 2])),  # unhashable: no error
        ({"seats": 5}, cond("attributes.seats", "contains", "5")),
    ],
)
def test_mismatched_host_data_never_matches_and_never_raises(attributes, condition):
    assert not matches([condition], make_ctx(attributes=attributes))


def test_all_conditions_must_match_and_empty_matches_everything():
    ctx = make_ctx()
    assert matches([], ctx)
    assert matches([cond("mrr", "gte", 100), cond("country", "eq", "US")], ctx)
    assert not matches([cond("mrr", "gte", 100), cond("country", "eq", "CA")], ctx)
