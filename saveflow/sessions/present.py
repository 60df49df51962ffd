"""Turn sessions, reasons and offers into the public API's JSON payloads."""

import random
import re
from datetime import datetime
from fractions import Fraction

from saveflow.billing.periods import add_interval
from saveflow.i18n import personalize, pick
from saveflow.reasons.taxonomy import SURVEY_QUESTION
from saveflow.reports.revenue import exact_mrr, round_minor

RECOVERY_COPY = {
    "en": "Your last payment didn't go through. Update your payment method to keep your "
    "subscription, or continue to cancel.",
    "zh-Hans": "您最近一次付款未成功。更新付款方式即可保留订阅，也可以继续取消。",
    "zh-Hant": "您最近一次付款未成功。更新付款方式即可保留訂閱，也可以繼續取消。",
}


def survey(app, reasons, locale: str, session_id: str) -> dict:
    """Return the survey: question and reasons, shuffled per session if the app asks for it."""
    items = [
        {"id": r.key, "label": pick(r.labels, locale), "follow_up": r.follow_up} for r in reasons
    ]
    if app.settings.get("randomize_reasons"):
        # Order bias is real in surveys; "other" stays last where people look for it.
        head = [i for i in items if i["id"] != "other"]
        random.Random(session_id).shuffle(head)
        items = head + [i for i in items if i["id"] == "other"]
    question = (app.settings.get("copy") or {}).get("survey_question") or SURVEY_QUESTION
    return {"question": pick(question, locale), "reasons": items}


def payment_recovery(snapshot: dict, locale: str) -> dict:
    """Return the payment-recovery step for a past-due subscription."""
    return {
        "message": RECOVERY_COPY[locale],
        "url": snapshot.get("update_payment_url"),
        "status": snapshot.get("status"),
    }


def readable_plan(plan_id: str) -> str:
    """Make a plan id fit to show when no name is known: `pro_annual` becomes `Pro Annual`."""
    words = [w for w in re.split(r"[\s_.-]+", plan_id) if w]
    # A word with capitals or digits in it is someone's spelling; keep it.
    return " ".join(w.capitalize() if w.isalpha() and w.islower() else w for w in words) or plan_id


def plan_name(snapshot: dict, attributes: dict | None = None) -> str:
    """Return the name the customer knows their plan by, never the bare billing id."""
    named = snapshot.get("plan_name")
    if isinstance(named, str) and named.strip():
        return named.strip()
    # The page's `plan` attribute names it too, unless it merely repeats the id.
    given = (attributes or {}).get("plan")
    if isinstance(given, str) and given.strip() and given.strip() != snapshot["plan"]:
        return given.strip()
    return readable_plan(snapshot["plan"])


def offer_terms(offer, snapshot: dict, now: datetime) -> dict:
    """Spell out what the customer gets: price after discount, resume date, new plan price."""
    params = offer.params
    money = {
        "currency": snapshot["currency"],
        "interval": snapshot["interval"],
        "interval_count": snapshot["interval_count"],
    }
    per_period = snapshot["amount"] * snapshot["quantity"]
    if offer.type == "discount":
        if params.get("percent"):
            after = round_minor(Fraction(per_period * (100 - params["percent"]), 100))
        else:
            after = max(per_period - params["amount"], 0)
        return {
            **money,
            "months": params["months"],
            "percent": params.get("percent"),
            "amount_off": params.get("amount"),
            "price_before": per_period,
            "price_after": after,
        }
    if offer.type == "pause":
        return {
            "months": params["months"],
            "resumes_on": add_interval(now, "month", params["months"]).date().isoformat(),
        }
    if offer.type == "downgrade":
        target = params["targets"][snapshot["plan"]]
        return {
            **money,
            "plan": target["plan"],
            "plan_name": (target.get("name") or "").strip() or readable_plan(target["plan"]),
            "price_before": per_period,
            "price_after": target["amount"] * snapshot["quantity"],
            "mrr_after": round_minor(exact_mrr(snapshot, unit_amount=target["amount"])),
        }
    if offer.type == "trial_extension":
        return {"days": params["days"]}
    return {"url": params.get("url")}


def offer_card(offer, snapshot: dict, locale: str, attributes: dict, now: datetime) -> dict:
    """Return one offer as the widget shows it."""
    copy = pick(offer.copy, locale) or {"title": offer.key, "body": ""}
    fields = {**attributes, "plan": plan_name(snapshot, attributes)}
    return {
        "id": offer.key,
        "type": offer.type,
        "title": personalize(copy.get("title", ""), fields),
        "body": personalize(copy.get("body", ""), fields),
        "terms": offer_terms(offer, snapshot, now),
    }


def classification(data: dict | None) -> dict | None:
    """Return the public part of a stored classification."""
    if data is None:
        return None
    keys = ("category", "voluntary", "influenceable", "confidence")
    return {k: data.get(k) for k in keys}
