"""An app's lexicon: the default phrases plus the ones its team added.

The result is what `classify(..., lexicon=...)` takes (category -> [(phrase, weight)]). The same
phrases always give the same object, so the classifier's compile cache, keyed by identity, hits
across config changes that did not touch the lexicon; an app with no phrases of its own shares
the default lexicon itself.
"""

from collections.abc import Mapping, Sequence
from functools import lru_cache
from types import MappingProxyType

from sqlalchemy import select

from saveflow.extensions import db
from saveflow.reasons.lexicon import DEFAULT_LEXICON
from saveflow.reasons.models import LexiconPhrase

Lexicon = Mapping[str, Sequence[tuple[str, float]]]
Phrases = tuple[tuple[str, str, float], ...]  # (category, phrase, weight), sorted


def app_phrases(app_id: str) -> Phrases:
    """Read the phrases an app's team added, in a stable order."""
    rows = db.session.execute(
        select(LexiconPhrase.category_key, LexiconPhrase.phrase, LexiconPhrase.weight)
        .where(LexiconPhrase.app_id == app_id)
        .order_by(LexiconPhrase.category_key, LexiconPhrase.phrase)
    )
    return tuple((cat, text, float(weight)) for cat, text, weight in rows)


@lru_cache(maxsize=64)
def merged(phrases: Phrases) -> Lexicon:
    """Return the default lexicon with `phrases` added (read-only; default order first)."""
    if not phrases:
        return DEFAULT_LEXICON
    combined: dict[str, list[tuple[str, float]]] = {
        cat: list(entries) for cat, entries in DEFAULT_LEXICON.items()
    }
    for cat, text, weight in phrases:
        # A category the defaults lack goes last, so it never wins a tie against them.
        combined.setdefault(cat, []).append((text, weight))
    return MappingProxyType({cat: tuple(entries) for cat, entries in combined.items()})
