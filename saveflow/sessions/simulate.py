"""Replay an app's recent sessions against another rule-set version, as the live flow decides.

Each answered session is decided again with `flow.run_rules` (the live flow's own context and
policy) under the chosen rules, the app's active offers and settings of today, at the moment the
session was decided, with the customer's offer history as it stood then. What it saw is what the
session recorded. The worth of both is estimated with `saveflow.offers.impact`.
"""

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from fractions import Fraction

from sqlalchemy import select

from saveflow.apps.models import App
from saveflow.extensions import db
from saveflow.offers.impact import MIN_SHOWS, Effect, Rate, acceptance_rates, expected_revenue
from saveflow.offers.models import Offer, OfferAcceptance
from saveflow.offers.rules import CompiledRuleSet, OfferSpec, compile_rule_set
from saveflow.offers.types import projected_revenue
from saveflow.sessions.flow import run_rules
from saveflow.sessions.models import Session, SessionEvent

MAX_SESSIONS = 5000
# Why a session's worth could not be estimated.
TOO_FEW_SHOWS = "too_few_shows"
OFFER_GONE = "offer_gone"


@dataclass(frozen=True)
class OfferRow:
    """An offer as the simulator prices it: any offer of the app, active or not."""

    type: str
    params: Mapping
    active: bool


@dataclass(frozen=True)
class Replayed:
    """One session: what it saw, what the rules tried would show, and the worth of each."""

    session: Session
    category: str
    seen: tuple[str, ...]
    seen_rule: str | None
    offers: tuple[str, ...]
    rule: str | None
    variant: str | None
    seen_value: Fraction | None
    value: Fraction | None
    not_estimated: str | None

    @property
    def changed(self) -> bool:
        return self.seen != self.offers


@dataclass(frozen=True)
class CategoryCount:
    category: str
    sessions: int
    changed: int


@dataclass(frozen=True)
class Simulation:
    """The replay of a window of sessions against one rule set."""

    window: int  # sessions read
    skipped: int  # never answered the survey, so nothing was decided
    sessions: tuple[Replayed, ...]
    by_category: tuple[CategoryCount, ...]
    rates: tuple[Rate, ...]
    effects: tuple[Effect, ...]
    not_estimated: Mapping[str, int] = field(default_factory=dict)
    min_shows: int = MIN_SHOWS
    horizon: int = 12

    @property
    def changed(self) -> int:
        return sum(1 for s in self.sessions if s.changed)


def recent_sessions(app_id: str, limit: int, mode: str | None = None) -> list[Session]:
    """Return an app's newest sessions (of one mode, or both), newest first."""
    query = select(Session).where(Session.app_id == app_id)
    if mode:
        query = query.where(Session.mode == mode)
    query = query.order_by(Session.created_at.desc(), Session.id.desc())
    return list(db.session.scalars(query.limit(max(1, min(limit, MAX_SESSIONS)))))


def simulate(
    app: App,
    rules: dict | None,
    *,
    limit: int = 500,
    mode: str | None = None,
    horizon: int = 12,
    min_shows: int = MIN_SHOWS,
) -> Simulation:
    """Replay the app's last `limit` sessions against a rule-set document (None: no rules)."""
    sessions = recent_sessions(app.id, limit, mode)
    ids = [s.id for s in sessions]
    offers = {
        o.key: OfferRow(o.type, o.params, o.active)
        for o in db.session.scalars(select(Offer).where(Offer.app_id == app.id))
    }
    return replay(
        app,
        compile_rule_set(rules) if rules is not None else None,
        sessions,
        offers,
        _decided_at(app.id, ids),
        _acceptances(app.id, {s.customer for s in sessions}),
        horizon=horizon,
        min_shows=min_shows,
    )


def _chunks(values: Sequence[str], size: int = 500):
    # Bounded IN lists: SQLite caps bound parameters per statement.
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _decided_at(app_id: str, ids: list[str]) -> dict[str, datetime]:
    decided: dict[str, datetime] = {}
    for chunk in _chunks(ids):
        rows = db.session.execute(
            select(SessionEvent.session_id, SessionEvent.at).where(
                SessionEvent.app_id == app_id,
                SessionEvent.type == "offers_decided",
                SessionEvent.session_id.in_(chunk),
            )
        )
        decided.update({session_id: at for session_id, at in rows})
    return decided


