"""`saveflow classify-build` and `saveflow classify-eval` from the command line."""

import re

from saveflow.reasons import cli, training
from saveflow.reasons.learn import corpus
from saveflow.reasons.learn.base import base_model
from saveflow.reasons.learn.model import TextModel
from saveflow.reasons.learn.train import Settings


def test_classify_eval_prints_locales_categories_confusions_and_the_old_sets(app):
    out = app.test_cli_runner().invoke(args=["saveflow", "classify-eval"]).output
    _train, test = corpus.split(corpus.load())
    assert f"Corpus, test split: {len(test)} rows" in out
    for locale in ("en", "zh-Hans", "zh-Hant"):
        n = sum(r.locale == locale for r in test)
        assert re.search(rf"^{locale}\s+\d+\.\d% \(\d+/{n}\)\s+\d+\.\d% \(\d+/{n}\)$", out, re.M)
    assert "confusion (rows: primary label, columns: predicted)" in out
    assert re.search(r"^too_expensive\s+\d+\.\d% \(\d+/\d+\)$", out, re.M)
    assert "lexicon holdout (never tuned on)" in out
    assert "warning" not in out  # the shipped model is the corpus's


def test_classify_eval_lists_the_misses_on_request(app):
    out = app.test_cli_runner().invoke(args=["saveflow", "classify-eval", "--misses"]).output
    assert "misses:" in out and "labelled" in out


def test_classify_build_writes_a_model_from_the_training_families(app, tmp_path, monkeypatch):
    target = tmp_path / "model.json.gz"
    monkeypatch.setattr(cli, "MODEL_PATH", target)
    monkeypatch.setattr(training, "GRID", (Settings(l2=1e-4, rounds=40),))
    monkeypatch.setattr(training, "FLOORS", (0.0,))
    monkeypatch.setattr(training, "BLENDS", (0.2,))
    monkeypatch.setattr(training, "TEMPERATURES", (2.0,))
    monkeypatch.setattr(training, "FOLDS", 2)
    result = app.test_cli_runner().invoke(args=["saveflow", "classify-build"])
    assert result.exit_code == 0, result.output
    assert f"Wrote {target.name}" in result.output
    written = TextModel.load(target)
    train, _test = corpus.split(corpus.load())
    assert written.meta["train_rows"] == len(train)
    assert written.meta["settings"]["l2"] == 1e-4
    assert list(written.meta["cross_validation"]) == ["l2=0.0001 bayes=0.2 t=2 floor=0"]
    assert (written.meta["settings"]["nb_weight"], written.meta["settings"]["temperature"]) == (
        0.2,
        2.0,
    )
    base_model.cache_clear()  # the build cleared it; later tests load the shipped file again
