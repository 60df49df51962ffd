"""The labelled corpus of customer wording (saveflow/reasons/corpus/): every row well formed,
labelled with the taxonomy's keys, from a source family its notes describe, and written here
(no row repeats the old evaluation set)."""

import json
import re
from pathlib import Path

import pytest

from saveflow.reasons.learn import legacy_eval as eval_set
from saveflow.reasons.taxonomy import CATEGORIES, LOCALES

CORPUS = Path(__file__).resolve().parents[2] / "saveflow" / "reasons" / "corpus"
FIELDS = {"text", "locale", "categories", "voluntary", "influenceable", "family"}


def _rows(locale: str) -> list[dict]:
    """Return a locale's rows, each with the file it came from (one file per source family)."""
    rows = []
    for path in sorted((CORPUS / locale).glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                rows.append({**json.loads(line), "_file": path.stem})
    return rows


def _families() -> set[str]:
    """Return the source families the notes give a section of their own (`## name`)."""
    heading = re.compile(r"^#{2,3} `?([a-z][a-z0-9-]+)`?(?: |$)", re.M)
    notes = (p.read_text(encoding="utf-8") for p in (CORPUS / "sources").glob("*.md"))
    return {name for text in notes for name in heading.findall(text)}


@pytest.mark.parametrize("locale", LOCALES)
def test_every_row_is_well_formed_and_labelled_with_taxonomy_keys(locale):
    rows = _rows(locale)
    assert rows, f"no {locale} rows"
    families = _families()
    for row in rows:
        assert set(row) - {"_file"} == FIELDS, row
        assert row["locale"] == locale and row["family"] == row["_file"], row
        assert isinstance(row["text"], str) and row["text"].strip(), row
        categories = row["categories"]
        assert categories and len(set(categories)) == len(categories), row
        assert all(c in CATEGORIES for c in categories), row
        assert isinstance(row["voluntary"], bool) and isinstance(row["influenceable"], bool), row
        assert row["family"] in families, row  # the notes say what that family taught


def test_no_text_appears_twice_or_repeats_the_old_evaluation_set():
    texts = [row["text"].strip() for locale in LOCALES for row in _rows(locale)]
    assert len(texts) == len(set(texts))
    old = {
        text.strip()
        for name in dir(eval_set)
        if name.isupper()
        for text, *_label in getattr(eval_set, name)
        if isinstance(text, str)
    }
    assert old, "the old evaluation set was not read"
    assert not set(texts) & old
