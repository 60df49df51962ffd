"""Calendar arithmetic for billing periods."""

import calendar
from datetime import datetime, timedelta


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
    """Return the end of the billing period that contains `now`."""
    periods = 1
    end = add_interval(started_at, interval, count)
    while end <= now:
        periods += 1
        # Always step from the anchor so month-end clamping does not drift (Jan 31 → Feb 28 → Mar 31).
        end = add_interval(started_at, interval, count * periods)
    return end
