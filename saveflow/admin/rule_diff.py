"""What changed between two rule-set documents, in plain words, rule by rule."""

import difflib
import json
from dataclasses import dataclass, field

from saveflow.admin.rule_text import (
    Vocabulary,
    describe_condition,
    describe_offers,
    describe_rule,
    evaluation_order,
)


@dataclass
class RuleChange:
    """One rule that differs: added, removed, changed or moved, with its changes in words."""

    kind: str  # "added" | "removed" | "changed" | "moved"
    rule_id: str
    name: str
    summary: str
    changes: list[str] = field(default_factory=list)


@dataclass
class Diff:
    rules: list[RuleChange]
    settings: list[str]

    @property
    def empty(self) -> bool:
        return not self.rules and not self.settings

    def by_rule(self) -> dict[str, RuleChange]:
        return {change.rule_id: change for change in self.rules}


def _name(rule: dict) -> str:
    return rule.get("name") or rule.get("id", "")


def _conditions(old: list[dict], new: list[dict], words: Vocabulary) -> list[str]:
    old_text = [describe_condition(c, words) for c in old]
    new_text = [describe_condition(c, words) for c in new]
    lines = [f"Condition added: {t}" for t in new_text if t not in old_text]
    lines += [f"Condition removed: {t}" for t in old_text if t not in new_text]
    if not lines and old != new:
        lines.append("Conditions reordered")
    return lines


def _experiment(old: dict | None, new: dict | None) -> list[str]:
    if old == new:
        return []
    if not old:
        return [f"Experiment “{new.get('key')}” added"] if new else []
    if not new:
        return [f"Experiment “{old.get('key')}” removed"]
    return [f"Experiment “{new.get('key')}” changed (variants, weights or holdout)"]


def rule_changes(old: dict, new: dict, words: Vocabulary) -> list[str]:
    """List how one rule changed, field by field, in plain words."""
    lines = []
    if old.get("name", "") != new.get("name", ""):
        lines.append(f"Renamed from “{old.get('name', '')}” to “{new.get('name', '')}”")
    if old.get("enabled", True) != new.get("enabled", True):
        lines.append("Switched on" if new.get("enabled", True) else "Switched off")
    if old.get("priority", 0) != new.get("priority", 0):
        lines.append(f"Priority {old.get('priority', 0)} → {new.get('priority', 0)}")
    lines += _conditions(old.get("when") or [], new.get("when") or [], words)
    if (old.get("offers") or []) != (new.get("offers") or []):
        lines.append(
            f"Offers: {describe_offers(old.get('offers') or [], words)} → "
            f"{describe_offers(new.get('offers') or [], words)}"
        )
    lines += _experiment(old.get("experiment"), new.get("experiment"))
    return lines


def _positions(document: dict) -> dict[str, int]:
    return {r.get("id", ""): n for n, r in enumerate(evaluation_order(document), start=1)}


def diff_documents(old: dict | None, new: dict | None, words: Vocabulary) -> Diff:
    """Compare two documents (None = no rules at all), listing rules in the new order."""
    old, new = old or {}, new or {}
    old_rules = {r.get("id"): r for r in old.get("rules") or ()}
    new_rules = {r.get("id"): r for r in new.get("rules") or ()}
    old_at, new_at = _positions(old), _positions(new)
    # Rules that kept their place relative to each other are not "moved": compare the order of
    # the rules both sides have.
    common_old = [rid for rid in sorted(old_at, key=old_at.__getitem__) if rid in new_rules]
    common_new = [rid for rid in sorted(new_at, key=new_at.__getitem__) if rid in old_rules]
    rank_old = {rid: n for n, rid in enumerate(common_old)}
    rank_new = {rid: n for n, rid in enumerate(common_new)}
    changes: list[RuleChange] = []
    for rule in evaluation_order(new):
        rid = rule.get("id", "")
        summary = describe_rule(rule, words)
        if rid not in old_rules:
            changes.append(RuleChange("added", rid, _name(rule), summary, ["New rule"]))
            continue
        lines = rule_changes(old_rules[rid], rule, words)
        moved = rank_old[rid] != rank_new[rid]
        if moved:
            lines.append(f"Moved from position {old_at[rid]} to {new_at[rid]}")
        if lines:
            kind = "changed" if not moved or len(lines) > 1 else "moved"
            changes.append(RuleChange(kind, rid, _name(rule), summary, lines))
    for rule in evaluation_order(old):
        rid = rule.get("id", "")
        if rid not in new_rules:
            summary = describe_rule(rule, words)
            changes.append(RuleChange("removed", rid, _name(rule), summary, ["Rule removed"]))
    settings = []
    if old.get("max_offers") != new.get("max_offers"):
        settings.append(
            f"Offers per session at most: {_limit(old.get('max_offers'))} → "
            f"{_limit(new.get('max_offers'))}"
        )
    return Diff(changes, settings)


def _limit(value) -> str:
    return "the app's setting" if value is None else str(value)


def json_diff(old: dict | None, new: dict | None, old_name: str, new_name: str) -> str:
    """Return a unified diff of two documents as pretty-printed JSON."""

    def lines(doc):
        text = json.dumps(doc or {}, indent=2, ensure_ascii=False, sort_keys=True)
        return text.splitlines(keepends=True)

    return "".join(difflib.unified_diff(lines(old), lines(new), old_name, new_name, n=3))
