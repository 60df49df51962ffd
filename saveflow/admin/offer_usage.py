"""Which rules name an offer: a published rule keeps its offer switched on."""

from saveflow.offers import service as offers


def rules_naming(document: dict | None, key: str) -> list[str]:
    """Return the ids of the rules (or their experiments' variants) that list offer `key`."""
    found = []
    for rule in (document or {}).get("rules", []):
        variants = (rule.get("experiment") or {}).get("variants") or []
        if key in rule.get("offers", []) or any(key in v.get("offers", []) for v in variants):
            found.append(rule["id"])
    return found


def published_usage(app_id: str) -> dict[str, list[str]]:
    """Return, per offer key, the published rules that use it (keys nobody uses are absent)."""
    row = offers.published(app_id)
    usage: dict[str, list[str]] = {}
    for rule in (row.document if row else {}).get("rules", []):
        variants = (rule.get("experiment") or {}).get("variants") or []
        keys = {*rule.get("offers", []), *(k for v in variants for k in v.get("offers", []))}
        for key in sorted(keys):
            usage.setdefault(key, []).append(rule["id"])
    return usage


def published_rules_using(app_id: str, key: str) -> list[str]:
    """Return the published rules that use offer `key`."""
    row = offers.published(app_id)
    return rules_naming(row.document if row else None, key)


def draft_rules_using(app_id: str, key: str) -> list[str]:
    """Return the draft's rules that use offer `key` (publishing them needs it active)."""
    row = offers.draft(app_id)
    return rules_naming(row.document if row else None, key)
