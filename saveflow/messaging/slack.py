"""Slack incoming-webhook messages for the events a person reads (alerts)."""


def slack_body(event: str, data: dict) -> str | None:
    """Return the Slack message JSON for an event, or None if Slack does not get this event."""
    return None  # placeholder until the Slack format lands
