"""Fit a `TextModel`: multinomial logistic regression with an L2 penalty, and naive Bayes counts.

Full-batch gradient descent with Adam steps from all-zero weights, a fixed number of rounds and
no sampling, so the same examples and settings always give the same model. The sparse products
are done by hand (gather, then sum per row with `np.add.reduceat`), which keeps scipy out of the
dependencies; a corpus of a few thousand comments trains in seconds.

Targets are soft: a text with one acceptable category puts all its weight on it; a text that
names several puts `PRIMARY_SHARE` on the first and splits the rest among the others.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from saveflow.reasons.learn.features import BIAS, Features
from saveflow.reasons.learn.model import TextModel

PRIMARY_SHARE = 0.7


@dataclass(frozen=True)
class Settings:
    l2: float = 3e-5
    rounds: int = 300
    step: float = 0.05
    min_docs: int = 1  # a feature seen in fewer training texts is dropped
    nb_alpha: float = 0.1  # naive Bayes smoothing
    nb_weight: float = 0.0  # naive Bayes's share of the blend (applied when scoring)
    temperature: float = 1.0  # divides the blended scores, so probabilities are calibrated


@dataclass(frozen=True)
class Example:
    features: Features
    categories: tuple[str, ...]  # primary first
    weight: float = 1.0


def targets(examples: Sequence[Example], classes: Sequence[str]) -> np.ndarray:
    where = {c: k for k, c in enumerate(classes)}
    y = np.zeros((len(examples), len(classes)))
    for i, ex in enumerate(examples):
        cats = [c for c in ex.categories if c in where]
        if len(cats) == 1:
            y[i, where[cats[0]]] = 1.0
        elif cats:
            y[i, where[cats[0]]] = PRIMARY_SHARE
            for c in cats[1:]:
                y[i, where[c]] += (1 - PRIMARY_SHARE) / (len(cats) - 1)
    return y


def _vocabulary(examples: Sequence[Example], min_docs: int) -> list[str]:
    seen: dict[str, int] = {}
    for ex in examples:
        for name in ex.features:
            seen[name] = seen.get(name, 0) + 1
    # Lexicon scores, the payment-failure flag and the bias are kept however rare; text features need `min_docs` texts.
    keep = {n for n, k in seen.items() if k >= min_docs or n.startswith(("x:", "p:"))}
    return sorted(keep | {BIAS})


def fit(
    examples: Sequence[Example],
    classes: Sequence[str],
    settings: Settings = Settings(),
    meta: dict | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> TextModel:
    """Train on the examples and return the model."""
    names = _vocabulary(examples, settings.min_docs)
    index = {n: i for i, n in enumerate(names)}
    doc_rows, feat_cols, values = [], [], []
    for i, ex in enumerate(examples):
        for name, (value, _) in ex.features.items():
            j = index.get(name)
            if j is not None:
                doc_rows.append(i)
                feat_cols.append(j)
                values.append(value)
    rows = np.asarray(doc_rows, dtype=np.intp)
    cols = np.asarray(feat_cols, dtype=np.intp)
    vals = np.asarray(values, dtype=np.float64)
    row_starts = np.searchsorted(rows, np.arange(len(examples)))  # rows are already in order
    by_col = np.argsort(cols, kind="stable")
    col_starts = np.searchsorted(cols[by_col], np.arange(len(names)))

    y = targets(examples, classes)
    sample = np.asarray([ex.weight for ex in examples], dtype=np.float64)
    sample = sample / sample.sum()
    penalty = np.full((len(names), 1), settings.l2)
    penalty[index[BIAS]] = 0.0

    w = np.zeros((len(names), len(classes)))
    m = np.zeros_like(w)
    v = np.zeros_like(w)
    beta1, beta2, eps = 0.9, 0.999, 1e-8
    for t in range(1, settings.rounds + 1):
        logits = np.add.reduceat(w[cols] * vals[:, None], row_starts, axis=0)
        logits -= logits.max(axis=1, keepdims=True)
        p = np.exp(logits)
        p /= p.sum(axis=1, keepdims=True)
        residual = (p - y) * sample[:, None]
        per_entry = residual[rows] * vals[:, None]
        grad = np.add.reduceat(per_entry[by_col], col_starts, axis=0) + penalty * w
        m = beta1 * m + (1 - beta1) * grad
        v = beta2 * v + (1 - beta2) * grad * grad
        w -= settings.step * (m / (1 - beta1**t)) / (np.sqrt(v / (1 - beta2**t)) + eps)
        if progress:
            progress(t, settings.rounds)
    # Naive Bayes counts: each text adds its (soft) target, times its weight, to every feature
    # it has, however strongly.
    weighted = y * np.asarray([ex.weight for ex in examples])[:, None]
    counts = np.add.reduceat(weighted[rows][by_col], col_starts, axis=0)
    return TextModel(classes, names, w, meta, counts)
