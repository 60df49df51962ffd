"""The session state machine up to the decision: start, survey answer, offers, declines.

Steps: payment_recovery → survey → offers → confirm → done. Terminal outcomes live in
`saveflow.sessions.outcomes`. Functions take plain values and leave committing to the caller.
"""

from collections.abc import Mapping
from datetime import datetime
from typing import TypeGuard

from sqlalchemy.exc import IntegrityError

from saveflow.apps.models import App
from saveflow.billing.base import BillingProvider, provider_for
from saveflow.billing.settings import current_settings
from saveflow.db import new_id
from saveflow.domain_errors import Invalid, NotFound, SessionConflict
from saveflow.extensions import db
from saveflow.i18n import choose_locale
from saveflow.messaging import notify
from saveflow.messaging.settings import looks_like_email
from saveflow.offers.rules import (
    CompiledRuleSet,
    Context,
    Decision,
    OfferSpec,
    evaluate,
    policy_from_settings,
)
from saveflow.reasons.classify import classify
from saveflow.revenue import mrr
from saveflow.sessions import tokens
from saveflow.sessions.events import append_events, insert_started, record
from saveflow.sessions.models import Session
from saveflow.sessions.reads import latest_session_for
from saveflow.sessions.setup_cache import AppSetup, setup_for
from saveflow.sessions.state import answer_payload

# Billing states that send the customer to payment recovery before the survey.
PAST_DUE = frozenset({"past_due", "unpaid", "incomplete"})
ENDED = frozenset({"canceled", "incomplete_expired"})


def conflict(message: str) -> SessionConflict:
    return SessionConflict(message)


def billing_for(app: App, mode: str) -> BillingProvider:
    """Return the billing provider of the app's mode (its connection's, else `none`)."""
    return provider_for(app, setup_for(app).connections.get(mode), current_settings())


def email_claim(claims: dict) -> str | None:
    """Return the token's signed `email` claim if it reads as an address (else None: receipts
    then go to the billing provider's address for the customer, if it has one)."""
    value = claims.get("email")
    if not isinstance(value, str):
        return None
    value = value.strip()
    return value if looks_like_email(value) else None


def compliance_mode(app: App, country: str | None) -> str:
    """Return the app's compliance mode, overridden for the customer's country or region."""
    overrides = app.settings.get("compliance_by_country") or {}
    if country:
        code = country.upper()
        # "US-CA" is looked up before "US" so a state rule can be stricter than its country's.
        for key in (code, code.split("-")[0]):
            if key in overrides:
                return overrides[key]
    return app.compliance_mode


def _resumable(session: Session | None) -> TypeGuard[Session]:
    # A token replays its session (open, or decided) so a decision is never booked twice; only
    # a closed widget may start over with the same token.
    return session is not None and session.outcome != "abandoned"


def start(
    app: App,
    token: str,
    locale: str | None,
    attributes: dict,
    accept_language: str | None,
    now: datetime,
    existing: Session | None = None,
    max_ttl: int = 3600,
) -> tuple[Session, bool]:
    """Start a session from a customer token; the same token resumes its open session.

    `existing` is the newest session this token started, as `app_and_replay` found it;
    `max_ttl` is how far ahead (seconds) a token's `exp` may lie.
    """
    app_id = app.id
    claims = tokens.verify(
        token, app.id, lambda mode: app.secrets_for(mode, now), max_ttl, now.timestamp()
    )
    digest = tokens.digest(token)
    if _resumable(existing):
        return existing, False
    snapshot = billing_for(app, claims["mode"]).snapshot(app, claims)
    if snapshot["status"] in ENDED:
        raise SessionConflict("This subscription has already ended.", code="subscription_ended")
    discount = snapshot.get("discount")
    if discount and discount.get("ends_at") and datetime.fromisoformat(discount["ends_at"]) <= now:
        snapshot["discount"] = None  # an expired coupon no longer lowers MRR or blocks offers
    # The signed claim wins over the browser's attributes: compliance must not be chosen by
    # whoever edits the page.
    country = claims.get("country") or attributes.get("country")
    mode = compliance_mode(app, country if isinstance(country, str) else None)
    policy = policy_from_settings(app.settings, mode)
    step = "payment_recovery" if snapshot["status"] in PAST_DUE else "survey"
    values = dict(
        id=new_id("ses"),
        app_id=app.id,
        mode=claims["mode"],
        customer=claims["customer"],
        subscription=claims["subscription"],
        token_digest=digest,
        locale=choose_locale(locale, accept_language, app.locales, app.default_locale),
        country=country.upper()[:8] if isinstance(country, str) else None,
        email=email_claim(claims),
        attributes=attributes,
        snapshot=snapshot,
        currency=snapshot["currency"],
        mrr=mrr(snapshot),
        compliance_mode=mode,
        max_offers=policy.max_offers,
        step=step,
        offer_keys=[],
        offer_index=0,
        event_seq=1,
        created_at=now,
        last_seen_at=now,
    )
    started = {"mode": values["mode"], "step": step, "compliance": mode, "mrr": values["mrr"]}
    try:
        insert_started(values, started, now)
    except IntegrityError:
        # Another request started this token's session a moment ago: resume that one.
        db.session.rollback()
        existing = latest_session_for(app_id, digest)
        if not _resumable(existing):
            raise
        return existing, False
    if step == "payment_recovery":
        notify.payment_recovery(app, values, now)
    # The reply is built from what was inserted; the object is never added to the ORM session.
    return Session(**values), True


