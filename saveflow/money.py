"""How money and shares are written for people: minor units with their currency, rates as percents.

The admin, the reports pages and the finance digest all write figures with these, so a figure
reads the same wherever finance meets it.
"""

from decimal import Decimal, InvalidOperation
from fractions import Fraction

from saveflow.revenue import round_minor

# Currencies whose minor unit is the unit itself (Stripe's list of zero-decimal currencies).
ZERO_DECIMAL = frozenset(
    [
        "bif",
        "clp",
        "djf",
        "gnf",
        "jpy",
        "kmf",
        "krw",
        "mga",
        "pyg",
        "rwf",
        "ugx",
        "vnd",
        "vuv",
        "xaf",
        "xof",
        "xpf",
    ]
)


def money(minor: int | Fraction | None, currency: str, signed: bool = False) -> str:
    """Write an amount in minor units as `1,234.56 USD` (a sign in front when `signed`)."""
    if minor is None:
        return "—"
    rounded = round_minor(Fraction(minor))
    sign = "+" if signed and rounded > 0 else ("−" if rounded < 0 else "")
    if currency.lower() in ZERO_DECIMAL:
        return f"{sign}{abs(rounded):,} {currency.upper()}"
    whole, cents = divmod(abs(rounded), 100)
    return f"{sign}{whole:,}.{cents:02d} {currency.upper()}"


def percent(share: Fraction | float | None, places: int = 1) -> str:
    """Write a share of 1 as a percentage, `—` when there is none."""
    if share is None:
        return "—"
    text = f"{float(share) * 100:.{places}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return f"{text}%"


def major(minor: int | Fraction, currency: str) -> Fraction:
    """Return an amount in minor units in the currency's main unit (cents to dollars)."""
    return Fraction(minor) if currency.lower() in ZERO_DECIMAL else Fraction(minor) / 100


def to_minor(typed: str, currency: str) -> int:
    """Return an amount typed in the currency's main unit (`1,250.50` dollars) in minor units.

    ValueError when it is not a number, or has finer parts than the currency (cents of a yen).
    """
    try:
        amount = Decimal(typed.strip().replace(",", ""))
    except InvalidOperation:
        raise ValueError(f"{typed!r} is not an amount") from None
    if not amount.is_finite():
        raise ValueError(f"{typed!r} is not an amount")
    minor = amount if currency.lower() in ZERO_DECIMAL else amount * 100
    if minor != minor.to_integral_value():
        places = "whole numbers" if currency.lower() in ZERO_DECIMAL else "to the cent"
        raise ValueError(f"{currency.upper()} amounts are {places}")
    return int(minor)


def compact(minor: int | float | Fraction, currency: str) -> str:
    """Write an amount short for a chart's axis, in the main unit: `1.2k`, `35`, `2.5M`."""
    value = float(major(Fraction(minor), currency))
    size = abs(value)
    for limit, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
        if size >= limit:
            text = f"{value / limit:.1f}".rstrip("0").rstrip(".")
            return f"{text}{suffix}".replace("-", "−")
    text = f"{value:.2f}".rstrip("0").rstrip(".") if size < 10 and value % 1 else f"{value:,.0f}"
    return text.replace("-", "−")


def points(share: float | None, places: int = 1) -> str:
    """Write a difference of two shares in percentage points: `+5.2 pts`, `−3 pts`."""
    if share is None:
        return "—"
    value = round(share * 100, places)
    if value == 0:
        return "0 pts"
    text = f"{value:+.{places}f}".rstrip("0").rstrip(".") if places else f"{value:+.0f}"
    return text.replace("-", "−") + " pts"


def signed_percent(share: float | None, places: int = 1) -> str:
    """Write a relative change as a signed percentage: `+12.5%`, `−3%`."""
    if share is None:
        return "—"
    sign = "+" if share > 0 else "−" if share < 0 else ""
    return sign + percent(abs(share), places)
