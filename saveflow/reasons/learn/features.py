"""Turn a comment into the sparse features the statistical model reads, each with where it came from.

Characters are folded one by one (NFKC, casefold, apostrophes dropped, Traditional Chinese to
Simplified), so every feature keeps the span of the original text it was read from and a
result can quote the customer's own words. What is read:

- English and other Latin-script words, stemmed (`w:price`), and pairs of neighbouring words in
  one clause (`b:too expens`);
- words in the reach of a negator ("not", "no", "never", "dont" … up to three words, within the
  clause) a second time, marked (`n:price`), so "not the price" can point away from price;
- character 4-grams of each padded word (`c: exp`, `c:pens`), which tolerate typos and
  inflections nobody listed;
- runs of Chinese characters as character 1-, 2- and 3-grams (`z:贵`, `z:太贵`, `z:用不上`),
  which need no word segmenter;
- the lexicon's category scores (`x:too_expensive`), so the model learns how far to trust it;
- whether the text states a payment failure outright (`p:failure`, from `payment_wording`).

Each text's own features are scaled to unit length, so a long rant and a two-word answer weigh
alike; the lexicon scores are added unscaled.
"""

import math
import re

from saveflow.reasons.normalize import fold, stem

BIAS = "_bias"
_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_PIECE = re.compile(
    rf"(?P<cjk>[{_CJK}]+)|(?P<word>[^\W_{_CJK}]+)|(?P<brk>[.,;:!?()。，、；：！？…\n])"
)
_NEGATORS = frozenset(
    [
        "not",
        "no",
        "never",
        "nothing",
        "none",
        "nor",
        "without",
        "dont",
        "doesnt",
        "didnt",
        "isnt",
        "arent",
        "wasnt",
        "werent",
        "cant",
        "couldnt",
        "wont",
        "wouldnt",
        "havent",
        "hasnt",
        "hadnt",
        "aint",
    ]
)
_CLAUSE_WORDS = frozenset(
    [
        "but",
        "and",
        "however",
        "though",
        "although",
        "just",
        "plus",
        "also",
        "or",
        "except",
        "instead",
    ]
)
_NEG_REACH = 3
_LEX_CAP = 4.0  # a lexicon score beyond this adds nothing: the model, not the list, decides

Span = tuple[int, int]
Features = dict[str, tuple[float, list[Span]]]


def _add(found: dict[str, list[Span]], name: str, span: Span) -> None:
    found.setdefault(name, []).append(span)


def _words(found, words: list[tuple[str, int, int]]) -> None:
    """Add word, pair, negation and character features for one clause of Latin words."""
    reach = 0
    prev: tuple[str, int] | None = None
    for word, start, end in words:
        token = "#" if word.isdigit() else stem(word)
        _add(found, "w:" + token, (start, end))
        if reach and token not in _NEGATORS:
            _add(found, "n:" + token, (start, end))
            reach -= 1
        if token in _NEGATORS:
            reach = _NEG_REACH
        elif token in _CLAUSE_WORDS:
            reach = 0
        if prev is not None:
            _add(found, f"b:{prev[0]} {token}", (prev[1], end))
        prev = (token, start)
        if token != "#" and len(word) >= 3:
            padded = f" {word} "
            for k in range(len(padded) - 3):
                # A gram's span is the word it came from: enough to quote, cheap to merge.
                _add(found, "c:" + padded[k : k + 4], (start, end))


def _chinese(found, run: str, start: int) -> None:
    for n in (1, 2, 3):
        for k in range(len(run) - n + 1):
            _add(found, "z:" + run[k : k + n], (start + k, start + k + n))


def text_features(text: str) -> dict[str, list[Span]]:
    """Return each feature of `text` with the spans (in folded-text positions) it was read at."""
    found: dict[str, list[Span]] = {}
    folded, _ = fold(text)
    clause: list[tuple[str, int, int]] = []
    for m in _PIECE.finditer(folded):
        kind = m.lastgroup
        if kind == "word":
            clause.append((m.group(), m.start(), m.end()))
            continue
        _words(found, clause)
        clause = []
        if kind == "cjk":
            _chinese(found, m.group(), m.start())
    _words(found, clause)
    return found


PAYMENT_FAILURE = "p:failure"


def featurize(
    text: str, lexicon_scores: dict[str, float] | None = None, payment_failure: bool = False
) -> Features:
    """Return name -> (value, spans) for the model: unit-length text features, lexicon scores,
    whether the text states a payment failure (`payment_wording`), and the bias."""
    spans = text_features(text)
    scale = 1 / math.sqrt(len(spans)) if spans else 0.0
    features: Features = {name: (scale, where) for name, where in spans.items()}
    for category, score in (lexicon_scores or {}).items():
        features["x:" + category] = (min(score, _LEX_CAP) / 2, [])
    if payment_failure:
        features[PAYMENT_FAILURE] = (1.0, [])
    features[BIAS] = (1.0, [])
    return features


def to_original(text: str, spans: list[Span]) -> list[Span]:
    """Map folded-text spans back to spans of the original text (one for each)."""
    _, origin = fold(text)
    if not origin:
        return [(0, 0) for _ in spans]
    last = len(origin) - 1
    return [
        (origin[min(start, last)], origin[min(max(end, 1), last + 1) - 1] + 1)
        for start, end in spans
    ]
