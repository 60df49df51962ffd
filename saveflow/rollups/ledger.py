"""Keep the daily rollups equal to what the sessions table says, one change at a time.

A session counts in one `report_days` row (its local day and groups) once it is decided, and a
save in one `report_cohorts` row (its month and how long it was kept). Each writer of those
figures takes the session's facts before and after its change and calls `track`, which adds the
difference in the same transaction with an atomic upsert, so concurrent writers never lose an
update and a rolled-back change leaves the rollups untouched.
"""

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import delete
from sqlalchemy.dialects import postgresql, sqlite

from saveflow.extensions import db
from saveflow.rollups.models import (
    COHORT_KEYS,
    DAY_KEYS,
    SAVE_OUTCOMES,
    STILL_SUBSCRIBED,
    ReportCohort,
    ReportDay,
)

DEFAULT_TIMEZONE = "UTC"


@dataclass(frozen=True)
class Facts:
    """What one session contributes to the rollups."""

    app_id: str
    mode: str
    outcome: str | None
    report_day: date | None
    currency: str
    shown_offer_key: str | None
    shown_offer_type: str | None
    reason_category: str | None
    plan: str | None
    experiment_key: str | None
    variant: str | None
    save_status: str | None
    saved_mrr: int | None
    projected_revenue: int | None
    projected_revenue_cut: int | None
    offer_cost: int | None
    realized_revenue: int | None
    months_kept: int | None

    @classmethod
    def of(cls, source) -> "Facts":
        """Read the facts off a session, or off a row that returned `fact_columns(Session)`."""
        return cls(*(getattr(source, name) for name in FACT_NAMES))

    @property
    def projected(self) -> int:
        """The projection finance books: a boomerang's is cut at the subscription's end."""
        if self.projected_revenue_cut is not None:
            return self.projected_revenue_cut
        return self.projected_revenue or 0


FACT_NAMES = tuple(Facts.__dataclass_fields__)


def fact_columns(model) -> tuple:
    """Return the session model's columns the facts are read from, for a RETURNING clause."""
    return tuple(getattr(model, name) for name in FACT_NAMES)


def timezone_of(settings: dict | None) -> ZoneInfo:
    """Return an app's report time zone (its months and days), UTC unless set."""
    name = (settings or {}).get("report_timezone") or DEFAULT_TIMEZONE
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(DEFAULT_TIMEZONE)


def local_day(moment: datetime, zone: ZoneInfo) -> date:
    """Return the calendar day `moment` falls on in `zone`."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(zone).date()


def months_between(start: datetime, end: datetime) -> int:
    """Return how many whole calendar months lie between two moments (0 if end comes first)."""
    months = (end.year - start.year) * 12 + end.month - start.month
    if (end.day, end.timetz().replace(tzinfo=None)) < (
        start.day,
        start.timetz().replace(tzinfo=None),
    ):
        months -= 1
    return max(months, 0)


def kept_for(saved_at: datetime | None, ended_at: datetime | None) -> int | None:
    """Return a save's `months_kept`: None before a decision, STILL_SUBSCRIBED without an end."""
    if saved_at is None:
        return None
    if ended_at is None:
        return STILL_SUBSCRIBED
    return months_between(saved_at.astimezone(UTC), ended_at.astimezone(UTC))


def decision_values(
    session,
    outcome: str,
    now: datetime,
    zone: ZoneInfo,
    offer_type: Callable[[str], str | None],
    accepted: str | None = None,
) -> dict:
    """Return the report columns a session gets when it is decided.

    The offer is the accepted one for a save, else the last one the customer was shown, else
    none; the category and the plan are the ones the session was decided with, so editing a
    reason or renaming a plan later never moves past figures.
    """
    shown = accepted
    if shown is None and session.offer_keys:
        shown = session.offer_keys[min(session.offer_index, len(session.offer_keys) - 1)]
    return {
        "report_day": local_day(now, zone),
        "shown_offer_key": shown,
        "shown_offer_type": offer_type(shown) if shown else None,
        "reason_category": (session.classification or {}).get("category"),
        "plan": (session.snapshot or {}).get("plan"),
        "months_kept": STILL_SUBSCRIBED if outcome in SAVE_OUTCOMES else None,
    }


