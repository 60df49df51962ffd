"""How the admin writes money and shares (the one home of these is `saveflow.reports.money`)."""

from saveflow.reports.money import ZERO_DECIMAL, compact, major, money, percent

__all__ = ["ZERO_DECIMAL", "compact", "major", "money", "percent"]
