"""The default offers seeded into a new app."""

DEFAULT_OFFERS = [
    {
        "key": "discount_25_3m",
        "type": "discount",
        "params": {"percent": 25, "months": 3},
        "copy": {
            "en": {
                "title": "25% off your next 3 months",
                "body": "Stay on {plan} and pay a quarter less while you decide.",
            },
            "zh-Hans": {
                "title": "接下来 3 个月享 75 折",
                "body": "继续使用 {plan}，接下来三个月少付四分之一。",
            },
            "zh-Hant": {
                "title": "接下來 3 個月享 75 折",
                "body": "繼續使用 {plan}，接下來三個月少付四分之一。",
            },
        },
    },
    {
        "key": "downgrade",
        "type": "downgrade",
        "params": {"targets": {}, "proration_behavior": "create_prorations"},
        "copy": {
            "en": {
                "title": "Switch to a smaller plan",
                "body": "Keep your data and the essentials for less.",
            },
            "zh-Hans": {"title": "换成更便宜的套餐", "body": "保留数据和核心功能，花更少的钱。"},
            "zh-Hant": {"title": "換成更便宜的方案", "body": "保留資料和核心功能，花更少的錢。"},
        },
    },
    {
        "key": "pause_2m",
        "type": "pause",
        "params": {"months": 2},
        "copy": {
            "en": {
                "title": "Pause for 2 months instead",
                "body": "No charges while paused; everything is here when you come back.",
            },
            "zh-Hans": {"title": "改为暂停 2 个月", "body": "暂停期间不收费，回来时一切都在。"},
            "zh-Hant": {"title": "改為暫停 2 個月", "body": "暫停期間不收費，回來時一切都在。"},
        },
    },
    {
        "key": "training",
        "type": "training",
        "params": {"url": "https://example.com/training"},
        "copy": {
            "en": {
                "title": "Get a free 30-minute training",
                "body": "{first_name}, let us show you how teams get the most out of {plan}.",
            },
            "zh-Hans": {"title": "免费 30 分钟培训", "body": "{first_name}，我们带您用好 {plan}。"},
            "zh-Hant": {"title": "免費 30 分鐘培訓", "body": "{first_name}，我們帶您用好 {plan}。"},
        },
    },
    {
        "key": "concierge",
        "type": "concierge",
        "params": {"url": "https://example.com/book"},
        "copy": {
            "en": {
                "title": "Let us set it up for you",
                "body": "Book a call and our team configures your account with you.",
            },
            "zh-Hans": {"title": "我们帮您配置", "body": "预约通话，我们的团队和您一起完成设置。"},
            "zh-Hant": {"title": "我們幫您設定", "body": "預約通話，我們的團隊和您一起完成設定。"},
        },
    },
    {
        "key": "contact",
        "type": "contact",
        "params": {"url": "mailto:support@example.com"},
        "copy": {
            "en": {
                "title": "Talk to a person first",
                "body": "Tell us what's wrong; most problems are fixed within a day.",
            },
            "zh-Hans": {"title": "先和我们聊聊", "body": "告诉我们问题所在，大多数问题一天内解决。"},
            "zh-Hant": {"title": "先和我們聊聊", "body": "告訴我們問題所在，大多數問題一天內解決。"},
        },
    },
]

# Which seeded offer stands for each default offer type of the taxonomy.
DEFAULT_OFFER_FOR_TYPE = {o["type"]: o["key"] for o in DEFAULT_OFFERS}
