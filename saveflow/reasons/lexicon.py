"""The default phrase lexicon and the negation vocabulary the classifier reads.

Everything here is plain data so a product team's edited copy (stored in the database) can be
passed to `saveflow.reasons.classify.classify_text(..., lexicon=...)` in the same shape:
category -> [(phrase, weight)]. Phrases are written as customers type them; the classifier
normalizes both sides (case, width, inflection, Traditional/Simplified Chinese), so one spelling
per idea is enough, and any language's phrases match any text.

Negation rules, in the order the classifier applies them:
- A phrase preceded by a negator (NEGATIONS) in its clause, with only FILLERS in between, does
  not count ("not too expensive", "it's not really about the price", "不贵", "不是因为价格").
- A phrase followed by a POST_NEGATIONS phrase in its clause does not count ("price is fine").
- A phrase that contains a negator ("don't use", "用不上") is matched whole and never negated.
- A phrase that starts with a CUE_PREFIXES negator ("not using", "never replied", "不好用") also
  matches the rest of the phrase when any negator precedes it: "not using" covers "haven't really
  used", "no response" covers "didn't get a response".
"""

from saveflow.reasons.lexicon_en import EN
from saveflow.reasons.lexicon_zh import TRAD_TO_SIMP, ZH_HANS, ZH_HANT
from saveflow.reasons.taxonomy import CATEGORIES

__all__ = [
    "ALIASES",
    "CLAUSE_BREAKS",
    "CUE_PREFIXES",
    "DEFAULT_LEXICON",
    "FILLERS",
    "NEGATIONS",
    "NO_FUZZ",
    "POST_NEGATIONS",
    "TRAD_TO_SIMP",
]


def _merge(*sources: dict[str, list[tuple[str, float]]]) -> dict[str, list[tuple[str, float]]]:
    """Merge per-language phrase lists in taxonomy order (the tie-break order)."""
    return {
        key: [entry for source in sources for entry in source.get(key, [])]
        for key in CATEGORIES
        if key != "other"
    }


DEFAULT_LEXICON: dict[str, list[tuple[str, float]]] = _merge(EN, ZH_HANS, ZH_HANT)

# Apostrophes are dropped before matching, so "don't" is written "dont" here.
# "no" is a negator, so "no longer use" / "no need" must be lexicon phrases to count positively.
NEGATIONS: tuple[str, ...] = (
    "not", "no", "never", "nothing", "nobody", "none", "neither", "nor", "hardly",
    "dont", "doesnt", "didnt", "isnt", "arent", "wasnt", "werent", "aint", "cant", "couldnt",
    "wont", "wouldnt", "shouldnt", "havent", "hasnt", "hadnt",
    "不", "没", "沒", "无", "無", "未", "非", "并不", "並不", "不是", "没有", "沒有",
)  # fmt: skip

# Phrases starting with one of these also match their remainder after any negator.
CUE_PREFIXES: tuple[str, ...] = ("not", "never", "no", "不", "没", "沒")

# Words skipped when counting the negation window, so "not really about the price" is negated.
FILLERS: tuple[str, ...] = (
    "a", "an", "the", "that", "this", "it", "its", "is", "was", "are", "were", "be", "been",
    "am", "i", "im", "we", "my", "our", "your", "really", "very", "so", "too", "quite",
    "pretty", "much", "even", "actually", "honestly", "all", "at", "of", "about", "because",
    "to", "one", "any", "anything", "ever", "still", "think", "feel", "get", "got", "have",
    "had", "longer",
    "是", "因", "为", "為", "太", "很", "算", "会", "會", "的", "真", "也", "都", "还", "還",
    "得", "觉", "覺", "并", "並", "有", "怎", "么", "麼", "样", "樣", "再", "就", "又", "倒", "其", "实",
    "實", "这", "這", "那", "个", "個", "一", "点", "點", "些", "多", "常",
)  # fmt: skip

# Words that end a negation's reach even without punctuation: "not cheap but I love it".
CLAUSE_BREAKS: tuple[str, ...] = (
    "but", "and", "however", "though", "although", "just", "plus", "also", "or",
    "while", "instead", "rather", "except",
    "但", "但是", "可是", "不过", "不過", "而且", "只是", "就是", "主要", "而是",
)  # fmt: skip

# Said right after a phrase (fillers skipped), these cancel it: "the price is fine".
POST_NEGATIONS: tuple[str, ...] = (
    "fine", "ok", "okay", "reasonable", "fair", "good", "great", "not bad", "not an issue",
    "not the issue", "not a problem", "not the problem", "not the reason", "isnt the issue",
    "isnt an issue", "isnt the problem", "isnt a problem", "wasnt the issue", "no problem",
    "不是问题", "不是問題", "没问题", "沒問題", "还好", "還好", "还行", "還行", "还可以",
    "還可以", "可以接受", "合理", "不贵", "不貴", "不高", "挺好", "很好", "不错", "不錯",
)  # fmt: skip

# Contractions written out in full are folded to the apostrophe-free contraction.
ALIASES: dict[tuple[str, ...], str] = {
    ("cannot",): "cant", ("can", "not"): "cant", ("do", "not"): "dont",
    ("does", "not"): "doesnt", ("did", "not"): "didnt", ("is", "not"): "isnt",
    ("are", "not"): "arent", ("was", "not"): "wasnt", ("were", "not"): "werent",
    ("have", "not"): "havent", ("has", "not"): "hasnt", ("will", "not"): "wont",
    ("would", "not"): "wouldnt", ("could", "not"): "couldnt",
}  # fmt: skip

# Real words one typo away from a lexicon word; never "corrected" into it (typo matching only
# considers words of 8+ letters, so shorter words need no entry).
NO_FUZZ: tuple[str, ...] = (
    "extensive", "difference", "differences", "cancellation", "subscription", "subscriptions",
    "integral", "revocation", "performant",
)  # fmt: skip
