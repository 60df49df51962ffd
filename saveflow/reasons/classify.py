"""Classify a stated cancellation reason and its free text into a taxonomy category, explainably.

Billing state decides first, then the reason the customer chose, then their words. Words are
read by the lexicon (`scan`) and the statistical model (`learn`) together: the lexicon's scores
are features of the model, which decides, except where a team's own phrase matches (it is an
instruction). `payment_problem` needs stated failure wording or a near-certain model; a guess
below `REVIEW_BELOW` is shown to a person. Every result quotes the words that decided it.
"""

from dataclasses import dataclass, replace

from saveflow.reasons import lexicon as lx
from saveflow.reasons.learn.base import base_model
from saveflow.reasons.learn.features import featurize
from saveflow.reasons.learn.model import TextModel, quotes
from saveflow.reasons.normalize import normalize
from saveflow.reasons.payment_wording import states_payment_failure
from saveflow.reasons.scan import confidence_of, lexicon_scan, lexicon_scores
from saveflow.reasons.taxonomy import CATEGORIES
from saveflow.reasons.taxonomy import category as taxonomy_category

__all__ = ["Classification", "classify", "classify_text", "lexicon_scan", "normalize"]

INVOLUNTARY_BILLING_STATUSES = frozenset({"past_due", "unpaid", "incomplete", "incomplete_expired"})


@dataclass(frozen=True)
class Classification:
    category: str
    voluntary: bool
    influenceable: bool | None
    confidence: float
    matched: tuple[str, ...]
    source: str  # "billing" | "reason" | "text" | "none"
    # When billing or the chosen reason decided, what the comment's own words say: a second
    # signal for reports (where reason and words disagree); it never changes the offer.
    comment: "Classification | None" = None

    def to_dict(self) -> dict:
        """Return a JSON-ready dict (the comment's signal as `comment_*` keys, when there is one)."""
        data = {
            "category": self.category,
            "voluntary": self.voluntary,
            "influenceable": self.influenceable,
            "confidence": self.confidence,
            "matched": list(self.matched),
            "source": self.source,
        }
        if self.comment is not None:
            data["comment_category"] = self.comment.category
            data["comment_confidence"] = self.comment.confidence
            data["comment_matched"] = list(self.comment.matched)
        return data


def _result(key: str, confidence: float, matched: tuple[str, ...], source: str) -> Classification:
    cat = taxonomy_category(key)
    return Classification(key, cat.voluntary, cat.influenceable, confidence, matched, source)


# A model's top category needs at least this probability; below it the text stays `other`,
# kept for a person. Chosen by cross-validation over the training families (see `training`).
MIN_PROBABILITY = 0.0
# Without failure wording the patterns know, `payment_problem` stands only when the model is
# this sure: in cross-validation over the training families, no voluntary complaint reached it,
# while 30 of the 46 real failures the patterns missed did (insufficient quota, 花呗被关…).
PAYMENT_SURE = 0.9
# A comment placed with less confidence than this is shown to the team with the unplaced ones
# (the admin's unclassified list), so a guess never hides a comment from a person.
REVIEW_BELOW = 0.5


_DEFAULT_PHRASES = {
    cat: {text for text, _ in entries} for cat, entries in lx.DEFAULT_LEXICON.items()
}


def _taught(cat: str, texts: list[str], model: TextModel) -> bool:
    """Tell whether a team taught this match: a category of its own, or a phrase of its own."""
    return cat not in model.index_of_class or any(
        t not in _DEFAULT_PHRASES.get(cat, ()) for t in texts
    )


def _team_category(found, model: TextModel) -> Classification | None:
    """What a team taught decides where it scores highest in the lexicon.

    A team's own phrase or category is an instruction ("comments that say this are that"), and
    the model was never trained on it: when such a match has the top lexicon score, the lexicon
    decides, with the lexicon's confidence. Otherwise the model decides.
    """
    ranked = sorted(found, key=lambda cat: -found[cat][0])
    if not ranked or not _taught(ranked[0], found[ranked[0]][1], model):
        return None
    top = found[ranked[0]][0]
    runner_up = found[ranked[1]][0] if len(ranked) > 1 else 0.0
    return _result(ranked[0], confidence_of(top, runner_up), tuple(found[ranked[0]][1]), "text")


def classify_text(
    text: str, locale: str | None = None, lexicon=None, model: TextModel | None = None
) -> Classification:
    """Classify free text with the lexicon and the statistical model read together.

    The lexicon's category scores are features of the model (`learn.features`), which decides.
    `payment_problem` stands only when the text states a payment failure outright
    (`payment_wording`) or the model is all but certain (`PAYMENT_SURE`); otherwise the next
    category takes its place. A top category below the
    model's probability floor leaves the text `other`. `matched` quotes the words that decided:
    the customer's own spans that pushed hardest, then the lexicon phrases of that category.
    """
    if not text or not text.strip():
        return _result("other", 0.0, (), "none")
    found = lexicon_scan(text, lexicon)
    model = model or base_model()
    own = _team_category(found, model)
    if own is not None:
        return own
    floor = model.meta.get("settings", {}).get("min_probability", MIN_PROBABILITY)
    failure = states_payment_failure(text)
    prediction = model.predict(featurize(text, lexicon_scores(found), failure))
    ranked = list(prediction.ranked)
    sure = prediction.p("payment_problem") >= PAYMENT_SURE
    if ranked[0] == "payment_problem" and not (failure or sure):
        ranked.remove("payment_problem")
    top = ranked[0]
    if top == "other" or prediction.p(top) < floor:
        return _result("other", 0.0, (), "none")
    quoted = quotes(text, prediction.evidence(top))
    said = normalize(" ".join(quoted))
    phrases = tuple(p for p in found.get(top, (0.0, []))[1] if normalize(p) not in said)
    return _result(top, round(prediction.p(top), 2), quoted + phrases, "text")


def classify(
    reason_category: str | None = None,
    comment: str | None = None,
    billing_status: str | None = None,
    locale: str | None = None,
    lexicon=None,
    model: TextModel | None = None,
) -> Classification:
    """Classify a cancellation: billing state first, then the chosen reason, then the comment.

    A chosen reason other than "other" wins over whatever the comment says (the customer picked
    it), with confidence 1.0 and no matched phrases; the comment is then classified too and kept
    as `comment`, a second signal. When the reason is "other", unknown or missing, the comment
    decides.
    """
    said = bool(comment and comment.strip())
    known = CATEGORIES.keys() | (lexicon or {}).keys()
    if billing_status in INVOLUNTARY_BILLING_STATUSES:
        decided = _result("payment_problem", 1.0, (), "billing")
    elif reason_category and reason_category != "other" and reason_category in known:
        decided = _result(reason_category, 1.0, (), "reason")
    elif said:
        return classify_text(comment or "", locale, lexicon, model)
    else:
        return _result("other", 0.0, (), "none")
    if said:
        return replace(decided, comment=classify_text(comment or "", locale, lexicon, model))
    return decided
