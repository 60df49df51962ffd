"""Score a classifier on labelled rows: accuracy per locale and per category, and confusions.

A category counts as right when it is one of the row's acceptable categories; the confusion
matrix is read against each row's primary category. The voluntary flag counts as right when the
classification's flag equals the row's.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from saveflow.reasons.learn.corpus import Row
from saveflow.reasons.taxonomy import CATEGORIES, LOCALES

Classifier = Callable[[Row], tuple[str, bool]]  # row -> (category, voluntary)


@dataclass
class Tally:
    n: int = 0
    right: int = 0

    @property
    def accuracy(self) -> float:
        return self.right / self.n if self.n else 0.0


@dataclass
class Scores:
    category: dict[str, Tally] = field(default_factory=dict)  # by locale, and "all"
    voluntary: dict[str, Tally] = field(default_factory=dict)
    per_category: dict[str, Tally] = field(default_factory=dict)  # by primary category
    confusion: dict[tuple[str, str], int] = field(default_factory=dict)  # (primary, predicted)
    misses: list[tuple[Row, str]] = field(default_factory=list)


def score(rows: Iterable[Row], classify: Classifier) -> Scores:
    out = Scores()
    for row in rows:
        predicted, voluntary = classify(row)
        right = predicted in row.categories
        for key in (row.locale, "all"):
            out.category.setdefault(key, Tally()).n += 1
            out.category[key].right += right
            out.voluntary.setdefault(key, Tally()).n += 1
            out.voluntary[key].right += voluntary == row.voluntary
        tally = out.per_category.setdefault(row.primary, Tally())
        tally.n += 1
        tally.right += right
        pair = (row.primary, predicted)
        out.confusion[pair] = out.confusion.get(pair, 0) + 1
        if not right:
            out.misses.append((row, predicted))
    return out


def _pct(t: Tally) -> str:
    return f"{100 * t.accuracy:5.1f}% ({t.right}/{t.n})"


def render(scores: Scores, title: str) -> str:
    """Return the scores as plain-text tables."""
    lines = [title, "", f"{'locale':<10}{'category':>20}{'voluntary':>20}"]
    for key in (*LOCALES, "all"):
        if key in scores.category:
            lines.append(
                f"{key:<10}{_pct(scores.category[key]):>20}{_pct(scores.voluntary[key]):>20}"
            )
    lines += ["", f"{'category (primary label)':<26}{'accuracy':>20}"]
    for key in CATEGORIES:
        if key in scores.per_category:
            lines.append(f"{key:<26}{_pct(scores.per_category[key]):>20}")
    keys = [k for k in CATEGORIES if any(k in pair for pair in scores.confusion)]
    short = {k: k[:5] for k in keys}
    lines += ["", "confusion (rows: primary label, columns: predicted)"]
    lines.append(" " * 24 + "".join(f"{short[k]:>6}" for k in keys))
    for r in keys:
        cells = (scores.confusion.get((r, c), 0) for c in keys)
        lines.append(f"{r:<24}" + "".join(f"{(n or '.'):>6}" for n in cells))
    return "\n".join(lines)