def _acceptances(app_id: str, customers: set[str]) -> dict[tuple[str, str], list]:
    found: dict[tuple[str, str], list] = defaultdict(list)
    for chunk in _chunks(sorted(customers)):
        rows = db.session.execute(
            select(
                OfferAcceptance.customer,
                OfferAcceptance.mode,
                OfferAcceptance.offer_type,
                OfferAcceptance.accepted_at,
            ).where(OfferAcceptance.app_id == app_id, OfferAcceptance.customer.in_(chunk))
        )
        for customer, mode, offer_type, at in rows:
            found[(customer, mode)].append((offer_type, at))
    return found


def history_at(acceptances: list, moment: datetime) -> dict[str, datetime]:
    """Return offer type → last acceptance before `moment`, as the live flow read it then."""
    history: dict[str, datetime] = {}
    for offer_type, at in acceptances:
        if at < moment and (offer_type not in history or at > history[offer_type]):
            history[offer_type] = at
    return history


def shown_offers(session: Session) -> list[str]:
    """Return the offers a session actually put in front of the customer, in order."""
    return list(session.offer_keys[: session.offer_index + 1])


def replay(
    app: App,
    rules: CompiledRuleSet | None,
    sessions: Sequence[Session],
    offers: Mapping[str, OfferRow],
    decided_at: Mapping[str, datetime],
    acceptances: Mapping[tuple[str, str], list],
    *,
    horizon: int = 12,
    min_shows: int = MIN_SHOWS,
) -> Simulation:
    """Decide every answered session again under `rules` and estimate the worth of both."""
    answered = [s for s in sessions if s.classification]
    rates = acceptance_rates(
        (
            (offers[key].type, s.outcome == "saved" and key == s.accepted_offer_key)
            for s in answered
            if s.outcome is not None
            for key in shown_offers(s)
            if key in offers
        ),
        min_shows,
    )
    specs = {key: OfferSpec(key, row.type, row.params) for key, row in offers.items() if row.active}
    replayed: list[Replayed] = []
    effects: dict[str, Effect] = {}
    not_estimated: dict[str, int] = defaultdict(int)
    categories: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for s in answered:
        moment = decided_at.get(s.id, s.created_at)
        history = history_at(acceptances.get((s.customer, s.mode), []), moment)
        decision = run_rules(app, s, s.classification or {}, rules, specs, moment, history)
        seen_value = _worth(s, tuple(s.offer_keys), offers, rates, horizon)
        value = _worth(s, decision.offers, offers, rates, horizon)
        why = next((v for v in (seen_value, value) if isinstance(v, str)), None)
        if why is None:
            assert isinstance(seen_value, Fraction) and isinstance(value, Fraction)
            effects.setdefault(s.currency, Effect(s.currency)).add(seen_value, value)
        else:
            not_estimated[why] += 1
        item = Replayed(
            session=s,
            category=(s.classification or {}).get("category") or "other",
            seen=tuple(s.offer_keys),
            seen_rule=s.rule_id,
            offers=decision.offers,
            rule=decision.rule_id,
            variant=decision.variant,
            seen_value=seen_value if isinstance(seen_value, Fraction) else None,
            value=value if isinstance(value, Fraction) else None,
            not_estimated=why,
        )
        replayed.append(item)
        counts = categories[item.category]
        counts[0] += 1
        counts[1] += int(item.changed)
    return Simulation(
        window=len(sessions),
        skipped=len(sessions) - len(answered),
        sessions=tuple(replayed),
        by_category=tuple(
            CategoryCount(name, total, changed)
            for name, (total, changed) in sorted(categories.items(), key=lambda i: (-i[1][1], i[0]))
        ),
        rates=tuple(rates.values()),
        effects=tuple(effects[c] for c in sorted(effects)),
        not_estimated=dict(not_estimated),
        min_shows=min_shows,
        horizon=horizon,
    )


def _worth(
    session: Session,
    keys: Sequence[str],
    offers: Mapping[str, OfferRow],
    rates: Mapping[str, Rate],
    horizon: int,
) -> Fraction | str:
    """Return the expected saved revenue of showing `keys`, or why it cannot be estimated."""
    priced = []
    for key in keys:
        row = offers.get(key)
        if row is None:
            return OFFER_GONE
        try:
            booked = projected_revenue(session.snapshot, row.type, dict(row.params), horizon)
        except (KeyError, TypeError, ValueError):
            return OFFER_GONE  # its terms no longer fit this subscription (a removed target)
        priced.append((row.type, booked.projected_revenue))
    value = expected_revenue(priced, rates)
    return TOO_FEW_SHOWS if value is None else value