def answer(
    app: App,
    session: Session,
    reason_key: str,
    comment: str | None,
    now: datetime,
    history: dict,
) -> dict:
    """Record the survey answer, classify it and choose the offers to present.

    `history` is the customer's offer history, read with the session (`reads.offer_history_column`).
    """
    # One UPDATE of the session at commit instead of one per query that would autoflush.
    with db.session.no_autoflush:
        return _answer(app, session, reason_key, comment, now, history)


def _answer(app, session, reason_key, comment, now, history, tries=3):
    if session.reason_key is not None or not session.is_open:
        if session.reason_key == reason_key and session.comment == comment:
            return answer_payload(session, now)
        raise conflict("This session already has a different answer.")
    setup = setup_for(app)
    reason = setup.reason(reason_key)
    if reason is None:
        raise Invalid("Unknown reason.", errors={"reason_id": [f"No reason {reason_key!r}."]})
    if reason.follow_up == "required" and not comment:
        raise Invalid(
            "This reason needs a comment.",
            errors={"comment": ["Tell us a little more for this reason."]},
        )
    result = classify(
        reason.category,
        comment,
        session.snapshot.get("status"),
        session.locale,
        lexicon=setup.lexicon,
        model=setup.model,
    ).to_dict()
    decision = decide(app, session, result, setup, now, history)
    session.reason_key, session.comment, session.classification = reason_key, comment, result
    session.offer_keys, session.offer_index = list(decision.offers), 0
    session.rule_id, session.variant = decision.rule_id, decision.variant
    session.step = "offers" if decision.offers else "confirm"
    attempt = None
    if decision.offers:
        attempt = {
            "actor": f"customer:{session.customer}",
            "action": "save_attempt",
            "target": f"session:{session.id}",
            "data": {"offers": list(decision.offers), "compliance": session.compliance_mode},
        }
    written = append_events(
        session,
        [
            ("answered", {"reason": reason_key, "comment": comment, "classification": result}),
            ("offers_decided", decision.to_dict()),
        ],
        now,
        attempt,
    )
    if not written:
        # Another call moved this session between our read and our write (nothing was written):
        # read it again and answer as the one that came second — a replay or a conflict.
        if tries <= 1:
            raise conflict("This session is changing under another request; try again.")
        db.session.expire(session)
        return _answer(app, session, reason_key, comment, now, history, tries - 1)
    return answer_payload(session, now, setup.offers)


def decide(
    app: App,
    session: Session,
    classification: dict,
    setup: AppSetup,
    now: datetime,
    history: dict,
):
    """Run the published rule set for this session and remember which version ran."""
    session.rule_set_version = setup.rule_set_version
    decision = run_rules(app, session, classification, setup.rules, setup.specs, now, history)
    session.experiment_key = decision.experiment
    return decision


def run_rules(
    app: App,
    session: Session,
    classification: dict,
    rules: CompiledRuleSet | dict | None,
    specs: Mapping[str, OfferSpec],
    now: datetime,
    history: dict,
) -> Decision:
    """Decide a session's offers under `rules` without changing the session.

    The live flow calls it through `decide`; the simulator replays past sessions with it.
    """
    if rules is None or session.max_offers == 0:
        return Decision(rule_id=None, variant=None, offers=(), skipped=())
    context = Context(
        customer=session.customer,
        classification=classification,
        snapshot={**session.snapshot, "started_at": _parse(session.snapshot.get("started_at"))},
        mrr=session.mrr,
        locale=session.locale,
        country=session.country,
        attributes=session.attributes,
        history=history,
        now=now,
    )
    policy = policy_from_settings(app.settings, session.compliance_mode)
    return evaluate(rules, context, specs, policy, seed=app.id)


def _parse(value):
    return datetime.fromisoformat(value) if value else None


def decline(app: App, session: Session, offer_key: str, now: datetime) -> dict:
    """Decline the offer on show and move to the next one, or to the cancel confirmation."""
    position = presented_position(app, session, offer_key)
    if position < session.offer_index:  # already declined: replay the current state
        return answer_payload(session, now, setup_for(app).offers)
    if not session.is_open:
        raise conflict(f"This session has ended with outcome {session.outcome!r}.")
    session.offer_index += 1
    if session.offer_index >= len(session.offer_keys):
        session.step = "confirm"
    record(session, "offer_declined", {"offer": offer_key}, at=now)
    return answer_payload(session, now, setup_for(app).offers)


def presented_position(app: App, session: Session, offer_key: str) -> int:
    """Return where an offer stands in this session's offers, or raise 404/409."""
    if offer_key not in setup_for(app).offers:
        raise NotFound("Unknown offer.")
    if offer_key not in session.offer_keys[: session.offer_index + 1]:
        raise conflict("That offer is not on show in this session.")
    return session.offer_keys.index(offer_key)


def recovery_opened(session: Session, now: datetime) -> dict:
    """Note that the customer went to update the payment method; the webhook decides the rest."""
    if not session.is_open:
        raise conflict(f"This session has ended with outcome {session.outcome!r}.")
    record(session, "payment_recovery_opened", {}, at=now)
    return {"step": session.step, "recovery_opened": True}
