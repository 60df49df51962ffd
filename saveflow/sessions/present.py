"""Turn sessions, reasons and offers into the public API's JSON payloads."""

import random
from datetime import datetime

from saveflow.i18n import personalize, pick
from saveflow.offers.types import offer_type
from saveflow.offers.types.base import readable_plan
from saveflow.reasons.taxonomy import SURVEY_QUESTION

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


def offer_card(offer, snapshot: dict, locale: str, attributes: dict, now: datetime) -> dict:
    """Return one offer as the widget shows it."""
    copy = pick(offer.copy, locale) or {"title": offer.key, "body": ""}
    fields = {**attributes, "plan": plan_name(snapshot, attributes)}
    return {
        "id": offer.key,
        "type": offer.type,
        "title": personalize(copy.get("title", ""), fields),
        "body": personalize(copy.get("body", ""), fields),
        "terms": offer_type(offer.type).terms(offer.params, snapshot, now),
    }


def classification(data: dict | None) -> dict | None:
    """Return the public part of a stored classification."""
    if data is None:
        return None
    keys = ("category", "voluntary", "influenceable", "confidence")
    return {k: data.get(k) for k in keys}
