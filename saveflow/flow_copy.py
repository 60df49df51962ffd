"""The cancel flow's words in every supported locale, as the widget shows them and its emails
repeat them, with per-app overrides.

Apps override any key per locale in `settings["copy"]`, e.g.
`{"confirm_heading": {"en": "Leaving us, {first_name}?"}}`; `{first_name}` and `{company}` are
filled in the browser from the start call's attributes, `{plan}` with the plan's name.

After an accepted offer the done screen reads `saved_heading_<type>`, `saved_body_<type>` and
`open_link_<type>` for the offer's type, else the general key. Their fields come from the offer's
terms: `{offer}` (its title), `{terms}` (its terms line), `{after}`, `{before}` (prices),
`{months}`, `{days}`, `{date}` (a pause's resume date) and, for a downgrade, `{plan}` (the new
plan's name).
"""

from saveflow.i18n import SUPPORTED

STRINGS: dict[str, dict[str, str]] = {
    "en": {
        "title": "Cancel subscription",
        "close": "Close",
        "loading": "Loading…",
        "continue_cancel": "Continue to cancel",
        "next": "Next",
        "follow_up_optional": "Tell us more (optional)",
        "follow_up_required": "Tell us a little more",
        "choose_reason": "Choose a reason, or continue to cancel.",
        "comment_required": "Please add a few words for this reason.",
        "offer_heading": "Before you go, an offer for you",
        "accept": "Accept offer",
        "decline": "No thanks",
        "cancel_now": "Cancel subscription",
        "confirm_heading": "Cancel your subscription?",
        "confirm_body": "Confirming ends your subscription. You can subscribe again any time.",
        "confirm_until": "You keep {plan} until {date}; nothing more is charged after that.",
        "keep": "Keep my subscription",
        "recovery_heading": "Update your payment method",
        "recovery_button": "Update payment method",
        "saved_heading": "You're all set",
        "saved_body": "Thanks for staying with us. We've confirmed your choice: {offer}.",
        "open_link": "Open",
        "saved_heading_discount": "Thanks for staying!",
        "saved_body_discount": "Your discount is applied: {terms}.",
        "saved_heading_pause": "Your subscription is paused",
        "saved_body_pause": "You won't be charged while it's paused. Billing resumes on {date}, "
        "and everything will be right where you left it.",
        "saved_heading_downgrade": "You're now on {plan}",
        "saved_body_downgrade": "You now pay {after} instead of {before}. All your data stays "
        "right where it is.",
        "saved_heading_trial_extension": "Your trial is extended",
        "saved_body_trial_extension": "We've added {days} more days to your free trial. Enjoy "
        "the extra time!",
        "saved_heading_training": "Let's book your free training",
        "saved_body_training": "Pick a time that suits you, and we'll show you how to get the "
        "most out of {plan}.",
        "open_link_training": "Book your training",
        "saved_heading_concierge": "We'll set it up with you",
        "saved_body_concierge": "Book a call at a time that suits you, and our team will "
        "configure your account together with you.",
        "open_link_concierge": "Book a call",
        "saved_heading_contact": "We'll be in touch",
        "saved_body_contact": "Thanks for giving us a chance to help. Someone from our team "
        "will reach out to you shortly.",
        "open_link_contact": "Contact us now",
        "saved_heading_redirect": "One more step",
        "saved_body_redirect": "Continue on the next page to finish.",
        "open_link_redirect": "Continue",
        "withdrawn_heading": "Glad you're staying",
        "withdrawn_body": "Nothing has changed on your subscription.",
        "cancelled_heading": "Your subscription is cancelled",
        "cancelled_body": "Your access continues until {date}.",
        "cancelled_body_now": "We're sorry to see you go. Thanks for being a customer.",
        "recovered_heading": "Thanks!",
        "recovered_body": "Finish updating your payment method in the new tab. Your "
        "subscription stays active once the payment goes through.",
        "done": "Done",
        "error": "Something went wrong. Please try again.",
        "retry": "Try again",
        "billing_failed": "We couldn't apply this offer just now, and nothing has changed. "
        "Try again, or continue to cancel.",
        "cancel_failed": "We couldn't reach billing to cancel just now, so nothing has changed "
        "yet. Please try again in a moment.",
        "cancel_elsewhere": "Cancel another way",
        "per": "{price}/{unit}",
        "per_n": "{price} every {count} {unit}s",
        "unit_day": "day",
        "unit_week": "week",
        "unit_month": "month",
        "unit_year": "year",
        "discount_terms": "{after} for {months} months, then {before}",
        "discount_terms_1": "{after} for 1 month, then {before}",
        "pause_terms": "No charges until {date}; billing resumes then.",
        "downgrade_terms": "{plan} for {after} instead of {before}",
        "trial_terms": "{days} extra days free",
    },
    "zh-Hans": {
        "title": "取消订阅",
        "close": "关闭",
        "loading": "加载中…",
        "continue_cancel": "继续取消",
        "next": "下一步",
        "follow_up_optional": "补充说明（选填）",
        "follow_up_required": "请简单说明一下",
        "choose_reason": "请选择一个原因，或直接继续取消。",
        "comment_required": "这个原因需要填写几句说明。",
        "offer_heading": "离开之前，这份优惠送给您",
        "accept": "接受优惠",
        "decline": "不用了，谢谢",
        "cancel_now": "取消订阅",
        "confirm_heading": "确定要取消订阅吗？",
        "confirm_body": "确认后将取消您的订阅，您随时可以重新订阅。",
        "confirm_until": "您可以继续使用 {plan} 到 {date}，之后不再扣费。",
        "keep": "保留我的订阅",
        "recovery_heading": "更新付款方式",
        "recovery_button": "更新付款方式",
        "saved_heading": "已为您办好",
        "saved_body": "感谢您留下来！已为您确认：{offer}。",
        "open_link": "打开",
        "saved_heading_discount": "感谢您留下来！",
        "saved_body_discount": "优惠已生效：{terms}。",
        "saved_heading_pause": "订阅已暂停",
        "saved_body_pause": "暂停期间不收费，{date}恢复计费，您的一切都会原样保留。",
        "saved_heading_downgrade": "已换成 {plan}",
        "saved_body_downgrade": "现在的价格是 {after}（原为 {before}），您的数据都会完整保留。",
        "saved_heading_trial_extension": "试用期已延长",
        "saved_body_trial_extension": "您的免费试用已延长 {days} 天，好好体验吧！",
        "saved_heading_training": "预约您的免费培训",
        "saved_body_training": "选一个方便的时间，我们带您用好 {plan}。",
        "open_link_training": "预约培训",
        "saved_heading_concierge": "我们帮您配置",
        "saved_body_concierge": "预约一个方便的通话时间，我们的团队会和您一起完成设置。",
        "open_link_concierge": "预约通话",
        "saved_heading_contact": "我们会尽快联系您",
        "saved_body_contact": "感谢您给我们一次帮忙的机会，我们的同事会尽快与您联系。",
        "open_link_contact": "立即联系我们",
        "saved_heading_redirect": "还差一步",
        "saved_body_redirect": "请在下一页继续完成。",
        "open_link_redirect": "继续",
        "withdrawn_heading": "很高兴您留下来",
        "withdrawn_body": "您的订阅没有任何变化。",
        "cancelled_heading": "您的订阅已取消",
        "cancelled_body": "您可以继续使用到 {date}。",
        "cancelled_body_now": "很遗憾看到您离开，感谢您一直以来的支持。",
        "recovered_heading": "谢谢！",
        "recovered_body": "请在新标签页中完成付款方式的更新。付款成功后，您的订阅将保持有效。",
        "done": "完成",
        "error": "出了点问题，请稍后再试。",
        "retry": "重试",
        "billing_failed": "暂时无法应用这项优惠，您的订阅没有任何变化。您可以重试，也可以继续取消。",
        "cancel_failed": "暂时无法连接账单系统完成取消，您的订阅尚未变化。请稍后重试。",
        "cancel_elsewhere": "通过其他方式取消",
        "per": "{price}/{unit}",
        "per_n": "每 {count} {unit} {price}",
        "unit_day": "天",
        "unit_week": "周",
        "unit_month": "月",
        "unit_year": "年",
        "discount_terms": "{months} 个月内 {after}，之后恢复 {before}",
        "discount_terms_1": "1 个月内 {after}，之后恢复 {before}",
        "pause_terms": "暂停期间不收费，{date}恢复计费。",
        "downgrade_terms": "{plan}：{after}（现为 {before}）",
        "trial_terms": "额外免费 {days} 天",
    },
    "zh-Hant": {
        "title": "取消訂閱",
        "close": "關閉",
        "loading": "載入中…",
        "continue_cancel": "繼續取消",
        "next": "下一步",
        "follow_up_optional": "補充說明（選填）",
        "follow_up_required": "請簡單說明一下",
        "choose_reason": "請選擇一個原因，或直接繼續取消。",
        "comment_required": "這個原因需要填寫幾句說明。",
        "offer_heading": "離開之前，這份優惠送給您",
        "accept": "接受優惠",
        "decline": "不用了，謝謝",
        "cancel_now": "取消訂閱",
        "confirm_heading": "確定要取消訂閱嗎？",
        "confirm_body": "確認後將取消您的訂閱，您隨時可以重新訂閱。",
        "confirm_until": "您可以繼續使用 {plan} 到 {date}，之後不再扣費。",
        "keep": "保留我的訂閱",
        "recovery_heading": "更新付款方式",
        "recovery_button": "更新付款方式",
        "saved_heading": "已為您辦好",
        "saved_body": "感謝您留下來！已為您確認：{offer}。",
        "open_link": "開啟",
        "saved_heading_discount": "感謝您留下來！",
        "saved_body_discount": "優惠已生效：{terms}。",
        "saved_heading_pause": "訂閱已暫停",
        "saved_body_pause": "暫停期間不收費，{date}恢復計費，您的一切都會原樣保留。",
        "saved_heading_downgrade": "已換成 {plan}",
        "saved_body_downgrade": "現在的價格是 {after}（原為 {before}），您的資料都會完整保留。",
        "saved_heading_trial_extension": "試用期已延長",
        "saved_body_trial_extension": "您的免費試用已延長 {days} 天，好好體驗吧！",
        "saved_heading_training": "預約您的免費培訓",
        "saved_body_training": "選一個方便的時間，我們帶您用好 {plan}。",
        "open_link_training": "預約培訓",
        "saved_heading_concierge": "我們幫您設定",
        "saved_body_concierge": "預約一個方便的通話時間，我們的團隊會和您一起完成設定。",
        "open_link_concierge": "預約通話",
        "saved_heading_contact": "我們會盡快聯絡您",
        "saved_body_contact": "感謝您給我們一次幫忙的機會，我們的同事會盡快與您聯絡。",
        "open_link_contact": "立即聯絡我們",
        "saved_heading_redirect": "還差一步",
        "saved_body_redirect": "請在下一頁繼續完成。",
        "open_link_redirect": "繼續",
        "withdrawn_heading": "很高興您留下來",
        "withdrawn_body": "您的訂閱沒有任何變化。",
        "cancelled_heading": "您的訂閱已取消",
        "cancelled_body": "您可以繼續使用到 {date}。",
        "cancelled_body_now": "很遺憾看到您離開，感謝您一直以來的支持。",
        "recovered_heading": "謝謝！",
        "recovered_body": "請在新分頁中完成付款方式的更新。付款成功後，您的訂閱將保持有效。",
        "done": "完成",
        "error": "出了點問題，請稍後再試。",
        "retry": "重試",
        "billing_failed": "暫時無法套用這項優惠，您的訂閱沒有任何變更。您可以重試，也可以繼續取消。",
        "cancel_failed": "暫時無法連線帳單系統完成取消，您的訂閱尚未變更。請稍後重試。",
        "cancel_elsewhere": "透過其他方式取消",
        "per": "{price}/{unit}",
        "per_n": "每 {count} {unit} {price}",
        "unit_day": "天",
        "unit_week": "週",
        "unit_month": "月",
        "unit_year": "年",
        "discount_terms": "{months} 個月內 {after}，之後恢復 {before}",
        "discount_terms_1": "1 個月內 {after}，之後恢復 {before}",
        "pause_terms": "暫停期間不收費，{date}恢復計費。",
        "downgrade_terms": "{plan}：{after}（目前為 {before}）",
        "trial_terms": "額外免費 {days} 天",
    },
}


# Keys with a variant per offer type. An app that overrides only the general key has its text
# stand for every type, as it did before the variants existed.
VARIANTS = {
    general: tuple(k for k in STRINGS["en"] if k.startswith(general + "_"))
    for general in ("saved_heading", "saved_body", "open_link")
}


def strings_for(overrides: dict | None) -> dict[str, dict[str, str]]:
    """Return every locale's strings with the app's overrides applied on top."""
    merged = {locale: dict(STRINGS[locale]) for locale in SUPPORTED}
    given = {
        key: {
            locale: text
            for locale, text in by_locale.items()
            if locale in merged and isinstance(text, str) and text
        }
        for key, by_locale in (overrides or {}).items()
        # Unknown keys, e.g. "survey_question", which the API applies itself, are not ours.
        if key in STRINGS["en"] and isinstance(by_locale, dict)
    }
    for key, by_locale in given.items():
        for locale, text in by_locale.items():
            merged[locale][key] = text
            for variant in VARIANTS.get(key, ()):
                if locale not in given.get(variant, {}):
                    merged[locale][variant] = text
    return merged
