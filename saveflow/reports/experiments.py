"""Experiments in the reports: each experiment's treated groups against its holdout.

Read from the daily rollups. The lift is the treated deflection rate minus the holdout's with
Newcombe's 95% interval (`saveflow.reports.lift`); incremental saved revenue is, per currency,
lift × the treated group's decided sessions × the treated group's mean projected revenue per
save — the revenue the offers brought in beyond what customers would have kept anyway.
"""

from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction

from sqlalchemy import func, select

from saveflow.extensions import db
from saveflow.offers.experiments import HOLDOUT
from saveflow.reports.lift import MIN_SAMPLE, Lift, holdout_lift
from saveflow.revenue import round_minor
from saveflow.rollups.models import ReportDay


@dataclass
class Group:
    """Decided sessions of one side of an experiment, with money per currency."""

    saved: int = 0
    withdrawn: int = 0
    cancelled: int = 0
    abandoned: int = 0
    decided_by_currency: dict[str, int] = field(default_factory=dict)
    saves_by_currency: dict[str, int] = field(default_factory=dict)
    projected_by_currency: dict[str, int] = field(default_factory=dict)

    @property
    def stayed(self) -> int:
        return self.saved + self.withdrawn

    @property
    def decided(self) -> int:
        return self.saved + self.withdrawn + self.cancelled


@dataclass(frozen=True)
class ExperimentLift:
    experiment_key: str
    treated: Group
    holdout: Group
    variants: tuple[str, ...]
    lift: Lift | None
    # Currency -> incremental saved revenue in minor units (empty without a lift to read).
    incremental: dict[str, int]

    @property
    def enough_data(self) -> bool:
        return self.lift is not None and self.lift.enough_data


def lifts(
    app_id: str, start: date, end: date, mode: str = "live", min_sample: int = MIN_SAMPLE
) -> list[ExperimentLift]:
    """Return every experiment with decided sessions between `start` and `end` (excluded)."""
    query = (
        select(
            ReportDay.experiment_key,
            ReportDay.variant,
            ReportDay.currency,
            func.sum(ReportDay.saved),
            func.sum(ReportDay.withdrawn),
            func.sum(ReportDay.cancelled),
            func.sum(ReportDay.abandoned),
            func.sum(ReportDay.projected_saved_revenue),
        )
        .where(
            ReportDay.app_id == app_id,
            ReportDay.mode == mode,
            ReportDay.day >= start,
            ReportDay.day < end,
            ReportDay.experiment_key != "",
        )
        .group_by(ReportDay.experiment_key, ReportDay.variant, ReportDay.currency)
        .order_by(ReportDay.experiment_key, ReportDay.variant, ReportDay.currency)
    )
    sides: dict[str, tuple[Group, Group, list[str]]] = {}
    for (
        key,
        variant,
        currency,
        saved,
        withdrawn,
        cancelled,
        abandoned,
        projected,
    ) in db.session.execute(query):
        treated, holdout, variants = sides.setdefault(key, (Group(), Group(), []))
        group = holdout if variant == HOLDOUT else treated
        if variant != HOLDOUT and variant not in variants:
            variants.append(variant)
        _add(group, currency, int(saved), int(withdrawn), int(cancelled), int(abandoned))
        group.projected_by_currency[currency] = group.projected_by_currency.get(currency, 0) + int(
            projected
        )
    return [
        _lift(key, treated, holdout, tuple(variants), min_sample)
        for key, (treated, holdout, variants) in sides.items()
    ]


def _add(group: Group, currency: str, saved: int, withdrawn: int, cancelled: int, abandoned: int):
    group.saved += saved
    group.withdrawn += withdrawn
    group.cancelled += cancelled
    group.abandoned += abandoned
    decided = saved + withdrawn + cancelled
    group.decided_by_currency[currency] = group.decided_by_currency.get(currency, 0) + decided
    group.saves_by_currency[currency] = group.saves_by_currency.get(currency, 0) + saved + withdrawn


def _lift(key: str, treated: Group, holdout: Group, variants, min_sample: int) -> ExperimentLift:
    lift = holdout_lift(
        treated.stayed, treated.decided, holdout.stayed, holdout.decided, min_sample
    )
    return ExperimentLift(key, treated, holdout, variants, lift, incremental(treated, holdout))


def incremental(treated: Group, holdout: Group) -> dict[str, int]:
    """Return lift × treated decided sessions × mean projected revenue per save, per currency."""
    if not treated.decided or not holdout.decided:
        return {}
    difference = Fraction(treated.stayed, treated.decided) - Fraction(
        holdout.stayed, holdout.decided
    )
    out = {}
    for currency, saves in sorted(treated.saves_by_currency.items()):
        if saves:
            mean = Fraction(treated.projected_by_currency.get(currency, 0), saves)
            decided = treated.decided_by_currency.get(currency, 0)
            out[currency] = round_minor(difference * decided * mean)
    return out


def experiment_lift(app_id: str, key: str, mode: str = "live") -> ExperimentLift | None:
    """Return one experiment's lift over all its decided sessions (None: none decided yet)."""
    found = lifts(app_id, date.min, date.max, mode)
    return next((e for e in found if e.experiment_key == key), None)
