"""Emails rendered from Jinja2 templates in the customer's locale (HTML and text).

Each kind has one pair of templates, `email/<kind>.html` and `email/<kind>.txt`, shared by every
locale: the words come from `email_copy`, and this module writes the facts (dates, money, an
offer's terms) the way a reader of the locale expects. HTML autoescapes, so a customer's comment
is shown, never run.
"""

import re
from datetime import date, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from jinja2 import Environment

from saveflow.flow_copy import STRINGS as WIDGET
from saveflow.i18n import SUPPORTED as LOCALES
from saveflow.messaging.email_copy import COPY
from saveflow.money import money
from saveflow.offers.types.base import readable_plan
from saveflow.reasons.taxonomy import CATEGORIES

KINDS = ("cancel_receipt", "offer_accepted", "cs_alert", "payment_recovery")
_FIELD = re.compile(r"\{(\w+)\}")
# The widget's line of terms for the offer types that have terms.
_TERMS = {
    "discount": "discount_terms",
    "pause": "pause_terms",
    "downgrade": "downgrade_terms",
    "trial_extension": "trial_terms",
}


def fill(text: str, **fields) -> str:
    """Fill a line of copy's `{name}` fields; one not given is left out."""
    return _FIELD.sub(
        lambda m: "" if fields.get(m.group(1)) is None else str(fields[m.group(1)]), text
    )


def written_date(value: str | None, locale: str, timezone: str = "UTC") -> str | None:
    """Write an ISO date, or a timestamp's day in `timezone`, as the locale writes dates:
    `May 15, 2025`, `2025年5月15日`."""
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    day: date = moment.date()
    if moment.tzinfo is not None:
        try:
            day = moment.astimezone(ZoneInfo(timezone)).date()
        except ZoneInfoNotFoundError:
            day = moment.date()
    words = COPY[locale]
    names = words["month_names"]
    return fill(
        words["date"],
        year=day.year,
        month=day.month,
        day=day.day,
        month_name=names[day.month - 1] if names else day.month,
    )


def plan_of(session: dict) -> str:
    """Return the name the customer knows their plan by."""
    named = session.get("plan_name")
    if isinstance(named, str) and named.strip():
        return named.strip()
    return readable_plan(session.get("plan") or "") or "—"


def per_period(minor: int, terms: dict, locale: str) -> str:
    """Write a price per billing period: `39.20 USD/month`, `每 3 月 90.00 USD`."""
    words = WIDGET[locale]
    count = terms.get("interval_count") or 1
    return fill(
        words["per_n" if count > 1 else "per"],
        price=money(minor, terms.get("currency") or ""),
        unit=words.get(f"unit_{terms.get('interval')}", terms.get("interval")),
        count=count,
    )


def offer_lines(offer: dict | None, locale: str, plan: str, timezone: str = "UTC") -> dict:
    """Return an accepted offer's confirmation in the widget's words: heading, body, terms line,
    and the link to open (for offers that are a link, such as booking a training)."""
    if not offer:
        return {"title": None, "heading": None, "body": None, "terms": None, "link": None}
    words, kind = WIDGET[locale], offer.get("type") or ""
    terms = offer.get("terms") or {}
    fields = {
        "offer": offer.get("title"),
        "months": terms.get("months"),
        "days": terms.get("days"),
        "plan": terms.get("plan_name") or plan,
        "date": written_date(terms.get("resumes_on"), locale, timezone),
    }
    if terms.get("currency"):
        fields["after"] = per_period(terms["price_after"], terms, locale)
        fields["before"] = per_period(terms["price_before"], terms, locale)
    key = _TERMS.get(kind)
    if key and kind == "discount" and terms.get("months") == 1:
        key += "_1"
    fields["terms"] = fill(words[key], **fields) if key else None
    url = terms.get("url")
    return {
        "title": offer.get("title"),
        "heading": fill(words.get(f"saved_heading_{kind}", words["saved_heading"]), **fields),
        "body": fill(words.get(f"saved_body_{kind}", words["saved_body"]), **fields),
        "terms": fields["terms"],
        "link": (words.get(f"open_link_{kind}", words["open_link"]), url) if url else None,
    }


