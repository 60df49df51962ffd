"""Slack incoming-webhook messages for the events a person reads (alerts).

Everything a customer typed is escaped: Slack reads `<…>` as links and mentions, and a comment
holding `<!channel>` must not page a whole channel.
"""

import json

from saveflow.money import money

# Slack refuses a header over 150 characters and a text block over 3,000.
COMMENT_CHARS = 1000
FIELD_CHARS = 300


def escape(text: str) -> str:
    """Return text Slack shows as typed (no links, mentions or formatting of its own)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _words(key: str | None) -> str:
    """Return a key such as `too_expensive` as words ("Too expensive")."""
    return key.replace("_", " ").replace(".", " ").capitalize() if key else "—"


def _plan(data: dict) -> str:
    return data.get("plan_name") or data.get("plan") or "—"


def _mrr(data: dict) -> str:
    return money(data.get("mrr"), data.get("currency") or "")


def _reason(data: dict) -> str:
    reason = data.get("reason") or {}
    if not reason.get("id"):
        return "—"
    category = reason.get("category")
    if category and category != reason["id"]:
        return f"{_words(reason['id'])} ({_words(category)})"
    return _words(reason["id"])


def _offer(data: dict) -> str:
    offer = data.get("offer") or {}
    if not offer:
        return "—"
    title = offer.get("title") or offer.get("id") or ""
    return f"{title} ({_words(offer.get('type'))})" if offer.get("type") else title


def _field(label: str, value: str) -> dict:
    return {"type": "mrkdwn", "text": f"*{label}*\n{escape(_cut(value, FIELD_CHARS))}"}


def _link_or_note(url: str) -> dict:
    if url.startswith(("https://", "http://")):
        button = {"type": "plain_text", "text": "Open the session"}
        return {"type": "actions", "elements": [{"type": "button", "text": button, "url": url}]}
    # Slack refuses a button without an absolute address (SAVEFLOW_URL unset): show the path.
    note = f"Session page: {escape(url)} (set SAVEFLOW_URL for a link)"
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": note}]}


def alert_message(data: dict) -> dict:
    """Return the Slack message of a customer-success alert."""
    customer = str(data.get("customer") or "A customer")
    outcome = data.get("outcome") or "decided"
    test = " (test mode)" if data.get("mode") == "test" else ""
    summary = f"{customer} on {_plan(data)} ({_mrr(data)} MRR) {outcome}: {_reason(data)}{test}"
    comment = ((data.get("reason") or {}).get("comment") or "").strip()
    blocks: list[dict] = [
        {"type": "header", "text": {"type": "plain_text", "text": f"Customer-success alert{test}"}},
        {"type": "section", "text": {"type": "mrkdwn", "text": escape(_cut(summary, 2000))}},
        {
            "type": "section",
            "fields": [
                _field("Customer", customer),
                _field("Plan", _plan(data)),
                _field("MRR", _mrr(data)),
                _field("Outcome", _words(outcome)),
                _field("Reason", _reason(data)),
                _field("Offer", _offer(data)),
            ],
        },
    ]
    if comment:
        quoted = "\n".join(f">{line}" for line in escape(_cut(comment, COMMENT_CHARS)).split("\n"))
        blocks.append(
            {"type": "section", "text": {"type": "mrkdwn", "text": f"*Comment*\n{quoted}"}}
        )
    triggers = ", ".join(data.get("triggers") or []) or "—"
    blocks.append(
        {
            "type": "context",
            "elements": [{"type": "mrkdwn", "text": escape(_cut(f"Triggers: {triggers}", 2000))}],
        }
    )
    if data.get("session_url"):
        blocks.append(_link_or_note(data["session_url"]))
    return {"text": escape(f"Customer-success alert: {summary}"), "blocks": blocks}


def slack_body(event: str, data: dict) -> str | None:
    """Return the Slack message JSON for an event, or None if Slack does not get this event."""
    if event != "session.alert":
        return None
    return json.dumps(alert_message(data), ensure_ascii=False, separators=(",", ":"))
