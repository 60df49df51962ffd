import json
from dataclasses import replace

import pytest

from saveflow.reasons.classify import (
    REVIEW_BELOW,
    Classification,
    classify,
    classify_text,
    lexicon_scan,
    normalize,
)
from saveflow.reasons.lexicon import DEFAULT_LEXICON, TRAD_TO_SIMP
from saveflow.reasons.lexicon_en import EN
from saveflow.reasons.lexicon_zh import ZH_HANS, ZH_HANT
from saveflow.reasons.taxonomy import CATEGORIES

# --- normalize ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ＴＯＯ　Ｅｘｐｅｎｓｉｖｅ！！", "too expensiv"),  # full width, case, punctuation
        ("I don’t   use it", "i dont use it"),  # curly apostrophe, whitespace
        ("using, used; uses", "use use use"),
        ("Switched to X, switching back", "switch to x switch back"),
        ("cancelled: prices & pricing", "cancell pric pric"),
        ("Do not use it", "dont use it"),
        ("太貴了，不值得！", "太贵了 不值得"),  # Traditional folded, full-width punctuation
        ("app 一直 crash…", "app 一直 crash"),
        ("  \n ", ""),
    ],
)
def test_normalize(text, expected):
    assert normalize(text) == expected


def test_normalize_meets_lexicon_inflections():
    assert normalize("logged") == normalize("logging") == normalize("log")
    assert normalize("crashes") == normalize("crashed") == normalize("crash")
    assert normalize("companies") == normalize("company")


# --- free text ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("not too expensive, I just don't use it", "not_using"),
        ("It's not the price, it's that the app is so slow", "technical_issues"),
        ("Price is fine but support never replied", "poor_support"),
        ("not because of the price, we switched to a competitor", "switched_competitor"),
        ("I haven't really used it", "not_using"),  # negated cue of "not using"
        ("didn't get a response from anyone", "poor_support"),
        ("不贵，就是用不上", "not_using"),
        ("不是因为价格，是太难用了", "too_complex"),
        ("价格倒不贵，就是功能太少", "missing_feature"),
        ("太貴了", "too_expensive"),  # Traditional text, any script's phrase
        ("太贵了 too expensive for us", "too_expensive"),
        ("its to expensve", "too_expensive"),  # typos
        ("card declined", "payment_problem"),
    ],
)
def test_classify_text(text, category):
    assert classify_text(text).category == category


# --- the lexicon (one input of the model; its negation rules are its own) ------------------


@pytest.mark.parametrize("text", ["isn't expensive", "it's not the price", "不贵", "不是因为价格"])
def test_negated_phrase_does_not_count(text):
    assert "too_expensive" not in lexicon_scan(text)


def test_self_negating_phrase_matches_whole_and_negation_is_dropped():
    assert lexicon_scan("not too expensive, I just don't use it") == {
        "not_using": (2.0, ["dont use"])
    }


def test_typo_tolerance_stays_narrow():
    # Short words are never corrected ("chart" is one letter from the stem of "charge"),
    # nor listed real words ("extensive" is one letter from "expensive").
    assert list(lexicon_scan("extensive reporting")) == ["missing_feature"]
    assert lexicon_scan("the gantt chart") == {}
    assert "too_expensive" in lexicon_scan("its to expensve")


def test_custom_lexicon_replaces_the_default_phrases():
    lexicon = {"budget_cut": [("wobble", 1.0)], "too_expensive": [("widget", 3.0)]}
    found = lexicon_scan("the widget wobbles, too expensive", lexicon=lexicon)
    assert found == {"too_expensive": (3.0, ["widget"]), "budget_cut": (1.0, ["wobble"])}


@pytest.mark.parametrize("text", ["", "   ", "asdf", "no comment", "。。。"])
def test_text_that_names_nothing_is_other(text):
    result = classify_text(text)
    assert (result.category, result.confidence, result.matched) == ("other", 0.0, ())
    assert result.influenceable is None
    assert result.source == "none"


