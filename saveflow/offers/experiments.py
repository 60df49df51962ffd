"""Deterministic experiment assignment: weighted variants of a rule's offers plus a holdout.

A customer's point on [0, 1) is sha256("{seed}:{experiment key}:{customer}"). Points below the
holdout share go to the holdout; the rest of the interval is split by variant weight in document
order. The same customer therefore always lands in the same group of the same experiment, while a
new experiment key (or another app, via the seed) reshuffles everyone independently. Changing
weights or the holdout moves customers near the boundaries, so edit a running experiment by giving
it a new key.
"""

from dataclasses import dataclass
from hashlib import sha256

HOLDOUT = "holdout"


@dataclass(frozen=True)
class Experiment:
    key: str
    holdout: float
    # (variant name, upper bound of its slice of [0, 1), its offers), in document order.
    variants: tuple[tuple[str, float, tuple[str, ...]], ...]

    def offers_of(self, variant: str) -> tuple[str, ...]:
        """Return the offers a variant shows (none for the holdout)."""
        return next((offers for name, _, offers in self.variants if name == variant), ())


def compile_experiment(experiment: dict) -> Experiment:
    """Precompute the slice of [0, 1) each variant owns."""
    holdout = float(experiment.get("holdout", 0))
    variants = experiment["variants"]
    total = sum(float(v["weight"]) for v in variants)
    bounds, running = [], 0.0
    for variant in variants:
        running += float(variant["weight"])
        upper = holdout + (1 - holdout) * running / total
        bounds.append((variant["name"], upper, tuple(variant["offers"])))
    return Experiment(experiment["key"], holdout, tuple(bounds))


def hash_point(seed: str, key: str, customer: str) -> float:
    """Return the customer's uniform point on [0, 1) for an experiment."""
    digest = sha256(f"{seed}:{key}:{customer}".encode()).digest()
    # 53 bits fill a float's mantissa exactly, so the point is uniform on [0, 1) and never 1.0.
    return (int.from_bytes(digest[:8], "big") >> 11) / (1 << 53)


def assign(seed: str, customer: str, experiment: Experiment) -> str:
    """Return the customer's variant name, or HOLDOUT, in a compiled experiment."""
    point = hash_point(seed, experiment.key, customer)
    if point < experiment.holdout:
        return HOLDOUT
    for name, upper, _ in experiment.variants:
        if point < upper:
            return name
    return experiment.variants[-1][0]  # float rounding can leave the last bound just below 1


def assign_variant(seed: str, customer: str, experiment: dict) -> str:
    """Return the customer's variant name (or "holdout") in an experiment document."""
    return assign(seed, customer, compile_experiment(experiment))
