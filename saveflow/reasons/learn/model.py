"""A trained text model: logistic regression and naive Bayes over the features in `features`.

Two views of the same features, blended: a multinomial logistic regression (weights per feature
and class) and a multinomial naive Bayes over which features a text has (counts per feature and
class, smoothed by `nb_alpha`). The blend is a weighted geometric mean of the two distributions,
`nb_weight` for Bayes: regression reads how features work together, Bayes keeps the evidence of
rare features, which short Chinese answers are made of. Cross-validation over the training
families chose the blend.

Scoring is one gather and a few sums over the few hundred features a comment has, so a
classification costs tens of microseconds. A result explains itself: the spans of the customer's
text whose features pushed hardest toward the winning category, quoted as they were written.

The model file is JSON: the classes, the feature names, one row of regression weights per feature
(four decimals), the Bayes counts of each feature that has any (sparse), and `meta` (what it was
built from, with which settings, and how it scored).
"""

import gzip
import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from saveflow.reasons.learn.features import Features, Span, to_original

FORMAT = 2
_QUOTES = 3  # spans quoted in an explanation


@dataclass(frozen=True)
class Prediction:
    probabilities: dict[str, float]
    ranked: tuple[str, ...]  # classes, most probable first
    # Each known feature's push toward each class (centred across classes), and its spans.
    _pushes: np.ndarray = field(repr=False)
    _spans: list[list[Span]] = field(repr=False)
    _index: dict[str, int] = field(repr=False)

    @property
    def top(self) -> str:
        return self.ranked[0]

    def p(self, key: str) -> float:
        return self.probabilities.get(key, 0.0)

    def evidence(self, key: str) -> list[tuple[float, Span]]:
        """The spans whose features pushed toward `key`, each with its share of the push."""
        k = self._index.get(key)
        if k is None:
            return []
        pushes = self._pushes[:, k]
        return [
            (float(pushes[j]) / len(self._spans[j]), span)
            for j in np.flatnonzero(pushes > 0)
            for span in self._spans[j]
        ]


