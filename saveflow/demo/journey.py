"""One demo customer's cancel session, from the click on Cancel to its outcome.

It produces the session row and event log the live flow would have written, using the flow's own
pieces: the app's reasons and published rules, the classifier, the offer cards, billing `none`'s
effects, the revenue maths and the report columns (`ledger.decision_values`). Pure apart from
the random draws; nothing here touches the database.
"""

import hashlib
import random
from datetime import datetime, timedelta

from saveflow.billing.none import NoneProvider
from saveflow.billing.schemas import load_snapshot
from saveflow.demo import catalog
from saveflow.demo.stage import BLANK, MARK, SEEDED, Journey, Stage
from saveflow.offers.rules import policy_from_settings
from saveflow.offers.types import projected_revenue
from saveflow.reasons.classify import classify
from saveflow.revenue import mrr
from saveflow.rollups import ledger
from saveflow.sessions import present
from saveflow.sessions.flow import compliance_mode, run_rules
from saveflow.sessions.models import SAVES
from saveflow.sessions.setup_cache import AppSetup, OfferView, ReasonView

_BILLING = NoneProvider()
_UPDATED = "customer.subscription.updated"


def _later(rng: random.Random, at: datetime, low: float, high: float) -> datetime:
    return at + timedelta(seconds=round(rng.uniform(low, high)))


def journey(stage: Stage, rng: random.Random, created_at: datetime, currency: str) -> Journey:
    """Play the session of a customer paying in `currency` that started at `created_at`."""
    places = catalog.COUNTRIES[currency]
    country, _, locale = rng.choices(places, weights=[p[1] for p in places])[0]
    past_due = rng.random() < catalog.PAST_DUE
    plan = str(catalog.pick(rng, catalog.PLAN_WEIGHTS))
    snapshot = _snapshot(rng, plan, currency, created_at, "past_due" if past_due else "active")
    compliance = compliance_mode(stage.app, country)
    session_id = f"ses_{rng.getrandbits(96):024x}"
    step = "payment_recovery" if past_due else "survey"
    values = {
        **BLANK,
        "id": session_id,
        "app_id": stage.app.id,
        "mode": "test" if rng.random() < catalog.TEST_MODE else "live",
        "customer": catalog.stripe_id(rng, "cus", 14),
        "subscription": catalog.stripe_id(rng, "sub"),
        # No customer token ever existed; a digest of the id keeps the column's shape.
        "token_digest": hashlib.sha256(f"{MARK}:{session_id}".encode()).hexdigest(),
        "locale": locale,
        "country": country,
        "attributes": {**catalog.person(rng, country, locale), MARK: SEEDED},
        "snapshot": snapshot,
        "currency": currency,
        "mrr": mrr(snapshot),
        "compliance_mode": compliance,
        "max_offers": policy_from_settings(stage.app.settings, compliance).max_offers,
        "step": step,
        "created_at": created_at,
        "last_seen_at": created_at,
    }
    trip = Journey(values)
    started = {"mode": values["mode"], "step": step, "compliance": compliance, "mrr": values["mrr"]}
    trip.log(created_at, "started", started)
    if past_due:
        return _payment_recovery(stage, rng, trip, created_at)
    return _survey(stage, rng, trip, created_at)


def _snapshot(rng: random.Random, plan: str, currency: str, at: datetime, status: str) -> dict:
    name, interval, prices = catalog.PLANS[plan]
    tenure = timedelta(days=rng.randint(20, 900), seconds=rng.randint(0, 86399))
    raw = {
        "plan": plan,
        "plan_name": name,
        "amount": prices[currency],
        "currency": currency,
        "interval": interval,
        "interval_count": 1,
        "quantity": 1,
        "status": status,
        "started_at": (at - tenure).isoformat(),
    }
    return load_snapshot(raw)