@pytest.mark.parametrize("text", ["meh", "Schrems II, sorry", "whatever", "k"])
def test_a_guess_from_next_to_nothing_is_unsure_and_goes_to_a_person(text):
    result = classify_text(text)
    assert result.category == "other" or result.confidence < REVIEW_BELOW


def test_confidence_grows_with_evidence_and_margin():
    weak = classify_text("a bit pricey")
    strong = classify_text("way too expensive, overpriced, can't afford it")
    mixed = classify_text("too expensive and too complicated")
    assert 0 < weak.confidence < strong.confidence <= 1
    assert mixed.confidence < classify_text("too expensive").confidence
    assert strong.confidence == round(strong.confidence, 2)


# --- classify: billing, reason, comment --------------------------------------------------


@pytest.mark.parametrize("status", ["past_due", "unpaid", "incomplete", "incomplete_expired"])
def test_billing_state_overrides_everything(status):
    result = classify("too_expensive", "switching to a competitor", billing_status=status)
    decided = Classification("payment_problem", False, True, 1.0, (), "billing")
    assert replace(result, comment=None) == decided
    assert result.comment is not None and result.comment.category == "switched_competitor"


def test_payment_problem_reason_is_involuntary():
    result = classify("payment_problem", billing_status="active")
    assert (result.category, result.voluntary, result.source) == (
        "payment_problem",
        False,
        "reason",
    )


def test_chosen_reason_wins_over_comment():
    result = classify("too_expensive", comment="we are switching to a competitor")
    assert replace(result, comment=None) == Classification(
        "too_expensive", True, True, 1.0, (), "reason"
    )
    # The comment's words are kept as a second signal; they disagree with the chosen reason.
    data = result.to_dict()
    assert data["category"] == "too_expensive"
    assert data["comment_category"] == "switched_competitor"
    assert any("switching to a competitor" in quote for quote in data["comment_matched"])
    assert classify("too_expensive").comment is None
    closed = classify("business_closed")
    assert (closed.voluntary, closed.influenceable) == (True, False)


@pytest.mark.parametrize("reason", ["other", None, "no_such_reason"])
def test_comment_classified_when_reason_is_open(reason):
    result = classify(reason, comment="we are moving abroad")
    assert (result.category, result.source, result.influenceable) == ("moved_away", "text", False)
    assert any("moving abroad" in quote for quote in result.matched)


def test_other_without_comment_is_unclassified():
    assert classify("other") == Classification("other", True, None, 0.0, (), "none")


def test_to_dict_is_json_ready():
    data = classify_text("card expired and the app keeps crashing").to_dict()
    assert list(data) == [
        "category",
        "voluntary",
        "influenceable",
        "confidence",
        "matched",
        "source",
    ]
    assert isinstance(data["matched"], list)
    assert json.loads(json.dumps(data)) == data


# --- lexicon data ------------------------------------------------------------------------


def test_lexicon_covers_every_category_in_three_scripts():
    expected = [key for key in CATEGORIES if key != "other"]
    assert list(DEFAULT_LEXICON) == expected
    for key in expected:
        assert any(p.isascii() for p, _ in EN[key]), key
        assert ZH_HANS[key] and not any(c in TRAD_TO_SIMP for p, _ in ZH_HANS[key] for c in p), key
        assert any(c in TRAD_TO_SIMP for p, _ in ZH_HANT[key] for c in p), key
        assert all(isinstance(p, str) and w > 0 for p, w in DEFAULT_LEXICON[key]), key


def test_zero_weight_phrase_is_ignored():
    lexicon = {"too_expensive": [("pricey", 0)], "not_using": [("idle", 1)]}
    assert lexicon_scan("pricey", lexicon=lexicon) == {}
    assert list(lexicon_scan("pricey and idle", lexicon=lexicon)) == ["not_using"]
