"""The default reason taxonomy, seeded into every new app.

Product teams edit their copy in the database; this module is only the starting point and the
source of the classifier's category attributes.
"""

from dataclasses import dataclass

LOCALES = ("en", "zh-Hans", "zh-Hant")


@dataclass(frozen=True)
class Category:
    key: str
    voluntary: bool
    influenceable: bool | None  # None = unknown until the free text is classified
    default_offer_types: tuple[str, ...]
    labels: dict[str, str]


CATEGORIES: dict[str, Category] = {
    c.key: c
    for c in (
        Category(
            "too_expensive",
            True,
            True,
            ("discount", "downgrade"),
            {"en": "It's too expensive", "zh-Hans": "价格太贵", "zh-Hant": "價格太貴"},
        ),
        Category(
            "not_using",
            True,
            True,
            ("pause", "training"),
            {"en": "I'm not using it enough", "zh-Hans": "用得太少", "zh-Hant": "用得太少"},
        ),
        Category(
            "temporary_need",
            True,
            True,
            ("pause",),
            {
                "en": "I only needed it for a while",
                "zh-Hans": "只是暂时需要",
                "zh-Hant": "只是暫時需要",
            },
        ),
        Category(
            "missing_feature",
            True,
            True,
            ("contact", "training"),
            {
                "en": "It's missing a feature I need",
                "zh-Hans": "缺少我需要的功能",
                "zh-Hant": "缺少我需要的功能",
            },
        ),
        Category(
            "too_complex",
            True,
            True,
            ("training", "concierge"),
            {"en": "It's too hard to use", "zh-Hans": "太难用了", "zh-Hant": "太難用了"},
        ),
        Category(
            "technical_issues",
            True,
            True,
            ("contact",),
            {
                "en": "Bugs or technical problems",
                "zh-Hans": "有 bug 或技术问题",
                "zh-Hant": "有 bug 或技術問題",
            },
        ),
        Category(
            "poor_support",
            True,
            True,
            ("contact",),
            {
                "en": "Support didn't help me",
                "zh-Hans": "客服没有帮到我",
                "zh-Hant": "客服沒有幫到我",
            },
        ),
        Category(
            "switched_competitor",
            True,
            True,
            ("discount", "contact"),
            {
                "en": "I'm switching to another product",
                "zh-Hans": "我要换用其他产品",
                "zh-Hant": "我要換用其他產品",
            },
        ),
        Category(
            "budget_cut",
            True,
            True,
            ("downgrade", "pause"),
            {"en": "Our budget was cut", "zh-Hans": "预算被削减", "zh-Hant": "預算被削減"},
        ),
        Category(
            "business_closed",
            True,
            False,
            (),
            {
                "en": "My business is closing",
                "zh-Hans": "公司/业务关闭了",
                "zh-Hant": "公司/業務關閉了",
            },
        ),
        Category(
            "moved_away",
            True,
            False,
            (),
            {"en": "I'm moving away", "zh-Hans": "我要搬走了", "zh-Hant": "我要搬走了"},
        ),
        Category(
            "personal_circumstances",
            True,
            False,
            (),
            {"en": "Personal circumstances", "zh-Hans": "个人原因", "zh-Hant": "個人原因"},
        ),
        Category(
            "payment_problem",
            False,
            True,
            ("update_payment_method",),
            {
                "en": "A problem with my payment",
                "zh-Hans": "付款出了问题",
                "zh-Hant": "付款出了問題",
            },
        ),
        Category(
            "other",
            True,
            None,
            (),
            {"en": "Something else", "zh-Hans": "其他原因", "zh-Hant": "其他原因"},
        ),
    )
}

SURVEY_QUESTION = {
    "en": "Before you go, what's the main reason you're cancelling?",
    "zh-Hans": "在您离开之前，请告诉我们取消的主要原因是什么？",
    "zh-Hant": "在您離開之前，請告訴我們取消的主要原因是什麼？",
}

# Reasons whose follow-up comment box is shown by default, and whether it is required.
FOLLOW_UP = {"other": "required", "missing_feature": "optional", "switched_competitor": "optional"}


def category(key: str) -> Category:
    """Return the category for a key, falling back to `other` for unknown keys."""
    return CATEGORIES.get(key, CATEGORIES["other"])
