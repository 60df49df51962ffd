"""Billing-period arithmetic: calendar months clamp to short months, counted from the anchor."""

import calendar
from datetime import UTC, datetime

# The longest each interval can be, so a first estimate of elapsed periods never overshoots.
_LONGEST = {"day": 86400, "week": 7 * 86400, "month": 31 * 86400, "year": 366 * 86400}


def add_months(timestamp, months):
    """Move a Unix time by whole calendar months; Jan 31 + 1 month is Feb 28 (or 29)."""
    moment = datetime.fromtimestamp(timestamp, UTC)
    index = moment.month - 1 + months
    year, month = moment.year + index // 12, index % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return int(moment.replace(year=year, month=month, day=day).timestamp())


def step(anchor, interval, count, periods=1):
    """Return the anchor moved by `periods` billing intervals (negative moves back)."""
    if interval == "day":
        return anchor + 86400 * count * periods
    if interval == "week":
        return anchor + 7 * 86400 * count * periods
    return add_months(anchor, count * periods * (12 if interval == "year" else 1))


def period_containing(anchor, interval, count, now):
    """Return the (start, end) billing period around `now`, counted from the anchor."""
    if now < anchor:
        return step(anchor, interval, count, -1), anchor
    # Stepping from the anchor each time (never from the last end) keeps the 31st on the 31st.
    periods = max(0, (now - anchor) // (_LONGEST[interval] * count) - 1)
    while step(anchor, interval, count, periods + 1) <= now:
        periods += 1
    return step(anchor, interval, count, periods), step(anchor, interval, count, periods + 1)
