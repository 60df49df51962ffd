"""An app's lexicon: the defaults plus its team's phrases, cached per app, compiled within bounds."""

import pytest
from sqlalchemy import select, text

from saveflow.apps.models import App
from saveflow.extensions import db
from saveflow.reasons import classify as classifier
from saveflow.reasons import scan
from saveflow.reasons.app_lexicon import merged
from saveflow.reasons.lexicon import DEFAULT_LEXICON
from saveflow.reasons.models import LexiconPhrase
from saveflow.sessions.setup_cache import setup_for


def test_no_phrases_share_the_default_lexicon():
    assert merged(()) is DEFAULT_LEXICON


def test_the_same_phrases_give_the_same_read_only_lexicon():
    phrases = (("missing_feature", "data residency", 2.0),)
    lexicon = merged(phrases)
    assert merged((("missing_feature", "data residency", 2.0),)) is lexicon
    assert list(lexicon) == list(DEFAULT_LEXICON)  # tie-break order unchanged
    assert lexicon["missing_feature"][-1] == ("data residency", 2.0)
    assert len(lexicon["missing_feature"]) == len(DEFAULT_LEXICON["missing_feature"]) + 1
    assert "data residency" not in dict(DEFAULT_LEXICON["missing_feature"])
    with pytest.raises(TypeError):
        lexicon["missing_feature"] = []  # type: ignore[index]


def test_a_category_the_defaults_lack_goes_last():
    lexicon = merged((("cashflow", "invoice terms", 2.0),))
    assert list(lexicon)[-1] == "cashflow"
    assert classifier.classify_text("their invoice terms", lexicon=lexicon).category == "cashflow"


def test_the_compile_cache_keeps_the_recently_used_and_stays_bounded():
    first = merged((("not_using", "dusty 0", 2.0),))
    assert classifier.classify_text("dusty 0", lexicon=first).category == "not_using"
    for n in range(1, scan._CACHE_MAX + 10):
        lexicon = merged((("not_using", f"dusty {n}", 2.0),))
        assert classifier.classify_text(f"dusty {n}", lexicon=lexicon).category == "not_using"
        classifier.classify_text("dusty 0", lexicon=first)  # used on every request: kept
        assert len(scan._CACHE) <= scan._CACHE_MAX
    assert id(first) in scan._CACHE
    assert id(merged((("not_using", "dusty 1", 2.0),))) not in scan._CACHE


def _fresh(demo) -> App:
    return db.session.get(App, demo.id, populate_existing=True)


def _stamp(app_id):
    db.session.rollback()
    return db.session.scalar(select(App.config_version).where(App.id == app_id))


def test_phrase_changes_bump_the_stamp_and_reach_the_setup(demo):
    db.session.refresh(demo)
    assert setup_for(demo).lexicon is DEFAULT_LEXICON
    stamps = [_stamp(demo.id)]
    db.session.add(
        LexiconPhrase(app_id=demo.id, category_key="missing_feature", phrase="sso", created_by="t")
    )
    db.session.commit()
    stamps.append(_stamp(demo.id))
    setup = setup_for(_fresh(demo))
    assert setup.lexicon["missing_feature"][-1] == ("sso", 2.0)
    db.session.execute(text("UPDATE lexicon_phrases SET phrase = 'saml sso'"))
    db.session.commit()
    stamps.append(_stamp(demo.id))
    assert setup_for(_fresh(demo)).lexicon["missing_feature"][-1][0] == "saml sso"
    db.session.execute(text("DELETE FROM lexicon_phrases"))
    db.session.commit()
    stamps.append(_stamp(demo.id))
    assert setup_for(_fresh(demo)).lexicon is DEFAULT_LEXICON
    assert stamps == sorted(set(stamps))  # every change moved it


def test_a_phrase_cannot_name_another_apps_category(demo):
    from saveflow.apps.setup import create_app_with_defaults

    other = create_app_with_defaults("Other", ["https://other.example"], actor="test")
    db.session.commit()
    db.session.execute(
        text(
            "UPDATE reason_categories SET key = 'theirs_only' "
            "WHERE app_id = :a AND key = 'budget_cut'"
        ),
        {"a": other.id},
    )
    db.session.commit()
    db.session.add(
        LexiconPhrase(app_id=demo.id, category_key="theirs_only", phrase="x", created_by="t")
    )
    with pytest.raises(Exception, match="(?i)foreign key"):
        db.session.commit()
    db.session.rollback()