def _payment_recovery(stage: Stage, rng: random.Random, trip: Journey, at: datetime) -> Journey:
    draw = rng.random()
    if draw < catalog.RECOVERED:
        opened = _later(rng, at, 20, 90)
        trip.log(opened, "payment_recovery_opened")
        trip.values["last_seen_at"] = opened
        cause = {"stripe_event": catalog.stripe_id(rng, "evt"), "event_type": _UPDATED}
        result = {"outcome": "recovered", "via": "billing", **cause}
        return _decide(stage, trip, "recovered", _later(rng, opened, 120, 5400), result)
    if draw < catalog.RECOVERED + catalog.RECOVERY_ABANDONED:
        return _abandon(stage, rng, trip, at)
    return _survey(stage, rng, trip, at)  # they chose to cancel anyway


def _survey(stage: Stage, rng: random.Random, trip: Journey, at: datetime) -> Journey:
    if rng.random() < catalog.ABANDON["survey"]:
        return _abandon(stage, rng, trip, at)
    values = trip.values
    reason = _reason(stage.setup, rng)
    comment = _comment(rng, reason)
    at = _later(rng, at, 15, 120)
    result = classify(
        reason.category,
        comment,
        values["snapshot"]["status"],
        values["locale"],
        lexicon=stage.setup.lexicon,
        model=stage.setup.model,
    ).to_dict()
    in_experiment = stage.experiment_from is not None and at >= stage.experiment_from
    rules = stage.experiment_rules if in_experiment else stage.rules
    decision = run_rules(stage.app, trip.session(), result, rules, stage.setup.specs, at, {})
    values.update(
        reason_key=reason.key,
        comment=comment,
        classification=result,
        rule_set_version=stage.setup.rule_set_version,
        rule_id=decision.rule_id,
        experiment_key=decision.experiment,
        variant=decision.variant,
        offer_keys=list(decision.offers),
        step="offers" if decision.offers else "confirm",
        last_seen_at=at,
    )
    trip.log(at, "answered", {"reason": reason.key, "comment": comment, "classification": result})
    trip.log(at, "offers_decided", decision.to_dict())
    return _offers(stage, rng, trip, at)


def _reason(setup: AppSetup, rng: random.Random) -> ReasonView:
    # Payment problems come from billing (past-due subscriptions), not from the survey.
    reasons = [r for r in setup.reasons if r.category != "payment_problem"] or list(setup.reasons)
    weights = [catalog.CATEGORY_WEIGHTS.get(r.category, 1) for r in reasons]
    return rng.choices(reasons, weights=weights)[0]


def _comment(rng: random.Random, reason: ReasonView) -> str | None:
    said = catalog.COMMENTS.get(reason.category) or catalog.COMMENTS["other"]
    if reason.follow_up == "required":
        return rng.choice(said)
    if reason.follow_up == "optional" and reason.category in catalog.COMMENTS:
        return rng.choice(said) if rng.random() < catalog.COMMENT_SHARE else None
    return None


def _offers(stage: Stage, rng: random.Random, trip: Journey, at: datetime) -> Journey:
    keys = trip.values["offer_keys"]
    for index, key in enumerate(keys):
        trip.values["offer_index"] = index
        if rng.random() < catalog.ABANDON["offers"] / len(keys):
            return _abandon(stage, rng, trip, at)
        at = _later(rng, at, 8, 60)
        if rng.random() < _accept_chance(stage, key, index, at):
            return _accept(stage, trip, stage.setup.offers[key], at)
        trip.log(at, "offer_declined", {"offer": key})
        trip.values.update(offer_index=index + 1, last_seen_at=at)
    trip.values["step"] = "confirm"
    return _confirm(stage, rng, trip, at)


def _accept_chance(stage: Stage, key: str, index: int, at: datetime) -> float:
    base = catalog.ACCEPT.get(stage.offer_type(key) or "", 0.05)
    tuned = 1 - catalog.IMPROVEMENT / 2 + catalog.IMPROVEMENT * stage.progress(at)
    return base * tuned * (catalog.SECOND_OFFER if index else 1)


