"""Emails rendered from the templates: every kind in every locale, with the facts it must state."""

import html
import re

import pytest

from saveflow.messaging.email_copy import COPY
from saveflow.messaging.emails import KINDS, LOCALES, render_email

COMMENT = '<script>alert("hi")</script> & too pricey for us'
DISCOUNT = {
    "id": "discount_20_3m",
    "type": "discount",
    "title": "20% off",
    "body": "Stay and save.",
    "terms": {
        "currency": "usd",
        "interval": "month",
        "interval_count": 1,
        "months": 3,
        "percent": 20,
        "amount_off": None,
        "price_before": 4900,
        "price_after": 3920,
    },
}
CANCELLED = {
    "session_id": "sess_7",
    "mode": "live",
    "customer": "cus_42",
    "subscription": "sub_42",
    "outcome": "cancelled",
    "decided_at": "2025-04-20T09:00:00+00:00",
    "locale": "en",
    "plan": "pro",
    "plan_name": "Pro",
    "currency": "usd",
    "mrr": 4900,
    "reason": {
        "id": "too_expensive",
        "comment": COMMENT,
        "category": "too_expensive",
        "voluntary": True,
        "influenceable": True,
    },
    "offer": None,
    "effective": {
        "provider": "none",
        "status": "host_applies",
        "action": "cancel_subscription",
        "at_period_end": True,
        "effective_at": "2025-05-15T10:00:00+00:00",
    },
    "effective_at": "2025-05-15T10:00:00+00:00",
    "saved_revenue": None,
}
SAVED = {
    **CANCELLED,
    "outcome": "saved",
    "offer": DISCOUNT,
    "effective": {"provider": "none", "status": "host_applies", "action": "apply_discount"},
    "effective_at": None,
}
ALERT = {
    **CANCELLED,
    "offer": DISCOUNT,
    "triggers": ["MRR of 40 USD or more", "Influenceable reason"],
    "session_url": "https://saveflow.acme.example/admin/apps/app_1/sessions/sess_7",
}
RECOVERY = {
    "session_id": "sess_8",
    "customer": "cus_42",
    "plan": "pro",
    "plan_name": "Pro",
    "currency": "usd",
    "mrr": 4900,
    "status": "past_due",
    "update_payment_url": "https://billing.acme.example/p/session/abc?flow=pm&x=1",
}
CONTEXTS = {
    "cancel_receipt": {"app_name": "Acme", "session": CANCELLED, "offer": None},
    "offer_accepted": {"app_name": "Acme", "session": SAVED, "offer": DISCOUNT},
    "cs_alert": {"app_name": "Acme", "session": ALERT, "offer": DISCOUNT},
    "payment_recovery": {"app_name": "Acme", "session": RECOVERY},
}
SUBJECTS = {
    "cancel_receipt": {
        "en": "Your Acme subscription is cancelled",
        "zh-Hans": "您的 Acme 订阅已取消",
        "zh-Hant": "您的 Acme 訂閱已取消",
    },
    "offer_accepted": {
        "en": "Confirmed: 20% off",
        "zh-Hans": "已确认：20% off",
        "zh-Hant": "已確認：20% off",
    },
    "cs_alert": {
        "en": "Customer-success alert: cus_42 cancelled (49.00 USD MRR)",
        "zh-Hans": "客户成功提醒：cus_42 已取消订阅（MRR 49.00 USD）",
        "zh-Hant": "客戶成功通知：cus_42 已取消訂閱（MRR 49.00 USD）",
    },
    "payment_recovery": {
        "en": "Action needed: update your payment method for Acme",
        "zh-Hans": "请更新您在 Acme 的付款方式",
        "zh-Hant": "請更新您在 Acme 的付款方式",
    },
}
# What each email must state, in both its parts.
FACTS = {
    "cancel_receipt": {
        "en": ["May 15, 2025", "nothing more will be charged after that date", "Pro"],
        "zh-Hans": ["2025年5月15日", "此后不会再向您收取任何费用", "Pro"],
        "zh-Hant": ["2025年5月15日", "之後不會再向您收取任何費用", "Pro"],
    },
    "offer_accepted": {
        "en": ["20% off", "39.20 USD/month for 3 months, then 49.00 USD/month"],
        "zh-Hans": ["20% off", "3 个月内 39.20 USD/月，之后恢复 49.00 USD/月"],
        "zh-Hant": ["20% off", "3 個月內 39.20 USD/月，之後恢復 49.00 USD/月"],
    },
    "cs_alert": {
        "en": [
            "cus_42",
            "Pro",
            "49.00 USD",
            "too_expensive — It's too expensive",
            "20% off",
            "MRR of 40 USD or more, Influenceable reason",
            ALERT["session_url"],
        ],
        "zh-Hans": [
            "cus_42",
            "Pro",
            "49.00 USD",
            "too_expensive — 价格太贵",
            "20% off",
            "MRR of 40 USD or more、Influenceable reason",
            ALERT["session_url"],
        ],
        "zh-Hant": [
            "cus_42",
            "Pro",
            "49.00 USD",
            "too_expensive — 價格太貴",
            "20% off",
            "MRR of 40 USD or more、Influenceable reason",
            ALERT["session_url"],
        ],
    },
    "payment_recovery": {
        "en": ["Update payment method", "Pro"],
        "zh-Hans": ["更新付款方式", "Pro"],
        "zh-Hant": ["更新付款方式", "Pro"],
    },
}
ASCII_MARKS = re.compile(r"[,?!:;()]")
# Values that come from outside the copy (names, ids, amounts, links) and keep their own marks.
VALUES = re.compile(r"https?://\S+|" + re.escape(COMMENT) + r"|MRR of 40 USD or more")


