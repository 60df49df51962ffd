"""The months a report covers: defaulted, bounded, and turned into the days a query reads."""

from datetime import date

from saveflow.domain_errors import BadQuery

# A request may ask for up to three years at once; without `from`/`to`, the last twelve months.
MAX_MONTHS = 36
DEFAULT_MONTHS = 12


def add_months(month: date, count: int) -> date:
    """Return the first day of the month `count` months after `month`'s (before, if negative)."""
    index = month.year * 12 + month.month - 1 + count
    return date(index // 12, index % 12 + 1, 1)


def months_in(first: date, last: date) -> int:
    """Return how many months `first` to `last` covers, both included."""
    return (last.year - first.year) * 12 + last.month - first.month + 1


def report_months(first: date | None, last: date | None, today: date) -> tuple[date, date]:
    """Return the first and last month (first days) a report covers.

    `last` defaults to the month of `today` (the app's local day), `first` to eleven months
    before `last`, so an empty request reads the last twelve months, this one included.
    """
    last = (last or today).replace(day=1)
    first = (first or add_months(last, 1 - DEFAULT_MONTHS)).replace(day=1)
    if first > last:
        raise BadQuery(
            "`from` is after `to`.",
            errors={"from": [f"{first:%Y-%m} is after {last:%Y-%m}; give from ≤ to."]},
        )
    if months_in(first, last) > MAX_MONTHS:
        raise BadQuery(
            f"A report covers at most {MAX_MONTHS} months.",
            errors={
                "to": [
                    f"{first:%Y-%m} to {last:%Y-%m} is {months_in(first, last)} months; "
                    f"ask for at most {MAX_MONTHS} at a time."
                ]
            },
        )
    return first, last


def day_range(first: date, last: date) -> tuple[date, date]:
    """Return the days a query reads: from `first`'s first day to the day after `last` ends."""
    return first, add_months(last, 1)
