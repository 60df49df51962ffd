"""Emails rendered from Jinja2 templates in the customer's locale (HTML and text)."""

from jinja2 import Environment

LOCALES = ("en", "zh-Hans", "zh-Hant")


def render_email(env: Environment, kind: str, locale: str, context: dict) -> dict:
    """Return {"subject", "html", "text"} for one email kind in a locale (en as a fallback)."""
    # Placeholder until the templates land.
    subject = f"{context.get('app_name', '')}: {kind}"
    return {"subject": subject, "html": f"<p>{subject}</p>", "text": subject}
