"""The offer types, one module each, and the registry that finds them by name."""

from fractions import Fraction

from saveflow.offers.types.base import OfferType
from saveflow.offers.types.discount import Discount
from saveflow.offers.types.downgrade import Downgrade
from saveflow.offers.types.links import Concierge, Contact, Redirect, Training
from saveflow.offers.types.pause import Pause
from saveflow.offers.types.trial import TrialExtension
from saveflow.revenue import SavedRevenue, exact_mrr, round_minor

_ALL: tuple[OfferType, ...] = (
    Discount(),
    Pause(),
    Downgrade(),
    Training(),
    Concierge(),
    Contact(),
    TrialExtension(),
    Redirect(),
)
REGISTRY: dict[str, OfferType] = {t.name: t for t in _ALL}
OFFER_TYPES: tuple[str, ...] = tuple(REGISTRY)
DEFAULT_COOLDOWN_DAYS = {t.name: t.cooldown_days for t in _ALL if t.cooldown_days}


def offer_type(name: str) -> OfferType:
    """Return the offer type called `name` (KeyError for a name no type has)."""
    return REGISTRY[name]


def projected_revenue(
    snapshot: dict, type_name: str | None, params: dict | None, horizon: int = 12
) -> SavedRevenue:
    """Book a save: saved MRR, projected revenue over `horizon` months, and the offer's cost.

    `type_name` None means the customer withdrew without an offer (MRR·H, no cost).
    """
    base = exact_mrr(snapshot)
    list_revenue = base * horizon
    projected: Fraction = (
        offer_type(type_name).projected(base, snapshot, params or {}, horizon)
        if type_name
        else list_revenue
    )
    projected_minor = round_minor(projected)
    return SavedRevenue(
        saved_mrr=round_minor(base),
        projected_revenue=projected_minor,
        offer_cost=round_minor(list_revenue) - projected_minor,
        horizon_months=horizon,
    )
