"""Scan free text for the lexicon's phrases: category scores and the phrases that matched.

Text is normalized (see `normalize`), then scanned once, left to right, for the longest lexicon
phrase starting at each word; each phrase adds its weight to its category unless negated (rules
in `saveflow.reasons.lexicon`). Negated phrases are dropped, not listed. The scores are one input
of the classifier's model (`classify`); a team's own phrases decide on their own.

Confidence of a lexicon decision = (1 - e^(-top / 2)) * (0.5 + 0.5 * (top - runner_up) / top),
rounded to 2 decimals: one usual phrase (weight 1) alone gives 0.39, one strong phrase (2) 0.63,
two strong phrases 0.86; a tie with the runner-up halves it.
"""

import math
import threading
from collections import OrderedDict
from dataclasses import dataclass

from saveflow.reasons import lexicon as lx
from saveflow.reasons.normalize import BREAK, deletions, phrase, tokens, within_one_edit


def _by_last(seqs) -> dict[str, list[tuple[str, ...]]]:
    index: dict[str, list[tuple[str, ...]]] = {}
    for seq in filter(None, map(phrase, seqs)):
        index.setdefault(seq[-1], []).append(seq)
    return index


def _first(words) -> frozenset[str]:
    return frozenset(seq[0] for seq in map(phrase, words) if seq)


_NEG = _by_last(lx.NEGATIONS)  # multi-word negators ("不是") match only whole
_CUE = _first(lx.CUE_PREFIXES)
_FILLER = _first(lx.FILLERS)
_BREAK_WORDS = _by_last(lx.CLAUSE_BREAKS)
_POST = [seq for seq in map(phrase, lx.POST_NEGATIONS) if seq]
_NO_FUZZ = _first(lx.NO_FUZZ)


def _ends_with(tokens, k: int, floor: int, index: dict[str, list[tuple[str, ...]]]) -> bool:
    """Tell whether one of the indexed sequences ends at tokens[k] without crossing floor."""
    for seq in index.get(tokens[k], ()):
        start = k - len(seq) + 1
        if start >= floor and tuple(tokens[start : k + 1]) == seq:
            return True
    return False


# --- compiled lexicon ---------------------------------------------------------------------

_PLAIN, _SELF_NEGATED, _NEGATED_CUE = 0, 1, 2
# Typo matching only between words of 8+ letters: at 6, 61 of the 15,000 commonest English words
# in our sample were "corrected" into lexicon words (complete -> complex, though -> through).
_FUZZ_MIN = 8


@dataclass
class _Compiled:
    trie: dict  # token -> child node; key "" holds [(category, weight, phrase, kind)]
    order: dict[str, int]
    vocab: frozenset[str]
    near: dict[str, set[str]]  # one-deletion variants -> vocabulary words (typo matching)
    fuzz_memo: dict[str, str | None]


def _self_negated(seq: tuple[str, ...]) -> bool:
    return any(_ends_with(seq, k, 0, _NEG) for k in range(len(seq)))


def _compile(lexicon: dict[str, list[tuple[str, float]]]) -> _Compiled:
    best: dict[tuple[str, tuple[str, ...], int], tuple[float, str]] = {}
    for cat, entries in lexicon.items():
        for text, weight in entries:
            seq = phrase(text)
            if not seq or weight <= 0:  # an edited lexicon may blank a phrase with weight 0
                continue
            variants = [(seq, _SELF_NEGATED if _self_negated(seq) else _PLAIN)]
            if seq[0] in _CUE and any(t not in _FILLER for t in seq[1:]):
                variants.append((seq[1:], _NEGATED_CUE))
            for key in ((cat, s, kind) for s, kind in variants):
                old = best.get(key)
                if old is None or weight > old[0]:  # duplicates after folding keep one phrase
                    best[key] = (float(weight), old[1] if old else text)
    trie: dict = {}
    for (cat, seq, kind), (weight, text) in best.items():
        node = trie
        for tok in seq:
            node = node.setdefault(tok, {})
        node.setdefault("", []).append((cat, weight, text, kind))
    vocab = frozenset(t for _, seq, _ in best for t in seq if t.isascii() and t.isalpha())
    near: dict[str, set[str]] = {}
    for word in vocab:
        if len(word) >= _FUZZ_MIN:
            for variant in {word, *deletions(word)}:
                near.setdefault(variant, set()).add(word)
    return _Compiled(trie, {cat: i for i, cat in enumerate(lexicon)}, vocab, near, {})


# Compiled lexicons, least recently used first. Each app with phrases of its own has one (about
# 1.4 MB, 14 ms to build), so the bound keeps memory flat however many apps a process serves; an
# app pushed out is compiled again on its next classification.
_CACHE: OrderedDict[int, tuple[object, _Compiled]] = OrderedDict()
_CACHE_MAX = 32
_CACHE_LOCK = threading.Lock()  # request threads share the cache; reordering is not atomic


