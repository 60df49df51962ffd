"""The offers engine: which offers a cancelling customer sees, as pure functions.

A rule set is a JSON document (see `saveflow.offers.schemas.RuleSetSchema`). Evaluation:

- Enabled rules are tried by priority, highest first; equal priorities keep document order.
- The first rule whose conditions all hold decides. If every offer it names turns out
  ineligible, the customer sees no offer: later rules are not consulted, so what a customer sees
  always traces back to one rule and a rule can deliberately show nothing.
- A rule's experiment assigns the customer deterministically (`assign_variant`); the variant's
  offers replace the rule's, and the holdout sees no offer at all. When no offer may be shown
  (direct compliance mode) the experiment is not entered, so forced no-offer sessions do not
  dilute the measured lift.
- Offers are then filtered by eligibility and cut to the smaller of the policy's and the
  document's `max_offers`; every removed offer is reported with a reason code.
"""

from collections.abc import Mapping
from copy import deepcopy
from dataclasses import dataclass, field
from datetime import timedelta

from saveflow.offers.catalog import DEFAULT_OFFER_FOR_TYPE
from saveflow.offers.conditions import Context, Predicate, compile_conditions, matches, to_utc
from saveflow.offers.experiments import (
    HOLDOUT,
    Experiment,
    assign,
    assign_variant,
    compile_experiment,
)
from saveflow.offers.types import DEFAULT_COOLDOWN_DAYS, offer_type
from saveflow.reasons.taxonomy import CATEGORIES

__all__ = [
    "HOLDOUT",
    "CompiledRuleSet",
    "Context",
    "Decision",
    "OfferSpec",
    "Policy",
    "assign_variant",
    "compile_rule_set",
    "default_rule_set",
    "eligible",
    "evaluate",
    "matches",
    "policy_from_settings",
]

COMPLIANCE_MODES = ("standard", "one_save", "direct")
# Compiled rule sets by their rule ids; each bucket holds (frozen copy of the document, compiled
# form) pairs, and a hit needs an equal document, so edits and look-alike apps never collide.
_COMPILED: dict[tuple, list] = {}
_COMPILED_KEYS_MAX = 256
_COMPILED_PER_KEY = 4
# Billing periods at least this many months long count as annual for the pause rule.
# Keyed by a snapshot's "interval", which is None when billing reported none.
@dataclass(frozen=True)
class OfferSpec:
    """An offer definition as the engine sees it (params per its type in `saveflow.offers.types`)."""

    key: str
    type: str
    params: Mapping = field(default_factory=dict)


@dataclass(frozen=True)
class Policy:
    """App settings that constrain offers; `max_offers` already reflects compliance mode."""

    max_offers: int
    cooldown_days: dict
    allow_pause_annual: bool = False


@dataclass(frozen=True)
class Decision:
    """The matched rule, the experiment group, the offers to present and why others were not."""

    rule_id: str | None
    variant: str | None
    offers: tuple[str, ...]
    skipped: tuple[tuple[str, str], ...]
    experiment: str | None = None  # the experiment key the variant belongs to

    def to_dict(self) -> dict:
        """Return the decision as JSON-ready data for the session's event log."""
        return {
            "rule_id": self.rule_id,
            "experiment": self.experiment,
            "variant": self.variant,
            "offers": list(self.offers),
            "skipped": [{"offer": key, "reason": reason} for key, reason in self.skipped],
        }


@dataclass(frozen=True)
class _Rule:
    id: str
    when: tuple[Predicate, ...]
    offers: tuple[str, ...]
    experiment: Experiment | None


@dataclass(frozen=True)
class CompiledRuleSet:
    """A rule set ready to evaluate: enabled rules in decision order, conditions compiled."""

    rules: tuple[_Rule, ...]
    max_offers: int | None


def compile_rule_set(doc: dict | CompiledRuleSet) -> CompiledRuleSet:
    """Compile a rule-set document into a form detached from it (later edits do not leak in)."""
    if isinstance(doc, CompiledRuleSet):
        return doc
    rules = sorted(
        (r for r in doc.get("rules", ()) if r.get("enabled", True)),
        key=lambda r: -r.get("priority", 0),  # sorted() is stable: ties keep document order
    )
    compiled = tuple(
        _Rule(
            id=r["id"],
            when=compile_conditions(r.get("when")),
            offers=tuple(r.get("offers", ())),
            experiment=compile_experiment(r["experiment"]) if r.get("experiment") else None,
        )
        for r in rules
    )
    return CompiledRuleSet(compiled, doc.get("max_offers"))