def _cancel_receipt(s: dict, words: dict, locale: str, tz: str) -> dict:
    effective = s.get("effective") or {}
    immediately = effective.get("at_period_end") is False
    when = written_date(s.get("effective_at") or effective.get("effective_at"), locale, tz)
    if immediately:
        key, fallback = ("cancel_ended_on" if when else "cancel_ended_now"), words["immediately"]
    else:
        key, fallback = ("cancel_ends_on" if when else "cancel_ends_period"), words["end_of_period"]
    return {
        "lead": fill(words[key], plan=plan_of(s), date=when),
        "ends": (words["ended_label" if immediately else "ends_label"], when or fallback),
    }


def _reason(reason: dict | None, words: dict, locale: str) -> str | None:
    if not reason:
        return None
    category = CATEGORIES.get(reason.get("category") or "")
    parts = [category.labels[locale] if category else reason.get("category")]
    for flag in ("voluntary", "influenceable"):
        if reason.get(flag) is not None:
            parts.append(words[flag][bool(reason[flag])])
    details = " · ".join(p for p in parts if p)
    return f"{reason.get('id')} — {details}" if details else reason.get("id")


def _cs_alert(s: dict, words: dict, locale: str, tz: str) -> dict:
    offer = s.get("offer") or {}
    reason = s.get("reason") or {}
    outcome = words["outcomes"].get(s.get("outcome"), s.get("outcome") or "")
    rows = [
        (words["customer"], s.get("customer")),
        (words["plan"], plan_of(s)),
        (words["mrr"], money(s.get("mrr"), s.get("currency") or "")),
        (words["outcome"], outcome),
        (words["reason"], _reason(s.get("reason"), words, locale) or "—"),
        (words["offer"], offer.get("title") or words["no_offer"]),
        (words["effective"], written_date(s.get("effective_at"), locale, tz)),
        (words["triggers"], words["list_separator"].join(s.get("triggers") or []) or None),
    ]
    return {
        "outcome": outcome,
        "rows": [(label, value) for label, value in rows if value],
        "comment": reason.get("comment") or None,
    }


def _view(kind: str, context: dict, locale: str) -> dict:
    """Return what one kind's templates show, written for the locale."""
    s, words = context.get("session") or {}, COPY[locale]
    tz, plan = context.get("timezone") or "UTC", plan_of(s)
    fields = {"app": context.get("app_name"), "plan": plan, "customer": s.get("customer")}
    view: dict = {"plan": plan, "reference": s.get("session_id")}
    if kind == "cancel_receipt":
        view.update(_cancel_receipt(s, words, locale, tz))
    elif kind == "offer_accepted":
        view["offer"] = offer_lines(context.get("offer") or s.get("offer"), locale, plan, tz)
        fields["offer"] = view["offer"]["title"] or plan
    elif kind == "cs_alert":
        view.update(_cs_alert(s, words, locale, tz))
        fields.update(outcome=view["outcome"], mrr=money(s.get("mrr"), s.get("currency") or ""))
    view["subject"] = " ".join(fill(words[f"{kind}_subject"], **fields).split())
    view["fields"] = fields
    return view


def render_email(env: Environment, kind: str, locale: str, context: dict) -> dict:
    """Return {"subject", "html", "text"} for one email kind in a locale (en as a fallback)."""
    if kind not in KINDS:
        raise ValueError(f"no email of kind {kind!r}")
    locale = locale if locale in LOCALES else "en"
    view = _view(kind, context, locale)
    values = {
        **context,
        "t": COPY[locale],
        "locale": locale,
        "fill": lambda text, **more: fill(text, **{**view["fields"], **more}),
        "v": view,
        "subject": view["subject"],
    }
    html, text = (
        env.get_template(f"email/{kind}.{ext}").render(**values) for ext in ("html", "txt")
    )
    return {"subject": view["subject"], "html": html, "text": text}
