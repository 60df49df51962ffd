"""What the customer reads: the plan's name, and a confirmation that says what just happened."""

from copy import deepcopy
from datetime import date

import pytest

from saveflow.apps.demo import DEMO_PLAN
from saveflow.extensions import db
from saveflow.offers import service
from saveflow.offers.models import Offer

# The two offer types the default catalog lacks, so every type can be accepted.
EXTRA_OFFERS = [
    {
        "key": "trial_14",
        "type": "trial_extension",
        "params": {"days": 14},
        "copy": {
            "en": {"title": "Two more weeks, free", "body": "Take your time to try everything."},
            "zh-Hans": {"title": "再免费试用两周", "body": "慢慢体验所有功能。"},
        },
    },
    {
        "key": "lite",
        "type": "redirect",
        "params": {"url": "https://example.com/lite"},
        "copy": {
            "en": {
                "title": "Try Northwind Lite",
                "body": "The essentials, at a third of the price.",
            },
            "zh-Hans": {"title": "试试 Northwind Lite", "body": "核心功能，三分之一的价格。"},
        },
    },
]
OFFER_KEY = {
    "discount": "discount_25_3m",
    "pause": "pause_2m",
    "downgrade": "downgrade",
    "trial_extension": "trial_14",
    "training": "training",
    "concierge": "concierge",
    "contact": "contact",
    "redirect": "lite",
}
# (heading, text, link) on the done screen after accepting each type; {date} is the resume date.
CONFIRMATIONS = {
    "en": {
        "discount": (
            "Thanks for staying!",
            "Your discount is applied: $36.75/month for 3 months, then $49.00/month.",
            None,
        ),
        "pause": (
            "Your subscription is paused",
            "You won't be charged while it's paused. Billing resumes on {date}, and everything "
            "will be right where you left it.",
            None,
        ),
        "downgrade": (
            "You're now on Starter",
            "You now pay $19.00/month instead of $49.00/month. All your data stays right where "
            "it is.",
            None,
        ),
        "trial_extension": (
            "Your trial is extended",
            "We've added 14 more days to your free trial. Enjoy the extra time!",
            None,
        ),
        "training": (
            "Let's book your free training",
            "Pick a time that suits you, and we'll show you how to get the most out of Pro.",
            "Book your training",
        ),
        "concierge": (
            "We'll set it up with you",
            "Book a call at a time that suits you, and our team will configure your account "
            "together with you.",
            "Book a call",
        ),
        "contact": (
            "We'll be in touch",
            "Thanks for giving us a chance to help. Someone from our team will reach out to you "
            "shortly.",
            "Contact us now",
        ),
        "redirect": ("One more step", "Continue on the next page to finish.", "Continue"),
    },
    "zh-Hans": {
        "discount": (
            "感谢您留下来！",
            "优惠已生效：3 个月内 US$36.75/月，之后恢复 US$49.00/月。",
            None,
        ),
        "pause": ("订阅已暂停", "暂停期间不收费，{date}恢复计费，您的一切都会原样保留。", None),
        "downgrade": (
            "已换成 Starter",
            "现在的价格是 US$19.00/月（原为 US$49.00/月），您的数据都会完整保留。",
            None,
        ),
        "trial_extension": ("试用期已延长", "您的免费试用已延长 14 天，好好体验吧！", None),
        "training": ("预约您的免费培训", "选一个方便的时间，我们带您用好 Pro。", "预约培训"),
        "concierge": (
            "我们帮您配置",
            "预约一个方便的通话时间，我们的团队会和您一起完成设置。",
            "预约通话",
        ),
        "contact": (
            "我们会尽快联系您",
            "感谢您给我们一次帮忙的机会，我们的同事会尽快与您联系。",
            "立即联系我们",
        ),
        "redirect": ("还差一步", "请在下一页继续完成。", "继续"),
    },
}
REASON = {"en": ("It's too expensive", "Next"), "zh-Hans": ("价格太贵", "下一步")}


def app_offering(widget, offer_type: str) -> None:
    """Make the demo app answer "too expensive" with one offer of the given type."""
    app_id = widget.make_app()
    for spec in EXTRA_OFFERS:
        db.session.add(Offer(app_id=app_id, **deepcopy(spec)))
    db.session.flush()
    document = deepcopy(service.published(app_id).document)
    for rule in document["rules"]:
        if rule["id"] == "too_expensive":
            rule["offers"] = [OFFER_KEY[offer_type]]
    service.import_and_publish(app_id, document, "test")
    db.session.commit()


