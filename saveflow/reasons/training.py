"""Build the base model from the corpus, reproducibly, choosing settings without the test split.

1. Split the corpus by family (`corpus.split`); set the test families aside.
2. Cross-validate over the training families: the families are dealt into `FOLDS` groups, and
   each setting in `GRID` is trained on all groups but one and scored on the one left out, with
   every naive-Bayes blend in `BLENDS` and probability floor in `FLOORS`, and the whole decision
   (payment-wording gate included) applied. The candidate with the best mean category accuracy
   over the three locales wins; voluntary accuracy breaks ties.
3. Train on every training row with the winning setting and write the model with what it was
   built from (corpus fingerprint, settings, cross-validation scores) in its `meta`.

The same corpus always gives the same file: no sampling, families dealt in sorted order.
"""

from collections.abc import Callable, Sequence
from dataclasses import asdict, replace
from pathlib import Path

import numpy as np

from saveflow.reasons.classify import classify_text, lexicon_scan, lexicon_scores
from saveflow.reasons.learn import corpus
from saveflow.reasons.learn.evaluate import Scores, score
from saveflow.reasons.learn.features import featurize
from saveflow.reasons.learn.model import TextModel
from saveflow.reasons.learn.train import Example, Settings, fit, targets
from saveflow.reasons.payment_wording import states_payment_failure
from saveflow.reasons.taxonomy import CATEGORIES, LOCALES

FOLDS = 4
GRID = (Settings(l2=3e-5), Settings(l2=1e-4))  # each is trained once per fold
BLENDS = (0.0, 0.2, 0.3)  # naive Bayes's share; scoring-time, so no retraining
FLOORS = (0.0, 0.15, 0.25)
CLASSES = tuple(CATEGORIES)

Progress = Callable[[int], object] | None


def example(text: str, categories: Sequence[str], lexicon=None, weight: float = 1.0) -> Example:
    found = lexicon_scan(text, lexicon)
    features = featurize(text, lexicon_scores(found), states_payment_failure(text))
    return Example(features, tuple(categories), weight)


def fit_rows(rows: Sequence[corpus.Row], settings: Settings, meta=None, extra=()) -> TextModel:
    """Train on corpus rows (and any extra examples, such as an app's own)."""
    examples = [example(r.text, r.categories) for r in rows] + list(extra)
    model = fit(examples, CLASSES, settings, meta)
    model.meta.setdefault("settings", {}).update(asdict(settings))
    return model


def with_floor(model: TextModel, floor: float, blend: float | None = None) -> TextModel:
    """Set the scoring-time settings: the probability floor and, if given, the Bayes blend."""
    chosen = model.meta.setdefault("settings", {})
    chosen["min_probability"] = floor
    if blend is not None:
        chosen["nb_weight"] = blend
    return model


def scores_of(model: TextModel, rows: Sequence[corpus.Row], lexicon=None) -> Scores:
    def run(row: corpus.Row) -> tuple[str, bool]:
        result = classify_text(row.text, row.locale, lexicon, model)
        return result.category, result.voluntary

    return score(rows, run)


def _deal(rows: Sequence[corpus.Row], k: int) -> list[set[str]]:
    """Deal the families into k groups, each locale's families spread round-robin."""
    groups: list[set[str]] = [set() for _ in range(k)]
    for locale in LOCALES:
        families = sorted({r.family for r in rows if r.locale == locale})
        for i, family in enumerate(families):
            groups[i % k].add(family)
    return groups


def _merit(scores: Scores) -> tuple[float, float]:
    locales = [scores.category[loc].accuracy for loc in LOCALES if loc in scores.category]
    return (sum(locales) / len(locales), scores.voluntary["all"].accuracy)


def _scored(pairs: list[tuple[corpus.Row, tuple[str, bool]]]) -> Scores:
    """Score answers already given, row by row."""
    answers = {id(row): answer for row, answer in pairs}
    return score([row for row, _ in pairs], lambda row: answers[id(row)])


TEMPERATURES = (1.0, 1.5, 2.0, 3.0, 4.0, 6.0, 8.0, 12.0, 16.0)


def _temperature(pairs: list[tuple[np.ndarray, np.ndarray]]) -> float:
    """Return the temperature that makes held-out probabilities honest (least log loss)."""

    def loss(t: float) -> float:
        total = 0.0
        for scores, target in pairs:
            scaled = scores / t
            log_probs = scaled - np.logaddexp.reduce(scaled)
            total -= float(target @ log_probs)
        return total

    return min(TEMPERATURES, key=loss)


def cross_validate(train: Sequence[corpus.Row], progress: Progress = None):
    """Return (best settings, best floor, {candidate: [category, voluntary] accuracy}).

    Per fold, each setting is trained once; each Bayes blend then gets the temperature that
    calibrates its held-out probabilities, and each floor is tried with it.
    """
    groups = _deal(train, FOLDS)
    fitted: dict[Settings, list[tuple[TextModel, list[corpus.Row]]]] = {}
    for settings in GRID:
        for held in groups:
            model = fit_rows([r for r in train if r.family not in held], settings)
            fitted.setdefault(settings, []).append((model, [r for r in train if r.family in held]))
            if progress:
                progress(1)
    table: dict[tuple[Settings, float], list[tuple[corpus.Row, tuple[str, bool]]]] = {}
    for settings, folds in fitted.items():
        for blend in BLENDS:
            scored = []
            for model, out in folds:
                with_floor(model, 0.0, blend)
                y = targets([Example({}, r.categories) for r in out], model.classes)
                scored += [
                    (model.raw_scores(example(r.text, r.categories).features), y[i])
                    for i, r in enumerate(out)
                ]
            temperature = _temperature(scored)
            chosen = replace(settings, nb_weight=blend, temperature=temperature)
            for floor in FLOORS:
                for model, out in folds:
                    with_floor(model, floor, blend)
                    model.meta["settings"]["temperature"] = temperature
                    for row in out:
                        result = classify_text(row.text, row.locale, None, model)
                        table.setdefault((chosen, floor), []).append(
                            (row, (result.category, result.voluntary))
                        )
    results = {key: _scored(pairs) for key, pairs in table.items()}
    best = max(results, key=lambda key: _merit(results[key]))
    summary = {
        f"l2={s.l2:g} bayes={s.nb_weight:g} t={s.temperature:g} floor={f:g}": [
            round(x, 4) for x in _merit(sc)
        ]
        for (s, f), sc in results.items()
    }
    return best[0], best[1], summary


def steps() -> int:
    """How many progress steps `build` reports."""
    return len(GRID) * FOLDS + 1


def build(path: Path, progress: Progress = None) -> TextModel:
    """Build the base model from the corpus and write it to `path`."""
    rows = corpus.load()
    train, test = corpus.split(rows)
    settings, floor, summary = cross_validate(train, progress)
    meta = {
        "corpus": corpus.fingerprint(rows),
        "train_rows": len(train),
        "test_families": sorted(corpus.TEST_FAMILIES),
        "cross_validation": summary,
    }
    model = with_floor(fit_rows(train, settings, meta), floor, settings.nb_weight)
    model.meta["settings"]["temperature"] = settings.temperature
    if progress:
        progress(1)
    model.save(path)
    return model
