"""The saved-revenue report: decided sessions and their money, per group and currency.

Read from the daily rollups, so its cost grows with days × groups, not with sessions; the same
query over the sessions table (`source="sessions"`) gives the exact figures the rollups must
equal. Money is in minor units and never summed across currencies: currency is always a group.
Days and months are the app's report time zone's (UTC unless the app sets another).
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction

from sqlalchemy import select

from saveflow.extensions import db
from saveflow.reports import sources
from saveflow.rollups.models import ReportDay
from saveflow.sessions.models import Session

# What a report may be grouped by, and the output columns each grouping adds.
GROUPS: dict[str, tuple[str, ...]] = {
    "month": ("month",),
    "day": ("day",),
    "offer": ("offer",),
    "offer_type": ("offer_type",),
    "reason_category": ("reason_category",),
    "plan": ("plan",),
    "variant": ("experiment", "variant"),
    "currency": (),  # always a group: money is never summed across currencies
}
# The stable columns after the group keys, in this order (money in minor units).
COLUMNS = (
    "currency",
    "sessions",
    "saved",
    "withdrawn",
    "cancelled",
    "abandoned",
    "deflection_rate",
    "saved_mrr",
    "projected_saved_revenue",
    "offer_cost",
    "realized_saved_revenue",
    # Added after the first release of the report; new columns only ever go at the end.
    "recovered",
    "pending",
    "confirmed",
    "boomerang",
)
# Output name -> rollup key, for the groupings and the filters.
_KEY_OF = {
    "offer": "offer_key",
    "offer_type": "offer_type",
    "reason_category": "reason_category",
    "plan": "plan",
    "experiment": "experiment_key",
    "variant": "variant",
}
FILTERS = tuple(_KEY_OF)
MODES = ("live", "test")


@dataclass(frozen=True)
class ReportQuery:
    """One app's decided sessions from `start` (included) to `end` (excluded), local days."""

    app_id: str
    start: date
    end: date
    group_by: tuple[str, ...] = ()
    currency: str | None = None
    mode: str = "live"
    # Output name -> value; "" matches "none" (no offer shown, no experiment).
    filters: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        unknown = [g for g in self.group_by if g not in GROUPS]
        if unknown:
            raise ValueError(f"unknown grouping {unknown[0]!r}")
        if self.mode not in MODES:
            raise ValueError(f"unknown mode {self.mode!r}")
        bad = [f for f in self.filters if f not in _KEY_OF]
        if bad:
            raise ValueError(f"unknown filter {bad[0]!r}")

    @property
    def names(self) -> tuple[str, ...]:
        """The output's group-key columns, in the order asked for."""
        return tuple(name for group in self.group_by for name in GROUPS[group])


def deflection_rate(saved: int, withdrawn: int, cancelled: int) -> Fraction | None:
    """(saved + withdrawn) / (saved + withdrawn + cancelled); None without a decision."""
    decided = saved + withdrawn + cancelled
    return Fraction(saved + withdrawn, decided) if decided else None


def rows(query: ReportQuery, source: str = "rollups") -> list[dict]:
    """Return one dict per group: the group keys, then `COLUMNS` (rate as a float, 4 places)."""
    if source == "rollups":
        keys, measures = sources.rollup_keys(), sources.rollup_measures()
        table: type = ReportDay
    else:
        keys, measures = sources.session_keys(), sources.session_measures()
        table = Session
    dialect = db.session.get_bind().dialect.name
    outputs = {
        "month": sources.month_start(keys["day"], dialect),
        "day": keys["day"],
        **{name: keys[key] for name, key in _KEY_OF.items()},
    }
    groups = [outputs[name].label(name) for name in query.names]
    currency = keys["currency"].label("currency")
    statement = (
        select(*groups, currency, *(m.label(n) for n, m in measures.items()))
        .select_from(table)
        .where(
            keys["app_id"] == query.app_id,
            keys["mode"] == query.mode,
            keys["day"] >= query.start,
            keys["day"] < query.end,
        )
        .group_by(*(outputs[name] for name in query.names), keys["currency"])
        .order_by(*(outputs[name] for name in query.names), keys["currency"])
    )
    if source != "rollups":
        statement = statement.where(Session.outcome.is_not(None))
    if query.currency:
        statement = statement.where(keys["currency"] == query.currency.lower())
    for name, value in query.filters.items():
        statement = statement.where(keys[_KEY_OF[name]] == value)
    return [_row(query, row._mapping) for row in db.session.execute(statement)]


def _row(query: ReportQuery, found: Mapping) -> dict:
    out: dict = {}
    for name in query.names:
        value = found[name]
        if name == "month":
            value = _as_date(value).strftime("%Y-%m")
        elif name == "day":
            value = _as_date(value).isoformat()
        else:
            value = value or None  # "" is "none"
        out[name] = value
    counts = {name: int(found[name] or 0) for name in COLUMNS if name not in _COMPUTED}
    rate = deflection_rate(counts["saved"], counts["withdrawn"], counts["cancelled"])
    for name in COLUMNS:
        if name == "currency":
            out[name] = found["currency"]
        elif name == "deflection_rate":
            out[name] = None if rate is None else round(float(rate), 4)
        else:
            out[name] = counts[name]
    return out


_COMPUTED = ("currency", "deflection_rate")


def _as_date(value) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])