def _day_row(f: Facts) -> tuple[tuple, Counter]:
    key = (
        f.app_id,
        f.mode,
        f.report_day,
        f.currency,
        f.shown_offer_key or "",
        f.shown_offer_type or "",
        f.reason_category or "",
        f.plan or "",
        f.experiment_key or "",
        f.variant or "",
    )
    values: Counter = Counter(sessions=1)
    values[f.outcome] += 1
    if f.outcome in SAVE_OUTCOMES:
        values[f.save_status] += 1
        values["saved_mrr"] += f.saved_mrr or 0
        values["projected_saved_revenue"] += f.projected
        values["offer_cost"] += f.offer_cost or 0
        values["realized_saved_revenue"] += f.realized_revenue or 0
    return key, values


def _cohort_row(f: Facts) -> tuple[tuple, Counter]:
    assert f.report_day is not None
    month = f.report_day.replace(day=1)
    kept = STILL_SUBSCRIBED if f.months_kept is None else f.months_kept
    key = (f.app_id, f.mode, month, f.currency, kept)
    values: Counter = Counter(
        saves=1,
        saved_mrr=f.saved_mrr or 0,
        projected_saved_revenue=f.projected,
        realized_saved_revenue=f.realized_revenue or 0,
    )
    return key, values


def contributions(f: Facts | None) -> dict[tuple, Counter]:
    """Return the rollup rows a session counts in, keyed by (table, key), with its values."""
    if f is None or f.outcome is None or f.report_day is None:
        return {}
    key, values = _day_row(f)
    rows: dict[tuple, Counter] = {(ReportDay, key): values}
    if f.outcome in SAVE_OUTCOMES:
        key, values = _cohort_row(f)
        rows[(ReportCohort, key)] = values
    return rows


def difference(before: Facts | None, after: Facts | None) -> dict[tuple, Counter]:
    """Return what must be added to each rollup row to move a session from before to after."""
    delta: dict[tuple, Counter] = {}
    for sign, facts in ((-1, before), (1, after)):
        for row, values in contributions(facts).items():
            total = delta.setdefault(row, Counter())
            for name, amount in values.items():
                total[name] += sign * amount
    return {row: values for row, values in delta.items() if any(values.values())}


def _insert(model):
    dialect = db.session.get_bind().dialect.name
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(model)


def add(delta: dict[tuple, Counter]) -> None:
    """Add each row's values to the rollups, creating rows as needed (in the caller's commit)."""
    # Rows in one order everywhere, so two transactions never wait on each other in a circle.
    for (model, key), values in sorted(delta.items(), key=lambda item: _order(*item[0])):
        names = DAY_KEYS if model is ReportDay else COHORT_KEYS
        row = {**dict(zip(names, key, strict=True)), **values}
        statement = _insert(model).values(row)
        statement = statement.on_conflict_do_update(
            index_elements=list(names),
            set_={name: getattr(model, name) + statement.excluded[name] for name in values},
        )
        db.session.execute(statement)
        count = "sessions" if model is ReportDay else "saves"
        if values[count] < 0:
            # A save that moved to another cohort leaves no empty row behind (a rebuild has none).
            db.session.execute(
                delete(model).where(
                    *(getattr(model, name) == part for name, part in zip(names, key, strict=True)),
                    getattr(model, count) == 0,
                )
            )


def _order(model, key: tuple) -> tuple:
    return (model.__tablename__, tuple(str(part) for part in key))


def track(before: Facts | None, after: Facts | None) -> None:
    """Move one session's contribution to the rollups from `before` to `after`."""
    delta = difference(before, after)
    if delta:
        add(delta)


def track_many(changes: Iterable[tuple[Facts | None, Facts | None]]) -> None:
    """Move several sessions' contributions at once, one upsert per rollup row touched."""
    delta: dict[tuple, Counter] = {}
    for before, after in changes:
        for row, values in difference(before, after).items():
            delta.setdefault(row, Counter()).update(values)
    add({row: values for row, values in delta.items() if any(values.values())})