def render(env, kind, locale, context=None):
    return render_email(env, kind, locale, context or CONTEXTS[kind])


def html_text(part):
    """Return what a reader sees of an HTML part."""
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", part)))


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("kind", KINDS)
def test_every_kind_renders_in_every_locale(jinja_env, kind, locale):
    email = render(jinja_env, kind, locale)
    assert email["subject"] == SUBJECTS[kind][locale]
    for fact in FACTS[kind][locale]:
        assert fact in email["text"], fact
        assert fact in html_text(email["html"]), fact
    assert f'<html lang="{locale}">' in email["html"]
    # Only inline styles and links: nothing for a mail client to load from elsewhere.
    for loaded in ("<img", "src=", "<link", "<style", "@import", "url("):
        assert loaded not in email["html"]


@pytest.mark.parametrize("locale", ["zh-Hans", "zh-Hant"])
@pytest.mark.parametrize("kind", KINDS)
def test_chinese_emails_use_full_width_punctuation(jinja_env, kind, locale):
    email = render(jinja_env, kind, locale)
    for part in (email["subject"], email["text"], html_text(email["html"])):
        words = VALUES.sub("", part)
        assert not ASCII_MARKS.search(words), ASCII_MARKS.search(words).group()


def test_chinese_copy_differs_beyond_the_characters():
    """Traditional copy is written for Taiwan and Hong Kong readers, not converted."""
    assert COPY["zh-Hans"]["plan"] == "套餐" and COPY["zh-Hant"]["plan"] == "方案"
    assert "帳單" in COPY["zh-Hant"]["end_of_period"]
    assert "連結" in COPY["zh-Hant"]["link_fallback"]
    assert set(COPY["zh-Hans"]) == set(COPY["en"]) == set(COPY["zh-Hant"])


def test_a_comment_is_escaped_in_html_and_kept_in_text(jinja_env):
    email = render(jinja_env, "cs_alert", "en")
    assert "<script>" not in email["html"]
    assert "&lt;script&gt;alert(&#34;hi&#34;)&lt;/script&gt; &amp; too pricey" in email["html"]
    assert COMMENT in email["text"]


def test_an_unknown_locale_falls_back_to_english(jinja_env):
    email = render(jinja_env, "cancel_receipt", "fr")
    assert email["subject"] == "Your Acme subscription is cancelled"
    assert '<html lang="en">' in email["html"]
    with pytest.raises(ValueError):
        render_email(jinja_env, "welcome", "en", {})