def _confirm(stage: Stage, rng: random.Random, trip: Journey, at: datetime) -> Journey:
    if rng.random() < catalog.ABANDON["confirm"]:
        return _abandon(stage, rng, trip, at)
    at = _later(rng, at, 5, 40)
    shown = bool(trip.values["offer_keys"])
    stays = catalog.WITHDRAW_AFTER_OFFERS if shown else catalog.WITHDRAW_WITHOUT_OFFERS
    if rng.random() < stays:
        revenue = _revenue(stage, trip.values["snapshot"], None)
        kept = {"outcome": "withdrawn", "saved_revenue": _public(trip, revenue)}
        return _decide(stage, trip, "withdrawn", at, kept, **revenue)
    key = f"saveflow:{trip.values['id']}:cancel"
    immediately = bool(stage.app.settings.get("cancel_immediately"))
    effect = _BILLING.cancel(stage.app, trip.session(), immediately, key, at)
    result = {
        "outcome": "cancelled",
        "effective_at": effect.details.get("effective_at"),
        "effective": effect.to_dict(),
    }
    return _decide(stage, trip, "cancelled", at, result)


def _accept(stage: Stage, trip: Journey, offer: OfferView, at: datetime) -> Journey:
    values = trip.values
    session = trip.session()
    key = f"saveflow:{values['id']}:{offer.key}:accept"
    effect = _BILLING.apply_offer(stage.app, session, offer.spec(), key, values["created_at"])
    revenue = _revenue(stage, values["snapshot"], offer)
    card = present.offer_card(offer, values["snapshot"], values["locale"], values["attributes"], at)
    result = {
        "outcome": "saved",
        "offer": card,
        "effective": effect.to_dict(),
        "saved_revenue": _public(trip, revenue),
    }
    return _decide(stage, trip, "saved", at, result, accepted_offer_key=offer.key, **revenue)


def _revenue(stage: Stage, snapshot: dict, offer: OfferView | None) -> dict:
    kind, params = (offer.type, dict(offer.params)) if offer else (None, None)
    booked = projected_revenue(snapshot, kind, params, stage.horizon)
    return {
        "saved_mrr": booked.saved_mrr,
        "projected_revenue": booked.projected_revenue,
        "offer_cost": booked.offer_cost,
        "horizon_months": booked.horizon_months,
    }


def _public(trip: Journey, revenue: dict) -> dict:
    return {"currency": trip.values["currency"], **revenue}


def _abandon(stage: Stage, rng: random.Random, trip: Journey, at: datetime) -> Journey:
    if rng.random() < catalog.ABANDON_IDLE:
        # Swept by `sweep-idle` once the session had been idle long enough.
        idle = at + timedelta(minutes=stage.idle_minutes)
        return _decide(stage, trip, "abandoned", idle, {"outcome": "abandoned", "why": "idle"}, at)
    closed = _later(rng, at, 3, 90)
    return _decide(stage, trip, "abandoned", closed, {"outcome": "abandoned", "why": "closed"})


def _decide(
    stage: Stage,
    trip: Journey,
    outcome: str,
    at: datetime,
    result: dict,
    last_seen: datetime | None = None,
    **values,
) -> Journey:
    """Stamp the outcome as `outcomes._stamp` does, with the report columns, and log it."""
    if outcome in SAVES:
        values.update(save_status="pending", save_status_at=at)
    report = ledger.decision_values(
        trip.session(),
        outcome,
        at,
        stage.zone,
        stage.offer_type,
        accepted=values.get("accepted_offer_key"),
    )
    trip.values.update(
        outcome=outcome,
        outcome_at=at,
        step="done",
        result={"outcome": outcome, "session_id": trip.values["id"], **result},
        last_seen_at=last_seen or at,
        **values,
        **report,
    )
    trip.log(at, outcome, result)
    return trip
