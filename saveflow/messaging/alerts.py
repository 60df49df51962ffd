"""Customer-success alert triggers, as the admin edits them, and which of them a session meets."""


def matching_triggers(triggers: list[dict], facts: dict) -> list[str]:
    """Return the names of the triggers a decided session meets (empty: no alert)."""
    return []  # placeholder until the triggers land
