"""Where the reason a customer chose and the words they wrote disagree.

When a customer picks a reason and also writes a comment, the reason decides the offer and the
comment is classified too, as a second signal (`classification.comment_category`). Counting the
pairs shows which survey reasons customers pick while saying something else: a reason list that
misses how they think, or an option they click to get through.
"""

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, select

from saveflow.extensions import db
from saveflow.sessions.models import Session

UNCLEAR = "other"  # the words named no category: neither agreement nor disagreement


@dataclass
class ReasonWords:
    reason: str  # category of the chosen reason
    read: int = 0  # comments classified under it
    agree: int = 0
    unclear: int = 0
    instead: Counter = field(default_factory=Counter)  # category the words named instead

    @property
    def disagree(self) -> int:
        return self.read - self.agree - self.unclear

    def top_instead(self, n: int = 2) -> list[tuple[str, int]]:
        return self.instead.most_common(n)


def reason_vs_words(app_id: str, start: date, end: date, mode: str) -> list[ReasonWords]:
    """Return, per chosen category, how often the comment's words agreed (most read first)."""
    chosen = Session.classification["category"].as_string()
    words = Session.classification["comment_category"].as_string()
    rows = db.session.execute(
        select(chosen, words, func.count())
        .where(
            Session.app_id == app_id,
            Session.mode == mode,
            Session.report_day >= start,
            Session.report_day < end,
            words.is_not(None),
        )
        .group_by(chosen, words)
    )
    found: dict[str, ReasonWords] = {}
    for reason, said, count in rows:
        entry = found.setdefault(reason, ReasonWords(reason))
        entry.read += count
        if said == reason:
            entry.agree += count
        elif said == UNCLEAR:
            entry.unclear += count
        else:
            entry.instead[said] += count
    return sorted(found.values(), key=lambda e: (-e.read, e.reason))
