"""Locale choice, localized copy lookup and personalization fields."""

import re

SUPPORTED = ("en", "zh-Hans", "zh-Hant")
# Chinese regions that write Traditional characters.
_HANT_REGIONS = {"tw", "hk", "mo", "hant"}
_FIELD = re.compile(r"\{(first_name|plan|company)\}")


def normalize_locale(raw: str | None) -> str | None:
    """Map a BCP 47 tag such as `zh-TW` or `en-GB` onto a supported locale, or None."""
    if not raw:
        return None
    parts = raw.replace("_", "-").lower().split("-")
    if parts[0] == "en":
        return "en"
    if parts[0] == "zh":
        return "zh-Hant" if _HANT_REGIONS & set(parts[1:]) else "zh-Hans"
    return None


def choose_locale(requested: str | None, accept_language: str | None, app_locales, default: str):
    """Pick the flow's locale: the requested one, then the browser's, then the app default."""
    candidates = [requested] + [
        tag.split(";")[0].strip() for tag in (accept_language or "").split(",")
    ]
    for raw in candidates:
        locale = normalize_locale(raw)
        if locale and locale in app_locales:
            return locale
    return default


def pick(copy: dict, locale: str):
    """Return the copy for a locale, falling back to the other Chinese script, then English."""
    order = {"zh-Hant": ("zh-Hant", "zh-Hans", "en"), "zh-Hans": ("zh-Hans", "zh-Hant", "en")}
    for candidate in order.get(locale, ("en",)):
        if copy.get(candidate):
            return copy[candidate]
    return next(iter(copy.values()), None)


def personalize(text: str, fields: dict) -> str:
    """Fill {first_name}, {plan} and {company}; a missing field leaves no stray comma behind."""
    filled = _FIELD.sub(lambda m: str(fields.get(m.group(1)) or ""), text)
    if filled == text:
        return text
    cleaned = re.sub(r"^\s*[,，、]\s*", "", filled).strip()  # an ASCII or a Chinese comma
    # "{first_name}, let us…" without a name must still read as a sentence.
    return cleaned[:1].upper() + cleaned[1:] if cleaned[:1].islower() else cleaned
