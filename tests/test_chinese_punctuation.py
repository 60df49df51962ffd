"""Every Chinese string saveflow ships uses Chinese punctuation, never ASCII , ? ! : ; ( )."""

import re

import pytest

from saveflow.flow_copy import STRINGS
from saveflow.messaging.email_copy import COPY as EMAIL_COPY
from saveflow.offers.catalog import DEFAULT_OFFERS
from saveflow.reasons.taxonomy import CATEGORIES, SURVEY_QUESTION
from saveflow.sessions.present import RECOVERY_COPY

ZH = ("zh-Hans", "zh-Hant")
ASCII_MARKS = re.compile(r"[,?!:;()]")


def chinese_strings():
    for locale in ZH:
        for key, text in STRINGS[locale].items():
            yield f"copy {locale} {key}", text
        yield f"recovery {locale}", RECOVERY_COPY[locale]
        yield f"survey question {locale}", SURVEY_QUESTION[locale]
        for category in CATEGORIES.values():
            yield f"reason {category.key} {locale}", category.labels[locale]
        for key, text in EMAIL_COPY[locale].items():
            texts = text.values() if isinstance(text, dict) else [text]
            for one in texts:
                if isinstance(one, str):
                    yield f"email {locale} {key}", one
        for offer in DEFAULT_OFFERS:
            for field, text in offer["copy"][locale].items():
                yield f"offer {offer['key']} {field} {locale}", text


@pytest.mark.parametrize("where, text", list(chinese_strings()))
def test_chinese_copy_uses_chinese_punctuation(where, text):
    assert not ASCII_MARKS.search(re.sub(r"\{\w+\}", "", text)), where
