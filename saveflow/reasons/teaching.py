"""What a team teaches the classifier: comments filed under a category, and lexicon phrases.

Labelled comments are kept as per-app examples for training later; lexicon phrases change how
every new session of the app is classified (the setup cache reloads them: a trigger bumps
`apps.config_version` on every change to `lexicon_phrases`). The caller commits.
"""

from datetime import datetime
from typing import Any

from sqlalchemy import select

from saveflow.domain_errors import Invalid
from saveflow.extensions import db
from saveflow.reasons.lexicon import DEFAULT_LEXICON
from saveflow.reasons.models import LabelledComment, LexiconPhrase, ReasonCategory
from saveflow.reasons.normalize import phrase as phrase_tokens

PHRASE_MAX = 200
PHRASE_WEIGHT = 2.0  # a strong phrase: alone it decides the category (confidence 0.63)


def _category(app_id: str, key: str, field: str, allow_other: bool) -> ReasonCategory:
    found = db.session.scalar(
        select(ReasonCategory).where(ReasonCategory.app_id == app_id, ReasonCategory.key == key)
    )
    if found is None or (key == "other" and not allow_other):
        raise Invalid("Unknown category.", errors={field: ["Choose one of this app's categories."]})
    return found


def labels_for(app_id: str, session_ids: list[str]) -> dict[str, LabelledComment]:
    """Return the labels of the given sessions' comments, by session id."""
    if not session_ids:
        return {}
    rows = db.session.scalars(
        select(LabelledComment).where(
            LabelledComment.app_id == app_id, LabelledComment.session_id.in_(session_ids)
        )
    )
    return {row.session_id: row for row in rows}


def label_comment(
    app_id: str, session_id: str, text: str, category: str, who: str, now: datetime
) -> tuple[str | None, LabelledComment]:
    """File a session's comment under a category; return the category it had before, if any."""
    _category(app_id, category, "category", allow_other=True)
    row = labels_for(app_id, [session_id]).get(session_id)
    before = row.category_key if row else None
    if row is None:
        row = LabelledComment(app_id=app_id, session_id=session_id)
        db.session.add(row)
    row.text, row.category_key, row.labelled_by, row.labelled_at = text, category, who, now
    db.session.flush()
    return before, row


def app_phrases(app_id: str) -> list[LexiconPhrase]:
    """Return the phrases an app's team added, by category then phrase."""
    return list(
        db.session.scalars(
            select(LexiconPhrase)
            .where(LexiconPhrase.app_id == app_id)
            .order_by(LexiconPhrase.category_key, LexiconPhrase.phrase)
        )
    )


def phrase_state(row: LexiconPhrase) -> dict[str, Any]:
    """Return what the audit log keeps of a phrase."""
    return {"category": row.category_key, "phrase": row.phrase, "weight": row.weight}


def add_phrase(app_id: str, category: str, text: str, who: str, now: datetime) -> LexiconPhrase:
    """Add a phrase to the app's lexicon for a category (not `other`)."""
    text = " ".join(text.split())
    if not text:
        raise Invalid("Empty phrase.", errors={"phrase": ["Write the words to look for."]})
    if len(text) > PHRASE_MAX:
        raise Invalid("Too long.", errors={"phrase": [f"At most {PHRASE_MAX} characters."]})
    seq = phrase_tokens(text)
    if not seq:
        raise Invalid("No words.", errors={"phrase": ["The phrase needs at least one word."]})
    _category(app_id, category, "category", allow_other=False)
    for existing in app_phrases(app_id):
        if existing.category_key == category and phrase_tokens(existing.phrase) == seq:
            raise Invalid(
                "Duplicate.", errors={"phrase": [f"Already in the lexicon as {existing.phrase!r}."]}
            )
    if any(phrase_tokens(p) == seq for p, _ in DEFAULT_LEXICON.get(category, ())):
        raise Invalid(
            "Duplicate.", errors={"phrase": ["The built-in lexicon has this phrase already."]}
        )
    row = LexiconPhrase(
        app_id=app_id,
        category_key=category,
        phrase=text,
        weight=PHRASE_WEIGHT,
        created_by=who,
        created_at=now,
    )
    db.session.add(row)
    db.session.flush()
    return row


def find_phrase(app_id: str, phrase_id: int) -> LexiconPhrase | None:
    """Return one of the app's phrases, or None."""
    return db.session.scalar(
        select(LexiconPhrase).where(LexiconPhrase.app_id == app_id, LexiconPhrase.id == phrase_id)
    )


def remove_phrase(row: LexiconPhrase) -> None:
    """Take a phrase out of the app's lexicon."""
    db.session.delete(row)
    db.session.flush()