def _compiled(lexicon) -> _Compiled:
    # Keyed by identity; the stored reference keeps the id from being reused. Treat a lexicon
    # as immutable once classified with: pass a new dict after editing.
    key = id(lexicon)
    with _CACHE_LOCK:
        hit = _CACHE.get(key)
        if hit is not None and hit[0] is lexicon:
            _CACHE.move_to_end(key)
            return hit[1]
    compiled = _compile(lexicon)  # outside the lock: two threads may both build; one is kept
    with _CACHE_LOCK:
        _CACHE[key] = (lexicon, compiled)
        while len(_CACHE) > _CACHE_MAX:
            _CACHE.popitem(last=False)
    return compiled


def _corrector(c: _Compiled):
    """Return a tokens() hook mapping an unknown long word to the lexicon word one typo away."""

    def fix(raw: str, tok: str) -> str:
        if len(raw) < _FUZZ_MIN or tok in c.vocab or tok in _NO_FUZZ or not raw.isascii():
            return tok
        if tok not in c.fuzz_memo:
            found = set()
            for variant in (tok, *deletions(tok)):
                found |= c.near.get(variant, set())
            # Typos rarely hit the first letter, and requiring it avoids many real-word clashes.
            close = [w for w in found if w[0] == tok[0] and within_one_edit(tok, w)]
            # Dropped letters are the commonest typo: "expensve" is "expensive", not "expense".
            size = max(map(len, close), default=0)
            longest = [w for w in close if len(w) == size]
            if len(c.fuzz_memo) > 50_000:
                c.fuzz_memo.clear()
            c.fuzz_memo[tok] = longest[0] if len(longest) == 1 else None
        return c.fuzz_memo[tok] or tok

    return fix


# --- scanning -----------------------------------------------------------------------------


def _negated_before(toks: list[str], i: int, floor: int) -> bool:
    """Tell whether a negator precedes position i with only filler words in between."""
    for k in range(i - 1, floor - 1, -1):
        if _ends_with(toks, k, floor, _NEG):
            return True
        if toks[k] not in _FILLER or _ends_with(toks, k, floor, _BREAK_WORDS):
            return False
    return False


def _negated_after(toks: list[str], end: int) -> bool:
    """Tell whether the clause goes on to dismiss the phrase ("price is fine", "价格倒不贵")."""
    for k in range(end, min(end + 4, len(toks))):
        if toks[k] == BREAK:
            return False
        if any(tuple(toks[k : k + len(seq)]) == seq for seq in _POST):
            return True
        if toks[k] not in _FILLER:
            return False
    return False


def _applies(entry, negated: bool, toks: list[str], end: int) -> bool:
    kind = entry[3]
    if kind == _PLAIN:
        return not negated and not _negated_after(toks, end)
    return kind == _SELF_NEGATED or negated


def _scan(toks: list[str], c: _Compiled) -> dict[str, tuple[float, list[str]]]:
    """Return category -> (score, matched phrases in text order)."""
    found: dict[str, tuple[float, list[str]]] = {}
    n, i, floor = len(toks), 0, 0
    while i < n:
        if toks[i] == BREAK:
            i = floor = i + 1
            continue
        node, j, candidates = c.trie.get(toks[i]), i, []
        while node is not None:
            j += 1
            if "" in node:
                candidates.append((j, node[""]))
            node = node.get(toks[j]) if j < n else None
        if not candidates:
            i += 1
            continue
        negated = _negated_before(toks, i, floor)
        end, hits = candidates[-1][0], []
        for cand_end, entries in reversed(candidates):  # longest phrase that counts wins
            hits = [e for e in entries if _applies(e, negated, toks, cand_end)]
            if hits:
                end = cand_end
                break
        for cat, weight, text, _ in hits:
            score, texts = found.get(cat, (0.0, []))
            if text not in texts:
                texts.append(text)
            found[cat] = (score + weight, texts)
        # Negated phrases are consumed too, so their words are not read again on their own.
        i = floor = end
    return found


def confidence_of(top: float, runner_up: float) -> float:
    return round((1 - math.exp(-top / 2)) * (0.5 + 0.5 * (top - runner_up) / top), 2)


def lexicon_scan(text: str, lexicon=None) -> dict[str, tuple[float, list[str]]]:
    """Return category -> (lexicon score, matched phrases in text order)."""
    c = _compiled(lx.DEFAULT_LEXICON if lexicon is None else lexicon)
    return _scan(tokens(text, _corrector(c)), c)


def lexicon_scores(found: dict[str, tuple[float, list[str]]]) -> dict[str, float]:
    return {cat: score for cat, (score, _) in found.items()}
