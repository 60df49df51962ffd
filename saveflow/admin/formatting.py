"""How the admin writes money and shares: minor units with their currency, rates as percents."""

from fractions import Fraction

from saveflow.reports.revenue import round_minor

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
    text = f"{float(share) * 100:.{places}f}".rstrip("0").rstrip(".")
    return f"{text}%"