def long_date(iso: str, locale: str) -> str:
    day = date.fromisoformat(iso)
    if locale == "en":
        return f"{day:%B} {day.day}, {day.year}"
    return f"{day.year}年{day.month}月{day.day}日"


@pytest.mark.parametrize("locale", ["en", "zh-Hans"])
@pytest.mark.parametrize("offer_type", list(OFFER_KEY))
def test_each_offer_type_confirms_in_its_own_words(widget, host_page, offer_type, locale):
    app_offering(widget, offer_type)
    # Billing can only lengthen a trial that is running, so that type needs a trialing customer.
    status = "trialing" if offer_type == "trial_extension" else "active"
    host = host_page.goto(f"{widget.host.url}/?locale={locale}&status={status}").open()
    host.step("survey")
    reason, next_label = REASON[locale]
    host.frame.get_by_label(reason).check()
    host.frame.get_by_role("button", name=next_label).click()
    host.step("offer")
    host.act("accept")
    dialog = host.step("done")
    heading, text, link = CONFIRMATIONS[locale][offer_type]
    offer = host.page.evaluate("window.saveflowEvents.find(e => e.type === 'outcome').offer")
    assert offer["type"] == offer_type
    if "{date}" in text:
        text = text.replace("{date}", long_date(offer["terms"]["resumes_on"], locale))
    assert dialog.locator("#sf-heading").inner_text() == heading
    assert dialog.locator(".sf-text").inner_text() == text
    links = dialog.locator("a.sf-btn")
    if link is None:
        assert links.count() == 0
    else:
        assert links.inner_text() == link
        assert links.get_attribute("href") == offer["terms"]["url"]
    assert host.errors == []


def test_the_plan_is_named_never_shown_by_its_id(widget, host_page):
    assert DEMO_PLAN["plan"] == "pro_monthly" and DEMO_PLAN["plan_name"] == "Pro"
    settings = {"copy": {"confirm_heading": {"en": "Leaving {plan}, {first_name}?"}}}
    widget.make_app(settings=settings)
    host = host_page.goto(widget.host.url).open()
    host.step("survey")
    host.frame.get_by_label("It's too expensive").check()
    host.frame.get_by_role("button", name="Next").click()
    dialog = host.step("offer")
    assert "Stay on Pro and pay a quarter less" in dialog.inner_text()
    host.act("decline")
    host.frame.locator(".sf-terms", has_text="Starter for $19.00/month").wait_for()
    host.act("continue-cancel")
    dialog = host.step("confirm")
    assert dialog.locator("#sf-heading").inner_text() == "Leaving Pro, Ada?"
    assert "You keep Pro until" in dialog.inner_text()
    assert "monthly" not in dialog.inner_text().lower()


def test_a_missing_field_leaves_no_stray_chinese_comma(widget, host_page):
    # Copy may name any attribute; this page sends no `nickname`.
    settings = {"copy": {"confirm_heading": {"zh-Hans": "{nickname}，要走了吗？"}}}
    widget.make_app(settings=settings)
    host = host_page.goto(widget.host.url + "/?locale=zh-Hans").open()
    host.step("survey")
    host.act("continue-cancel")
    dialog = host.step("confirm")
    assert dialog.locator("#sf-heading").inner_text() == "要走了吗？"


def test_traditional_chinese_confirms_a_pause_with_its_resume_date(widget, host_page):
    app_offering(widget, "pause")
    host = host_page.goto(f"{widget.host.url}/?locale=zh-Hant").open()
    host.step("survey")
    host.frame.get_by_label("價格太貴").check()
    host.frame.get_by_role("button", name="下一步").click()
    host.step("offer")
    host.act("accept")
    dialog = host.step("done")
    offer = host.page.evaluate("window.saveflowEvents.find(e => e.type === 'outcome').offer")
    resumes = long_date(offer["terms"]["resumes_on"], "zh-Hant")
    assert dialog.locator("#sf-heading").inner_text() == "訂閱已暫停"
    assert dialog.locator(".sf-text").inner_text() == (
        f"暫停期間不收費，{resumes}恢復計費，您的一切都會原樣保留。"
    )
