"""Holdout lift: how much more often treated customers stayed than the holdout, with its 95% CI.

The interval for the difference of two independent proportions is Newcombe's hybrid score
interval (his method 10, 1998), built from the Wilson score interval of each proportion without
continuity correction. It stays inside [-1, 1], behaves at 0 and n successes, and keeps close to
its nominal coverage at the small samples an early experiment has, where the plain Wald interval
does not.
"""

from dataclasses import dataclass
from math import sqrt

Z95 = 1.959963984540054  # the 97.5th percentile of the standard normal distribution
# Below this many decided sessions in either group the report says "not enough data yet".
MIN_SAMPLE = 30


@dataclass(frozen=True)
class Lift:
    treated_rate: float
    holdout_rate: float
    difference: float  # treated minus holdout, as a share (0.12 = 12 points)
    low: float
    high: float
    enough_data: bool


def wilson(successes: int, n: int, z: float = Z95) -> tuple[float, float]:
    """Return the Wilson score interval of successes / n (no continuity correction)."""
    if n <= 0 or not 0 <= successes <= n:
        raise ValueError("need 0 <= successes <= n and n > 0")
    p = successes / n
    z2 = z * z
    centre = p + z2 / (2 * n)
    spread = z * sqrt(p * (1 - p) / n + z2 / (4 * n * n))
    scale = 1 + z2 / n
    return (centre - spread) / scale, (centre + spread) / scale


def difference_interval(
    x1: int, n1: int, x2: int, n2: int, z: float = Z95
) -> tuple[float, float, float]:
    """Return p1 - p2 and Newcombe's hybrid score interval for it."""
    p1, p2 = x1 / n1, x2 / n2
    l1, u1 = wilson(x1, n1, z)
    l2, u2 = wilson(x2, n2, z)
    diff = p1 - p2
    low = diff - sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2)
    high = diff + sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)
    return diff, low, high


def holdout_lift(
    treated_saved: int,
    treated_decided: int,
    holdout_stayed: int,
    holdout_decided: int,
    min_sample: int = MIN_SAMPLE,
) -> Lift | None:
    """Return the lift of the treated group's deflection rate over the holdout's.

    None when either group has no decided session; `enough_data` is False below `min_sample`
    in either group, and a report then says so instead of showing the figure as a finding.
    """
    if treated_decided <= 0 or holdout_decided <= 0:
        return None
    diff, low, high = difference_interval(
        treated_saved, treated_decided, holdout_stayed, holdout_decided
    )
    return Lift(
        treated_rate=treated_saved / treated_decided,
        holdout_rate=holdout_stayed / holdout_decided,
        difference=diff,
        low=low,
        high=high,
        enough_data=min(treated_decided, holdout_decided) >= min_sample,
    )
