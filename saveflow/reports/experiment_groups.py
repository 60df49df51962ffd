"""An experiment's results per group (open sessions included), counted by the database.

The experiment results page reads these per rule; the holdout lift and incremental revenue come
from `saveflow.reports.experiments`, read from the rollups.
"""

from dataclasses import dataclass
from fractions import Fraction

from sqlalchemy import case, func, select

from saveflow.extensions import db
from saveflow.offers.experiments import HOLDOUT
from saveflow.reports.lift import MIN_SAMPLE
from saveflow.sessions.models import Session

# Under this many decided sessions a group's rate is shown as too small to read: the same
# threshold below which the lift says "not enough data yet".
MIN_DECIDED = MIN_SAMPLE


@dataclass(frozen=True)
class GroupResult:
    """One variant (or the holdout): its sessions by outcome and its deflection rate."""

    variant: str
    sessions: int = 0
    saved: int = 0
    withdrawn: int = 0
    cancelled: int = 0
    abandoned: int = 0
    open: int = 0

    @property
    def decided(self) -> int:
        """The deflection rate's sample: saved + withdrawn + cancelled."""
        return self.saved + self.withdrawn + self.cancelled

    @property
    def deflection(self) -> Fraction | None:
        """(saved + withdrawn) / (saved + withdrawn + cancelled), None without a decision."""
        return Fraction(self.saved + self.withdrawn, self.decided) if self.decided else None

    @property
    def small(self) -> bool:
        return self.decided < MIN_DECIDED


def _count(outcome: str | None):
    test = Session.outcome.is_(None) if outcome is None else Session.outcome == outcome
    return func.sum(case((test, 1), else_=0))


def experiment_results(
    app_id: str,
    rule_id: str,
    key: str,
    variants: list[str],
    mode: str | None = "live",
    holdout: bool = True,
) -> list[GroupResult]:
    """Return each of `variants`, then the holdout (when it has one or sessions say so) and
    any other group sessions recorded."""
    query = (
        select(
            Session.variant,
            func.count(),
            _count("saved"),
            _count("withdrawn"),
            _count("cancelled"),
            _count("abandoned"),
            _count(None),
        )
        .where(
            Session.app_id == app_id,
            Session.rule_id == rule_id,
            Session.experiment_key == key,
            Session.variant.is_not(None),
        )
        .group_by(Session.variant)
    )
    if mode:
        query = query.where(Session.mode == mode)
    rows = {
        row[0]: GroupResult(row[0], *(int(n or 0) for n in row[1:]))
        for row in db.session.execute(query)
    }
    groups = [*variants, HOLDOUT] if holdout or HOLDOUT in rows else list(variants)
    order = [*groups, *sorted(set(rows) - set(groups))]
    return [rows.get(name, GroupResult(name)) for name in order]


def sessions_per_experiment(app_id: str, mode: str | None = "live") -> dict[tuple[str, str], int]:
    """Return how many sessions each (rule, experiment key) has placed in a group."""
    query = (
        select(Session.rule_id, Session.experiment_key, func.count())
        .where(
            Session.app_id == app_id,
            Session.experiment_key.is_not(None),
            Session.variant.is_not(None),
        )
        .group_by(Session.rule_id, Session.experiment_key)
    )
    if mode:
        query = query.where(Session.mode == mode)
    return {(rule, key): int(n) for rule, key, n in db.session.execute(query)}