@pytest.mark.parametrize(
    ("at_period_end", "effective_at", "lead"),
    [
        (True, "2025-05-15T10:00:00+00:00", "Your Pro subscription will end on May 15, 2025."),
        (True, None, "Your Pro subscription will end at the end of your current billing period."),
        (
            False,
            "2025-04-20T09:00:00+00:00",
            "Your Pro subscription ended immediately, on "
            "April 20, 2025. Nothing more will be charged.",
        ),
        (False, None, "Your Pro subscription ended immediately. Nothing more will be charged."),
    ],
)
def test_the_receipt_states_when_the_cancellation_takes_effect(
    jinja_env, at_period_end, effective_at, lead
):
    effective = {**CANCELLED["effective"], "at_period_end": at_period_end}
    effective["effective_at"] = effective_at
    session = {**CANCELLED, "effective": effective, "effective_at": effective_at}
    email = render(jinja_env, "cancel_receipt", "en", {"app_name": "Acme", "session": session})
    assert lead in email["text"]
    assert lead in html_text(email["html"])
    assert "nothing more will be charged" in email["text"].lower()


def test_dates_are_written_in_the_given_time_zone(jinja_env):
    session = {**CANCELLED, "effective_at": "2025-05-15T02:00:00+00:00"}
    context = {"app_name": "Acme", "session": session, "timezone": "America/New_York"}
    assert "will end on May 14, 2025" in render(jinja_env, "cancel_receipt", "en", context)["text"]


@pytest.mark.parametrize(
    ("offer", "facts"),
    [
        (
            {
                "type": "pause",
                "title": "Pause for 2 months",
                "terms": {"months": 2, "resumes_on": "2025-07-15"},
            },
            [
                "Your subscription is paused",
                "Billing resumes on July 15, 2025",
                "No charges until July 15, 2025; billing resumes then.",
            ],
        ),
        (
            {
                "type": "downgrade",
                "title": "Switch to Starter",
                "terms": {
                    "currency": "usd",
                    "interval": "month",
                    "interval_count": 1,
                    "plan": "starter",
                    "plan_name": "Starter",
                    "price_before": 4900,
                    "price_after": 1900,
                    "mrr_after": 1900,
                },
            },
            ["You're now on Starter", "Starter for 19.00 USD/month instead of 49.00 USD/month"],
        ),
        (
            {"type": "trial_extension", "title": "Two more weeks", "terms": {"days": 14}},
            ["We've added 14 more days to your free trial", "14 extra days free"],
        ),
        (
            {**DISCOUNT, "terms": {**DISCOUNT["terms"], "months": 1}},
            ["39.20 USD/month for 1 month, then 49.00 USD/month"],
        ),
        (
            {
                "type": "training",
                "title": "Free training",
                "terms": {"url": "https://acme.example/book?who=cus_42&x=1"},
            },
            [
                "Let's book your free training",
                "get the most out of Pro",
                "Book your training: https://acme.example/book?who=cus_42&x=1",
            ],
        ),
    ],
)
def test_the_confirmation_states_each_offer_types_terms(jinja_env, offer, facts):
    context = {"app_name": "Acme", "session": {**SAVED, "offer": offer}, "offer": offer}
    email = render(jinja_env, "offer_accepted", "en", context)
    assert email["subject"] == f"Confirmed: {offer['title']}"
    for fact in facts:
        assert fact in email["text"], fact
    if offer["type"] == "training":
        assert 'href="https://acme.example/book?who=cus_42&amp;x=1"' in email["html"]


def test_the_recovery_email_links_to_the_payment_page(jinja_env):
    email = render(jinja_env, "payment_recovery", "zh-Hant")
    url = RECOVERY["update_payment_url"]
    assert f'href="{url.replace("&", "&amp;")}"' in email["html"]
    assert f"更新付款方式：{url}" in email["text"]
    assert "Pro" in email["text"] and "請更新付款方式" in email["text"]


def test_an_alert_without_comment_offer_or_link_still_reads(jinja_env):
    session = {**ALERT, "reason": None, "offer": None, "session_url": None, "triggers": []}
    email = render(jinja_env, "cs_alert", "en", {"app_name": "Acme", "session": session})
    assert "Offer: None" in email["text"] and "Reason: —" in email["text"]
    assert "Comment" not in email["text"] and "href" not in email["html"]
