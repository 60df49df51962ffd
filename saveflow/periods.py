"""Billing intervals: how much of a charge falls in a month, and calendar arithmetic."""

import calendar
from datetime import datetime, timedelta
from fractions import Fraction

# Months per billing interval: a charge every n <interval>s is worth this × 1/n per month.
MONTHLY_FACTOR = {
    "month": Fraction(1),
    "year": Fraction(1, 12),
    "week": Fraction(52, 12),
    "day": Fraction(365, 12),
}


def monthly_factor(interval: str, interval_count: int = 1) -> Fraction:
    """Return how much of one charge falls into one month."""
    if interval not in MONTHLY_FACTOR:
        raise ValueError(f"unknown billing interval {interval!r}")
    if interval_count < 1:
        raise ValueError("interval_count must be at least 1")
    return MONTHLY_FACTOR[interval] / interval_count


def is_annual(snapshot: dict) -> bool:
    """Return whether a subscription is billed a year (or more) at a time."""
    interval = snapshot.get("interval")
    if interval not in MONTHLY_FACTOR:
        return False
    return monthly_factor(interval, snapshot.get("interval_count") or 1) <= Fraction(1, 12)


def add_interval(start: datetime, interval: str, count: int = 1) -> datetime:
    """Return `start` moved forward by `count` billing intervals, clamping month ends."""
    if interval == "day":
        return start + timedelta(days=count)
    if interval == "week":
        return start + timedelta(weeks=count)
    months = count * (12 if interval == "year" else 1)
    if interval not in ("month", "year"):
        raise ValueError(f"unknown billing interval {interval!r}")
    total = start.month - 1 + months
    year, month = start.year + total // 12, total % 12 + 1
    day = min(start.day, calendar.monthrange(year, month)[1])
    return start.replace(year=year, month=month, day=day)


def current_period_end(started_at: datetime, interval: str, count: int, now: datetime) -> datetime:
    """Return the end of the billing period that contains `now` (the first end if not started)."""
    if interval in ("day", "week"):
        step = timedelta(days=count * (7 if interval == "week" else 1))
        periods = max((now - started_at) // step + 1, 1)
        return started_at + periods * step
    months = count * (12 if interval == "year" else 1)
    elapsed = (now.year - started_at.year) * 12 + now.month - started_at.month
    periods = max(elapsed // months, 1)
    # Step from the anchor so month-end clamping does not drift (Jan 31 → Feb 28 → Mar 31);
    # the estimate is at most one period short, so this loop runs once or twice.
    end = add_interval(started_at, "month", months * periods)
    while end <= now:
        periods += 1
        end = add_interval(started_at, "month", months * periods)
    return end


def cancel_effective_at(snapshot: dict, immediately: bool, now: datetime) -> datetime | None:
    """Return when a cancel takes effect: now, or the current period's end (None if unknown)."""
    if immediately:
        return now
    started = snapshot.get("started_at")
    if not started:
        return None
    return current_period_end(
        datetime.fromisoformat(started), snapshot["interval"], snapshot["interval_count"], now
    )
