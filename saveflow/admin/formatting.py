"""How the admin writes money and shares (the one home of these is `saveflow.money`)."""

from saveflow.money import ZERO_DECIMAL, compact, major, money, percent

__all__ = ["ZERO_DECIMAL", "compact", "major", "money", "percent"]
