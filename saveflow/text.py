"""Make untrusted text storable on every database we support."""

import json
import math


def clean_text(value: str) -> str:
    """Return `value` with lone surrogates as U+FFFD and NUL removed (PostgreSQL stores neither)."""
    fixed = value.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    return fixed.replace("\x00", "")


def clean_json(value):
    """Apply clean_text to every string, key or value, of a parsed JSON document."""
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, dict):
        return {clean_text(k): clean_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [clean_json(v) for v in value]
    return value


def _reject_constant(name: str):
    # NaN and Infinity are not JSON, and PostgreSQL refuses to store them.
    raise ValueError(f"{name} is not valid JSON")


def _finite_float(literal: str) -> float:
    # 1e400 parses to infinity, which no database column or JSONB value can hold.
    value = float(literal)
    if not math.isfinite(value):
        raise ValueError(f"{literal[:40]} is out of range for a JSON number")
    return value


def loads(raw: bytes | str):
    """Parse strict JSON into storable values; raise ValueError for anything else."""
    try:
        return clean_json(
            json.loads(raw, parse_constant=_reject_constant, parse_float=_finite_float)
        )
    except RecursionError:
        raise ValueError("JSON nested too deeply") from None


def is_clean(value: str) -> bool:
    """Return whether a string (say a URL part) is already storable as it is."""
    return clean_text(value) == value


_FULL_WIDTH = str.maketrans(
    {",": "，", "?": "？", "!": "！", ":": "：", ";": "；", "(": "（", ")": "）"}
)


def chinese_punctuation(value: str) -> str:
    """Return Chinese copy with ASCII , ? ! : ; ( ) written as their full-width forms."""
    return value.translate(_FULL_WIDTH)
