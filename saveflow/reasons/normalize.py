"""Text normalization shared by the lexicon and the comments it is matched against.

Both sides go through `tokens`, so phrases and text meet however they were typed: NFKC (full
width to half width), casefold, apostrophes dropped ("don't" -> "dont"), Traditional Chinese
folded to Simplified, "do not" -> "dont", a light English stemmer (use/uses/using/used -> "use"),
and punctuation turned into clause breaks. Chinese is split into single characters.
"""

import re
import unicodedata
from collections.abc import Callable
from functools import lru_cache

from saveflow.reasons.lexicon import ALIASES, TRAD_TO_SIMP

BREAK = "|"  # clause-boundary token; negation never reaches across one
_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_TOKEN = re.compile(rf"[{_CJK}]|[^\W_{_CJK}]+|[.,;:!?()\[\]{{}}。、…—–\n]|(?<!\w)-+(?!\w)")
_FOLD = str.maketrans({**{q: None for q in "'\u2018\u2019\u201b\u2032`\u00b4"}, **TRAD_TO_SIMP})
# Irregular or too-short stems the suffix rules would get wrong.
_STEM_EXCEPTIONS = {
    "using": "use", "used": "use", "uses": "use", "going": "go", "goes": "go", "doing": "do",
    "does": "do", "being": "be", "trying": "try", "dying": "die", "died": "die", "dies": "die",
    "lying": "lie",
}  # fmt: skip


def _stemmable(rest: str) -> bool:
    return len(rest) >= 3 and any(c in "aeiouy" for c in rest)


def _undouble(word: str) -> str:
    # stopped -> stopp -> stop, but billing -> bill and add stays add
    if len(word) >= 4 and word[-1] == word[-2] and word[-1] not in "lsz":
        return word[:-1]
    return word


@lru_cache(maxsize=32768)
def stem(word: str) -> str:
    """Fold plural, -ing, -ed and a final -e off an English word; leave anything else alone."""
    if word in _STEM_EXCEPTIONS:
        return _STEM_EXCEPTIONS[word]
    if len(word) <= 3 or not (word.isascii() and word.isalpha()):
        return word
    w = word
    if w.endswith(("ies", "ied")) and len(w) > 4:
        w = w[:-3] + "y"
    elif w.endswith("sses") or (w.endswith("es") and w[:-2].endswith(("sh", "ch", "x", "zz"))):
        w = w[:-2]
    elif w.endswith("s") and not w.endswith(("ss", "us", "is")):
        w = w[:-1]
    if w.endswith("ing") and _stemmable(w[:-3]):
        w = _undouble(w[:-3])
    elif w.endswith("ed") and not w.endswith("eed") and _stemmable(w[:-2]):
        w = _undouble(w[:-2])
    if w.endswith("e") and len(w) >= 4:
        w = w[:-1]
    return w


def tokens(text: str, fix: Callable[[str, str], str] | None = None) -> list[str]:
    """Split text into stemmed words, single CJK characters and BREAK markers.

    `fix(raw_word, stemmed)` may replace a stemmed word (the classifier's typo correction).
    """
    raw = _TOKEN.findall(unicodedata.normalize("NFKC", text).casefold().translate(_FOLD))
    out: list[str] = []
    i = 0
    while i < len(raw):
        tok = raw[i]
        if not tok.isalnum():
            if out and out[-1] != BREAK:
                out.append(BREAK)
            i += 1
            continue
        pair = (tok, raw[i + 1]) if i + 1 < len(raw) else None
        if pair in ALIASES:
            out.append(ALIASES[pair])
            i += 2
            continue
        word = ALIASES.get((tok,), tok)
        out.append(fix(word, stem(word)) if fix else stem(word))
        i += 1
    if out and out[-1] == BREAK:
        out.pop()
    return out


def phrase(text: str) -> tuple[str, ...]:
    """Return a lexicon phrase as the token tuple it matches."""
    return tuple(t for t in tokens(text) if t != BREAK)


def _is_cjk(tok: str) -> bool:
    return len(tok) == 1 and not tok.isascii() and tok.isalpha()


def normalize(text: str) -> str:
    """Return text as the classifier sees it: folded, de-punctuated and stemmed."""
    parts: list[str] = []
    for tok in tokens(text):
        if tok == BREAK:
            parts.append("")
        elif parts and _is_cjk(tok) and parts[-1] and _is_cjk(parts[-1][-1]):
            parts[-1] += tok  # keep runs of Chinese characters together
        else:
            parts.append(tok)
    return " ".join(p for p in parts if p)


def deletions(word: str) -> list[str]:
    """Return every string one deletion away from word."""
    return [word[:i] + word[i + 1 :] for i in range(len(word))]


def within_one_edit(a: str, b: str) -> bool:
    """Tell whether a and b differ by at most one insertion, deletion, substitution or swap."""
    if a == b:
        return True
    if abs(len(a) - len(b)) > 1:
        return False
    i = 0
    while i < min(len(a), len(b)) and a[i] == b[i]:
        i += 1
    if len(a) > len(b):
        return a[i + 1 :] == b[i:]
    if len(a) < len(b):
        return a[i:] == b[i + 1 :]
    swapped = a[i : i + 2] == b[i : i + 2][::-1] and a[i + 2 :] == b[i + 2 :]
    return a[i + 1 :] == b[i + 1 :] or swapped


@lru_cache(maxsize=8192)
def _fold_char(ch: str) -> str:
    return unicodedata.normalize("NFKC", ch).casefold().translate(_FOLD)


@lru_cache(maxsize=256)
def fold(text: str) -> tuple[str, tuple[int, ...]]:
    """Return the text folded as `tokens` folds it (NFKC, casefold, apostrophes dropped,
    Traditional to Simplified), character by character, and for each character of the result
    the index in `text` it came from, so what is found in the folded text can be quoted.

    Cached: the model's features, the payment wording and the quotes all read the same comment.
    """
    out: list[str] = []
    origin: list[int] = []
    for i, ch in enumerate(text):
        folded = _fold_char(ch)
        out.append(folded)
        origin.extend([i] * len(folded))
    return "".join(out), tuple(origin)
