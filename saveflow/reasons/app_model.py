"""Per-app learning: an app's own model, trained on the corpus plus the comments its team mapped.

The admin's list of unclassified comments lets a team file each comment under a category
(`teaching.label_comment`). Those labels are training examples for that app only. The worker
(`rebuild_due`) retrains an app's model when its labels change, on the corpus's training rows
plus the app's examples, weighted `APP_WEIGHT` so a team's wording counts more than the corpus.

One mapped comment in `HOLD_BACK_EVERY` is held back, chosen by a hash of its wording so the
choice never moves as labels are added; the admin shows how the app's model and the shipped
model score on those. Mapped comments under a category the app added itself (not in the default
taxonomy) make that category one of the model's classes.
"""

import hashlib
import threading
from collections import OrderedDict
from dataclasses import asdict, dataclass
from datetime import datetime
from functools import lru_cache

from sqlalchemy import delete, select

from saveflow.extensions import db
from saveflow.reasons import training
from saveflow.reasons.app_lexicon import app_phrases, merged
from saveflow.reasons.classify import classify_text
from saveflow.reasons.learn import corpus
from saveflow.reasons.learn.base import base_model
from saveflow.reasons.learn.model import TextModel
from saveflow.reasons.learn.train import Example, Settings, fit
from saveflow.reasons.models import AppModel, LabelledComment

APP_WEIGHT = 4.0
HOLD_BACK_EVERY = 5
MIN_TRAINING = 3  # fewer mapped comments than this teach nothing a model should keep


@dataclass(frozen=True)
class Label:
    session_id: str
    text: str
    category: str

    @property
    def held_back(self) -> bool:
        # By the wording, not the session: the same comment from two customers is either
        # trained on or held back, never both, so the held-back score is honest.
        digest = hashlib.sha256(" ".join(self.text.casefold().split()).encode()).digest()
        return int.from_bytes(digest[:4], "big") % HOLD_BACK_EVERY == 0


def labels(app_id: str) -> list[Label]:
    rows = db.session.execute(
        select(LabelledComment.session_id, LabelledComment.text, LabelledComment.category_key)
        .where(LabelledComment.app_id == app_id)
        .order_by(LabelledComment.session_id)
    )
    return [Label(*row) for row in rows]


def digest(found: list[Label]) -> str:
    h = hashlib.sha256()
    for label in found:
        h.update(f"{label.session_id}\x00{label.category}\x00{label.text}\x01".encode())
    return h.hexdigest()


def _settings() -> Settings:
    chosen = base_model().meta.get("settings", {})
    return Settings(**{k: chosen[k] for k in Settings.__dataclass_fields__ if k in chosen})


@lru_cache(maxsize=1)
def _corpus_examples() -> tuple[Example, ...]:
    """The corpus's training rows, featurized once per process (every app's rebuild reuses them)."""
    train_rows, _ = corpus.split(corpus.load())
    return tuple(training.example(r.text, r.categories) for r in train_rows)


def train(found: list[Label], lexicon=None) -> TextModel:
    """Train an app model on the corpus's training rows and the app's non-held-back labels."""
    extra = [
        training.example(label.text, (label.category,), lexicon, APP_WEIGHT)
        for label in found
        if not label.held_back
    ]
    settings = _settings()
    own = sorted({label.category for label in found} - set(training.CLASSES))
    classes = (*training.CLASSES, *own)  # a category the app added becomes one of its classes
    model = fit([*_corpus_examples(), *extra], classes, settings, {"app_examples": len(extra)})
    model.meta.setdefault("settings", {}).update(asdict(settings))
    floor = base_model().meta.get("settings", {}).get("min_probability", 0.0)
    return training.with_floor(model, floor)  # the blend came with the settings


def _right(model: TextModel | None, held: list[Label], lexicon) -> int:
    return sum(
        classify_text(label.text, None, lexicon, model).category == label.category for label in held
    )


def rebuild(app_id: str, now: datetime, lexicon=None) -> str:
    """Retrain the app's model if its labels (or the shipped model) changed; the caller commits.

    Training takes seconds, so it runs outside any transaction (a database that ends idle
    transactions would cut it off): the labels are read and the transaction ended, the model
    trained and scored, and the row written in a new transaction only if the labels it was
    trained on are still the app's (else the next round retrains).
    """
    found = labels(app_id)
    current = db.session.get(AppModel, app_id)
    corpus_digest = base_model().meta.get("corpus", "")
    training = [label for label in found if not label.held_back]
    if len(training) < MIN_TRAINING:
        if current is None:
            return "not enough mapped comments"
        db.session.execute(delete(AppModel).where(AppModel.app_id == app_id))
        return "removed: not enough mapped comments"
    wanted = digest(found)
    if current and current.labels_digest == wanted and current.base_corpus == corpus_digest:
        return "up to date"
    db.session.rollback()  # nothing written yet; hold no transaction while training
    model = train(found, lexicon)
    held = [label for label in found if label.held_back]
    right, base_right = _right(model, held, lexicon), _right(None, held, lexicon)
    if digest(labels(app_id)) != wanted:
        return "labels changed while training; next round"
    row = db.session.get(AppModel, app_id)
    if row is None:
        row = AppModel(app_id=app_id)
        db.session.add(row)
    row.built_at, row.labels_digest, row.base_corpus = now, wanted, corpus_digest
    row.trained_on, row.held_back = len(training), len(held)
    row.held_back_right, row.base_right = right, base_right
    row.model = model.to_bytes()
    db.session.flush()  # a trigger bumps the app's config version: every process reloads it
    return f"trained on {len(training)}, {right}/{len(held)} held back right"


def rebuild_due(now: datetime) -> str:
    """Rebuild the model of every app whose mapped comments changed; commit each."""
    apps = db.session.scalars(select(LabelledComment.app_id).union(select(AppModel.app_id))).all()
    rebuilt = 0
    for app_id in sorted(set(apps)):
        result = rebuild(app_id, now, merged(app_phrases(app_id)))
        db.session.commit()
        rebuilt += result.startswith(("trained", "removed"))
    return f"rebuilt {rebuilt} app model(s)"


# Parsed models by (app, build time): parsing costs tens of milliseconds, so a process parses
# each build once, however often the app's setup reloads for other reasons.
_PARSED: OrderedDict[tuple[str, datetime], TextModel] = OrderedDict()
_PARSED_MAX = 16
_LOCK = threading.Lock()


def model_for(app_id: str) -> TextModel | None:
    """Return the app's own model, or None when it has none (the shipped model applies)."""
    built_at = db.session.scalar(select(AppModel.built_at).where(AppModel.app_id == app_id))
    if built_at is None:
        return None
    key = (app_id, built_at)
    with _LOCK:
        if key in _PARSED:
            _PARSED.move_to_end(key)
            return _PARSED[key]
    blob = db.session.scalar(select(AppModel.model).where(AppModel.app_id == app_id))
    if blob is None:
        return None
    model = TextModel.from_bytes(blob)
    with _LOCK:
        _PARSED[key] = model
        while len(_PARSED) > _PARSED_MAX:
            _PARSED.popitem(last=False)
    return model
