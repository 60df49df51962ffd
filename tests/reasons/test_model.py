"""The statistical model: reproducible from the corpus, explainable, and never a billing path
for a price complaint."""

import gzip
import json

import numpy as np
import pytest

from saveflow.reasons import training
from saveflow.reasons.classify import PAYMENT_SURE, classify, classify_text
from saveflow.reasons.learn import corpus
from saveflow.reasons.learn.base import MODEL_PATH, base_model
from saveflow.reasons.learn.model import TextModel
from saveflow.reasons.learn.train import Settings, fit
from saveflow.reasons.payment_wording import states_payment_failure


@pytest.fixture(scope="module")
def rows():
    return corpus.load()


def test_the_shipped_model_was_built_from_this_corpus_and_retrains_to_the_same_weights(rows):
    shipped = base_model()
    assert shipped.meta["corpus"] == corpus.fingerprint(rows), "run classify-build"
    assert shipped.meta["test_families"] == sorted(corpus.TEST_FAMILIES)
    train, test = corpus.split(rows)
    assert shipped.meta["train_rows"] == len(train) and test
    chosen = shipped.meta["settings"]
    settings = Settings(**{k: chosen[k] for k in Settings.__dataclass_fields__})
    again = training.fit_rows(train, settings)
    assert again.names == shipped.names and again.classes == shipped.classes
    # The file keeps four decimals; a retrain on any machine lands within rounding of it.
    assert np.abs(again.weights - shipped.weights).max() < 1e-3
    assert np.abs(again.counts - shipped.counts).max() < 1e-3


def test_the_model_file_is_deterministic_json_with_no_timestamp(tmp_path):
    model = base_model()
    first, second = tmp_path / "a.json.gz", tmp_path / "b.json.gz"
    model.save(first)
    TextModel.load(first).save(second)
    assert first.read_bytes() == second.read_bytes()
    body = json.loads(gzip.decompress(MODEL_PATH.read_bytes()))
    assert set(body) == {"format", "meta", "classes", "features", "counts"}


def test_no_test_family_row_is_in_training(rows):
    train, test = corpus.split(rows)
    assert {r.family for r in test} == corpus.TEST_FAMILIES
    assert not {r.text for r in train} & {r.text for r in test}
    for locale in ("en", "zh-Hans", "zh-Hant"):
        assert any(r.locale == locale for r in test), locale


def test_fit_is_deterministic_and_learns_what_it_is_shown():
    texts = [("way too pricey", "too_expensive"), ("too expensive for us", "too_expensive")] * 3
    texts += [
        ("app crashes on start", "technical_issues"),
        ("keeps crashing", "technical_issues"),
    ] * 3
    examples = [training.example(t, (c,)) for t, c in texts]
    one = fit(examples, training.CLASSES, Settings(rounds=60))
    two = fit(examples, training.CLASSES, Settings(rounds=60))
    assert np.array_equal(one.weights, two.weights)
    assert classify_text("so pricey", model=one).category == "too_expensive"
    assert classify_text("it crashes", model=one).category == "technical_issues"


@pytest.mark.parametrize(
    "text",
    [
        "the overage charges are killing us",
        "got billed $212 for what used to be $89, cancelling",
        "charged again after I cancelled, want a refund",
        "the renewal invoice was way more than last year",
        "每个月自动扣费太多了",
        "续费涨价了，不想被扣款",
        "月費又漲，扣款金額看了傻眼",
        "billing issues",
    ],
)
def test_a_price_complaint_with_money_words_never_reaches_the_billing_path(text):
    assert not states_payment_failure(text)
    assert classify_text(text).category != "payment_problem"
    assert classify("other", text).voluntary is True


@pytest.mark.parametrize(
    "text",
    [
        "my card got declined",
        "card expired and I can't update it",
        "insufficient funds this month",
        "bank blocked the charge",
        "扣款失败了",
        "信用卡过期了",
        "刷卡失敗",
        "張卡碌唔到",
    ],
)
def test_a_stated_payment_failure_is_the_billing_path(text):
    assert states_payment_failure(text)
    result = classify_text(text)
    assert (result.category, result.voluntary) == ("payment_problem", False)


def test_payment_problem_needs_failure_wording_or_near_certainty_across_the_corpus(rows):
    seen = 0
    for row in rows:
        result = classify_text(row.text, row.locale)
        if result.category == "payment_problem":
            seen += 1
            assert states_payment_failure(row.text) or result.confidence >= PAYMENT_SURE, row.text
    assert seen > 100


def test_every_result_quotes_the_customers_own_words(rows):
    explained = 0
    for row in rows[::7]:
        result = classify_text(row.text, row.locale)
        if result.category == "other":
            assert result.matched == ()
            continue
        assert result.matched, row.text
        quoted = [m for m in result.matched if m in row.text]
        assert quoted, (row.text, result.matched)  # at least one span as the customer wrote it
        explained += 1
    assert explained > 100