def _compiled(doc: dict | CompiledRuleSet) -> CompiledRuleSet:
    # Sessions load the document afresh on every request, so identity cannot be the cache key;
    # comparing with an equal copy costs ~1 µs where compiling costs ~25 µs.
    if isinstance(doc, CompiledRuleSet):
        return doc
    key = tuple(r.get("id") for r in doc.get("rules", ()))
    bucket = _COMPILED.get(key) or []
    for frozen, compiled in bucket:
        if frozen == doc:
            return compiled
    compiled = compile_rule_set(doc)
    if len(_COMPILED) >= _COMPILED_KEYS_MAX:
        _COMPILED.clear()  # crude bound: a rare recompile beats an unbounded cache
    _COMPILED[key] = [(deepcopy(doc), compiled), *bucket][:_COMPILED_PER_KEY]
    return compiled


def eligible(offer: OfferSpec, ctx: Context, policy: Policy) -> str | None:
    """Return why the offer may not be shown to this customer, or None if it may."""
    accepted_at = ctx.history.get(offer.type)
    if accepted_at is not None:
        days = policy.cooldown_days.get(offer.type, 0)
        accepted_at = to_utc(accepted_at)
        if days and accepted_at and to_utc(ctx.now) - accepted_at < timedelta(days=days):
            return "cooldown"
    return offer_type(offer.type).skip_reason(offer.params, ctx.snapshot, policy)


def _choose(
    keys: tuple[str, ...], ctx: Context, offers: Mapping[str, OfferSpec], policy: Policy, limit: int
) -> tuple[tuple[str, ...], tuple[tuple[str, str], ...]]:
    chosen: list[str] = []
    chosen_types: set[str] = set()
    skipped: list[tuple[str, str]] = []
    for key in keys:
        spec = offers.get(key)
        reason: str | None
        if spec is None:
            reason = "unknown_offer"
        elif spec.type in chosen_types:
            reason = "duplicate_type"
        else:
            # Eligibility first: "cooldown" tells an editor more than "max_offers" would.
            reason = eligible(spec, ctx, policy)
            if reason is None and len(chosen) >= limit:
                reason = "max_offers"
        if reason is None:
            assert spec is not None  # only a known offer can have no skip reason
            chosen.append(key)
            chosen_types.add(spec.type)
        else:
            skipped.append((key, reason))
    return tuple(chosen), tuple(skipped)


def evaluate(
    rule_set: dict | CompiledRuleSet,
    ctx: Context,
    offers: Mapping[str, OfferSpec],
    policy: Policy,
    *,
    seed: str = "",
) -> Decision:
    """Decide which offers the customer sees; `seed` (the app id) salts experiment assignment.

    Documents are compiled once and reused while an equal document comes back.
    """
    compiled = _compiled(rule_set)
    limit = max(policy.max_offers, 0)
    if compiled.max_offers is not None:
        limit = min(limit, compiled.max_offers)
    for rule in compiled.rules:
        for predicate in rule.when:
            if not predicate(ctx):
                break
        else:
            keys, variant, experiment = rule.offers, None, rule.experiment
            if experiment is not None and limit > 0:
                variant = assign(seed, ctx.customer, experiment)
                if variant == HOLDOUT:
                    return Decision(rule.id, HOLDOUT, (), (), experiment.key)
                keys = experiment.offers_of(variant)
            chosen, skipped = _choose(keys, ctx, offers, policy, limit)
            experiment_key = experiment.key if experiment is not None and variant else None
            return Decision(rule.id, variant, chosen, skipped, experiment_key)
    return Decision(None, None, (), ())


def policy_from_settings(settings: dict | None, compliance_mode: str) -> Policy:
    """Build the offer policy from an app's settings and its (or the country's) compliance mode."""
    settings = settings or {}
    if compliance_mode not in COMPLIANCE_MODES:
        raise ValueError(f"unknown compliance mode {compliance_mode!r}")
    max_offers = max(int(settings.get("max_offers", 2)), 0)
    if compliance_mode == "one_save":
        max_offers = min(1, max_offers)
    elif compliance_mode == "direct":
        max_offers = 0
    return Policy(
        max_offers=max_offers,
        cooldown_days={**DEFAULT_COOLDOWN_DAYS, **(settings.get("cooldown_days") or {})},
        allow_pause_annual=bool(settings.get("allow_pause_annual", False)),
    )


def default_rule_set(offer_keys_by_type: Mapping[str, str] | None = None) -> dict:
    """Build the starter rule set: one rule per taxonomy category with default offers."""
    keys = DEFAULT_OFFER_FOR_TYPE if offer_keys_by_type is None else offer_keys_by_type
    with_offers = []
    for category in CATEGORIES.values():
        # The payment-recovery pseudo-type is a flow step, not an offer.
        types = [t for t in category.default_offer_types if t != "update_payment_method"]
        offers = [keys[t] for t in types if t in keys]
        if offers:
            with_offers.append((category, offers))
    rules = [
        {
            "id": category.key,
            "name": category.labels["en"],
            "priority": (len(with_offers) - index) * 10,  # gaps leave room for inserted rules
            "enabled": True,
            "when": [{"field": "category", "op": "eq", "value": category.key}],
            "offers": offers,
        }
        for index, (category, offers) in enumerate(with_offers)
    ]
    return {"schema": 1, "max_offers": 2, "rules": rules}
