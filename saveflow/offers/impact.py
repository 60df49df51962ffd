"""What showing other offers is worth, estimated from how often each offer type was accepted.

The model, which the simulator page states in the same words:

- Each time an offer of a type is shown, the customer accepts it with that type's acceptance rate:
  acceptances / times shown, counted over the sessions of the window that have ended. Every
  customer, reason and position in the list gets the same rate for that type.
- Offers come one after another, the next only after a decline, so offer i is reached with
  probability Π(1 − rate) of the offers before it.
- An acceptance is worth the projected saved revenue of that session's subscription under that
  offer's terms over the horizon (the figure finance books for a save).
- A session's estimate needs every offer type in it to have at least `min_shows` showings;
  otherwise it is left out of both sides of the comparison.

Exact fractions throughout; rounding to minor units is for display only.
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

MIN_SHOWS = 20


@dataclass(frozen=True)
class Rate:
    """How often an offer type was accepted when shown, and whether that is enough to go on."""

    offer_type: str
    shown: int
    accepted: int
    min_shows: int = MIN_SHOWS

    @property
    def enough(self) -> bool:
        return self.shown >= self.min_shows and self.shown > 0

    @property
    def value(self) -> Fraction | None:
        """Return acceptances / times shown, or None under the minimum sample."""
        return Fraction(self.accepted, self.shown) if self.enough else None


def acceptance_rates(
    showings: Iterable[tuple[str, bool]], min_shows: int = MIN_SHOWS
) -> dict[str, Rate]:
    """Count (offer type, accepted?) showings into a rate per offer type."""
    shown: dict[str, int] = {}
    accepted: dict[str, int] = {}
    for offer_type, was_accepted in showings:
        shown[offer_type] = shown.get(offer_type, 0) + 1
        accepted[offer_type] = accepted.get(offer_type, 0) + int(was_accepted)
    return {name: Rate(name, shown[name], accepted[name], min_shows) for name in sorted(shown)}


def expected_revenue(
    offers: Sequence[tuple[str, int]], rates: Mapping[str, Rate]
) -> Fraction | None:
    """Return the expected saved revenue of showing (offer type, projected revenue) in order.

    None when an offer type in the list has too few showings to estimate; no offers is worth 0.
    """
    total = Fraction(0)
    reach = Fraction(1)
    for offer_type, revenue in offers:
        rate = rates.get(offer_type)
        value = rate.value if rate is not None else None
        if value is None:
            return None
        total += reach * value * revenue
        reach *= 1 - value
    return total


@dataclass
class Effect:
    """The estimate over the sessions of one currency (money is never summed across them)."""

    currency: str
    sessions: int = 0
    seen: Fraction = Fraction(0)
    draft: Fraction = Fraction(0)

    @property
    def difference(self) -> Fraction:
        return self.draft - self.seen

    def add(self, seen: Fraction, draft: Fraction) -> None:
        self.sessions += 1
        self.seen += seen
        self.draft += draft
