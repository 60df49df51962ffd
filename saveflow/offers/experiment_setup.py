"""Experiments as the admin sees them: which exist, and starting or stopping one on a rule.

Starting or stopping writes the rule's experiment into the draft (a copy of the published rules
when there is no draft) and publishes it, so every change is a new immutable rule-set version.
Publishing the draft also publishes any other change waiting in it, which the caller must have
confirmed (`PendingChanges` otherwise).

An experiment's key stands for one set-up on one rule, for good: customers are placed by key and
weights (`saveflow.offers.experiments`), and results are counted by key. So a running experiment
with other weights, holdout, variants or offers needs a new key, and a key used before cannot
come back with a different set-up.
"""

from copy import deepcopy
from dataclasses import dataclass, field

from sqlalchemy import select

from saveflow.domain_errors import Invalid
from saveflow.extensions import db
from saveflow.offers import service
from saveflow.offers.models import RuleSet

RUNNING, DRAFT, STOPPED = "running", "draft", "stopped"


class PendingChanges(Invalid):
    """The draft holds other unpublished changes, and publishing them was not confirmed."""


@dataclass(frozen=True)
class Variant:
    name: str
    weight: float
    share: float  # of all customers who reach the rule, after the holdout
    offers: tuple[str, ...]


@dataclass(frozen=True)
class ExperimentView:
    """One experiment on one rule, where it stands, and how customers are split."""

    key: str
    rule_id: str
    rule_name: str
    holdout: float
    variants: tuple[Variant, ...]
    status: str
    version: int | None  # the published version it was last in (None: only in the draft)
    notes: tuple[str, ...] = field(default_factory=tuple)


def rule_of(document: dict | None, rule_id: str) -> dict | None:
    """Return a rule of a rule-set document by id."""
    return next((r for r in (document or {}).get("rules", []) if r.get("id") == rule_id), None)


def experiment_of(document: dict | None, rule_id: str) -> dict | None:
    """Return the experiment on a rule of a document, if any."""
    rule = rule_of(document, rule_id)
    return (rule or {}).get("experiment") or None


def with_experiment(document: dict, rule_id: str, experiment: dict | None) -> dict:
    """Return a copy of the document with the rule's experiment set (None removes it)."""
    copy = deepcopy(document)
    rule = rule_of(copy, rule_id)
    if rule is None:
        raise LookupError(f"no rule {rule_id!r}")
    if experiment is None:
        rule.pop("experiment", None)
    else:
        rule["experiment"] = deepcopy(experiment)
    return copy


def pending_changes(draft: dict | None, published: dict | None, rule_id: str) -> bool:
    """Say whether the draft differs from the published rules beyond this rule's experiment."""
    if draft is None:
        return False
    if published is None or rule_of(published, rule_id) is None:
        return True
    return with_experiment(draft, rule_id, None) != with_experiment(published, rule_id, None)


def split(experiment: dict) -> tuple[Variant, ...]:
    """Return each variant with its share of customers, after the holdout."""
    holdout = float(experiment.get("holdout", 0))
    total = sum(float(v["weight"]) for v in experiment["variants"]) or 1.0
    return tuple(
        Variant(
            v["name"],
            float(v["weight"]),
            (1 - holdout) * float(v["weight"]) / total,
            tuple(v["offers"]),
        )
        for v in experiment["variants"]
    )


def _view(rule: dict, status: str, version: int | None, notes=()) -> ExperimentView:
    experiment = rule["experiment"]
    return ExperimentView(
        key=experiment["key"],
        rule_id=rule["id"],
        rule_name=rule.get("name") or rule["id"],
        holdout=float(experiment.get("holdout", 0)),
        variants=split(experiment),
        status=status,
        version=version,
        notes=tuple(notes),
    )


def published_versions(app_id: str) -> list[RuleSet]:
    """Return every published version of an app's rules, newest first."""
    return list(
        db.session.scalars(
            select(RuleSet)
            .where(RuleSet.app_id == app_id, RuleSet.status == "published")
            .order_by(RuleSet.version.desc())
        )
    )


def catalog(app_id: str) -> list[ExperimentView]:
    """Return the app's experiments: running, waiting in the draft, then stopped ones."""
    versions = published_versions(app_id)
    current = versions[0].document if versions else None
    draft_row = service.draft(app_id)
    draft = draft_row.document if draft_row else None
    found: list[ExperimentView] = []
    seen: set[tuple[str, str]] = set()
    for rule in (current or {}).get("rules", []):
        if rule.get("experiment"):
            notes = []
            if draft is not None and experiment_of(draft, rule["id"]) != rule["experiment"]:
                notes.append(
                    "The draft stops or changes it; nothing changes until it is published."
                )
            found.append(_view(rule, RUNNING, versions[0].version, notes))
            seen.add((rule["id"], rule["experiment"]["key"]))
    for rule in (draft or {}).get("rules", []):
        if rule.get("experiment") and (rule["id"], rule["experiment"]["key"]) not in seen:
            found.append(
                _view(rule, DRAFT, None, ["Not live: it starts when the draft is published."])
            )
            seen.add((rule["id"], rule["experiment"]["key"]))
    for row in versions[1:]:
        for rule in row.document.get("rules", []):
            if rule.get("experiment") and (rule["id"], rule["experiment"]["key"]) not in seen:
                found.append(_view(rule, STOPPED, row.version))
                seen.add((rule["id"], rule["experiment"]["key"]))
    return found


def find(app_id: str, rule_id: str, key: str) -> ExperimentView | None:
    """Return one experiment of the app by rule and key."""
    return next((e for e in catalog(app_id) if e.rule_id == rule_id and e.key == key), None)


def key_problem(app_id: str, rule_id: str, experiment: dict) -> str | None:
    """Return why this key cannot carry this set-up on this rule, or None if it can."""
    for row in published_versions(app_id):
        for rule in row.document.get("rules", []):
            earlier = rule.get("experiment")
            if not earlier or earlier["key"] != experiment["key"]:
                continue
            if rule["id"] != rule_id:
                return f"Rule '{rule['id']}' used this key; give this experiment its own key."
            if earlier != experiment:
                return (
                    "This key already stands for another set-up. Customers are placed in groups "
                    "by key and weights, so changing them under the same key would move people "
                    "between groups mid-test and mix their results. Use a new key."
                )
    return None


def change(
    app_id: str,
    rule_id: str,
    experiment: dict | None,
    actor: str,
    *,
    publish_pending: bool = False,
) -> tuple[dict | None, RuleSet]:
    """Set (or with None, remove) a rule's experiment and publish; return the one before.

    Raises LookupError for an unknown rule, PendingChanges when the draft holds other changes
    that were not confirmed, and marshmallow's ValidationError for a document that does not load.
    """
    published = service.published(app_id)
    draft_row = service.draft(app_id)
    base = draft_row.document if draft_row else (published.document if published else None)
    if base is None or rule_of(base, rule_id) is None:
        raise LookupError(f"no rule {rule_id!r}")
    current = published.document if published else None
    draft = draft_row.document if draft_row else None
    if not publish_pending and pending_changes(draft, current, rule_id):
        raise PendingChanges(
            "The draft has other unpublished changes.",
            errors={"publish_pending": ["Confirm that the draft's other changes go live too."]},
        )
    before = experiment_of(current, rule_id)
    verb = "Start" if experiment else "Stop"
    note = f"{verb} experiment {(experiment or before or {}).get('key', '')} on rule {rule_id}"
    service.save_draft(app_id, with_experiment(base, rule_id, experiment), actor, note)
    return before, service.publish(app_id, actor)