class TextModel:
    """Regression weights and Bayes counts over named features, for a fixed list of classes."""

    def __init__(self, classes, names, weights, meta=None, counts=None):
        self.classes: tuple[str, ...] = tuple(classes)
        self.names: tuple[str, ...] = tuple(names)
        self.weights = np.asarray(weights, dtype=np.float64)
        shape = (len(self.names), len(self.classes))
        self.counts = np.zeros(shape) if counts is None else np.asarray(counts, dtype=np.float64)
        self.meta: dict = dict(meta or {})
        self.index = {name: i for i, name in enumerate(self.names)}
        self.index_of_class = {c: k for k, c in enumerate(self.classes)}
        assert self.weights.shape == shape and self.counts.shape == shape
        self._bayes: tuple[float, np.ndarray, np.ndarray] | None = None

    @property
    def nb_weight(self) -> float:
        return float(self.meta.get("settings", {}).get("nb_weight", 0.0))

    def _bayes_logs(self) -> tuple[np.ndarray, np.ndarray]:
        """Return (log prior per class, log likelihood per feature and class), cached."""
        alpha = float(self.meta.get("settings", {}).get("nb_alpha", 0.1))
        if self._bayes is None or self._bayes[0] != alpha:
            totals = self.counts.sum(axis=0)
            prior = np.log(np.maximum(totals, 1e-9) / max(totals.sum(), 1e-9))
            likely = np.log((self.counts + alpha) / (totals + alpha * len(self.names)))
            self._bayes = (alpha, prior, likely)
        return self._bayes[1], self._bayes[2]

    # --- scoring ----------------------------------------------------------------------------

    def _known(self, features: Features):
        known = [(self.index[n], v, spans) for n, (v, spans) in features.items() if n in self.index]
        rows = np.fromiter((i for i, _, _ in known), dtype=np.intp, count=len(known))
        values = np.fromiter((v for _, v, _ in known), dtype=np.float64, count=len(known))
        return known, rows, values

    def _scores(self, rows, values) -> tuple[np.ndarray, np.ndarray]:
        """Return (per-feature contributions, blended log-scores per class, before temperature)."""
        blend = self.nb_weight
        contributions = self.weights[rows] * (values * (1 - blend))[:, None]
        if blend:
            prior, likely = self._bayes_logs()
            contributions += likely[rows] * blend
            return contributions, contributions.sum(axis=0) + blend * prior
        return contributions, contributions.sum(axis=0)

    def raw_scores(self, features: Features) -> np.ndarray:
        """The blended log-scores per class, before the temperature (for calibrating it)."""
        _, rows, values = self._known(features)
        return self._scores(rows, values)[1]

    def predict(self, features: Features) -> Prediction:
        """Score features. Probabilities are the blend's, divided by the temperature that
        cross-validation fitted (least log loss on held-out families). Evidence for any class is
        worked out when asked for."""
        known, rows, values = self._known(features)
        contributions, scores = self._scores(rows, values)
        scores = scores / float(self.meta.get("settings", {}).get("temperature", 1.0))
        scores -= scores.max()
        probs = np.exp(scores)
        probs /= probs.sum()
        order = np.argsort(-probs, kind="stable")
        ranked = tuple(self.classes[k] for k in order)
        pushes = contributions - contributions.mean(axis=1, keepdims=True)
        probabilities = {c: float(p) for c, p in zip(self.classes, probs, strict=True)}
        spans = [entry[2] for entry in known]
        return Prediction(probabilities, ranked, pushes, spans, self.index_of_class)

    # --- files ------------------------------------------------------------------------------

    def to_json(self) -> str:
        rows = [[round(float(w), 4) for w in row] for row in self.weights]
        counts = {
            name: {str(k): round(float(c), 4) for k, c in enumerate(row) if c}
            for name, row in zip(self.names, self.counts, strict=True)
            if row.any()
        }
        body = {
            "format": FORMAT,
            "meta": self.meta,
            "classes": list(self.classes),
            "features": {name: row for name, row in zip(self.names, rows, strict=True)},
            "counts": counts,
        }
        return json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":"))

    @classmethod
    def from_json(cls, text: str) -> "TextModel":
        body = json.loads(text)
        if body.get("format") != FORMAT:
            raise ValueError(f"unknown model format {body.get('format')!r}")
        names = list(body["features"])
        weights = [body["features"][n] for n in names]
        counts = np.zeros((len(names), len(body["classes"])))
        where = {n: i for i, n in enumerate(names)}
        for name, cells in body.get("counts", {}).items():
            for k, c in cells.items():
                counts[where[name], int(k)] = c
        return cls(body["classes"], names, weights, body["meta"], counts)

    def to_bytes(self) -> bytes:
        """Return the model as gzip-compressed JSON; the same model always gives the same bytes
        (no file name or time in the header), so a rebuild that changed nothing shows no diff."""
        return gzip.compress(self.to_json().encode("utf-8"), mtime=0)

    @classmethod
    def from_bytes(cls, blob: bytes) -> "TextModel":
        return cls.from_json(gzip.decompress(blob).decode("utf-8"))

    def save(self, path: Path) -> None:
        path.write_bytes(self.to_bytes())

    @classmethod
    def load(cls, path: Path) -> "TextModel":
        return cls.from_bytes(path.read_bytes())


def _bridgeable(gap: str) -> bool:
    """Spaces, or one short word between spaces ("switching to | a | competitor")."""
    words = gap.split()
    return not words or (len(words) == 1 and len(words[0]) <= 3 and gap[:1].isspace())


def quotes(text: str, evidence: list[tuple[float, Span]], limit: int = _QUOTES) -> tuple[str, ...]:
    """Return the customer's own words that carried the most weight, strongest first.

    Spans are mapped back to the original text; spans that overlap or are separated only by
    spaces (or one short word) are merged, their pushes summed, so "moving" and "abroad" quote
    as "moving abroad".
    Spans pushing less than a quarter of the strongest are left out.
    """
    if not evidence:
        return ()
    pushes = [push for push, _ in evidence]
    placed = sorted(zip(to_original(text, [span for _, span in evidence]), pushes, strict=True))
    merged: list[list] = []  # [start, end, push]
    for (start, end), push in placed:
        if merged and (start <= merged[-1][1] or _bridgeable(text[merged[-1][1] : start])):
            merged[-1][1] = max(merged[-1][1], end)
            merged[-1][2] += push
        else:
            merged.append([start, end, push])
    strongest = max(m[2] for m in merged)
    best = sorted((m for m in merged if m[2] >= strongest / 4), key=lambda m: -m[2])[:limit]
    out: list[str] = []
    for start, end, _ in best:
        quote = text[start:end].strip()
        if quote and quote not in out:
            out.append(quote)
    return tuple(out)
