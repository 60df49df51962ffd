"""Unclassified comments: the list, mapping a comment, teaching the app's lexicon, who may."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from saveflow.apps.setup import create_app_with_defaults
from saveflow.extensions import db
from saveflow.models import LabelledComment, LexiconPhrase, Session
from saveflow.reasons.classify import REVIEW_BELOW
from tests.admin.reasons_helpers import EVERYONE, audit, post, sign_in_as, stamp
from tests.conftest import FlowActions

SCHREMS = "Schrems II, sorry"  # a concern no corpus or lexicon names


def page_url(demo) -> str:
    return f"/admin/apps/{demo.id}/reasons/unclassified"


def comment(client, demo, text: str, customer: str, reason: str = "other") -> FlowActions:
    flow = FlowActions(client, demo)
    assert flow.start(customer=customer).status_code == 201
    assert flow.answer(reason, text).status_code == 200
    return flow


def unplaced(classification: dict) -> bool:
    """Whether the list shows it: the classifier left it in `other`, or was unsure."""
    return classification["category"] == "other" or (
        classification.get("confidence", 0) < REVIEW_BELOW
        and classification.get("source", "text") == "text"
    )


def classified(client, demo, text: str, customer: str) -> dict:
    flow = FlowActions(client, demo)
    assert flow.start(customer=customer).status_code == 201
    return flow.answer("other", text).json["classification"]


@pytest.fixture
def residency(client, demo):
    flow = comment(client, demo, SCHREMS, "cus_residency")
    assert unplaced(db.session.get(Session, flow.session_id).classification)
    return flow.session_id


@pytest.fixture
def editor(demo, make_user, admin):
    make_user("editor@team.example", "editor", demo.id)
    assert admin.login("editor@team.example").status_code == 302
    return "user:editor@team.example"


# --- who may do what --------------------------------------------------------------------------


def _phrase(demo) -> LexiconPhrase:
    row = LexiconPhrase(
        app_id=demo.id, category_key="too_expensive", phrase="pricey", created_by="test"
    )
    db.session.add(row)
    db.session.commit()
    return row


@pytest.mark.parametrize("action", ["map", "map_and_phrase", "phrase_add", "phrase_remove"])
@pytest.mark.parametrize("who", EVERYONE)
def test_actions_role_matrix(who, action, residency, demo, make_user, admin, client):
    phrase_id = _phrase(demo).id
    url, data = {
        "map": (f"{page_url(demo)}/{residency}", {"category": "too_expensive", "action": "map"}),
        "map_and_phrase": (
            f"{page_url(demo)}/{residency}",
            {"category": "missing_feature", "phrase": "schrems", "action": "phrase"},
        ),
        "phrase_add": (f"{page_url(demo)}/phrases", {"category": "not_using", "phrase": "sleepy"}),
        "phrase_remove": (f"{page_url(demo)}/phrases/{phrase_id}/remove", {}),
    }[action]
    sign_in_as(who, demo, make_user, admin)
    before = stamp(demo.id)
    labelled = db.session.scalars(select(LabelledComment)).all()
    response = post(client, url, data)
    db.session.rollback()
    if who in ("admin", "editor"):
        assert response.status_code == 302, response.text
        assert response.headers["Location"].startswith(page_url(demo))
        if action != "map":  # the lexicon changed: the widget's setup reloads
            assert stamp(demo.id) > before
        return
    if who == "anonymous":
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/admin/login?next=")
    else:
        assert response.status_code == 403
    assert stamp(demo.id) == before
    assert db.session.scalars(select(LabelledComment)).all() == labelled


def test_posts_without_a_csrf_token_are_refused(editor, residency, demo, client):
    url = f"{page_url(demo)}/{residency}"
    response = post(client, url, {"category": "too_expensive", "action": "map"}, csrf=False)
    assert response.status_code == 400
    assert db.session.scalars(select(LabelledComment)).all() == []


def test_read_only_roles_see_the_list_without_forms(residency, demo, make_user, admin, client):
    _phrase(demo)
    make_user("finance@team.example", "finance", demo.id)
    admin.login("finance@team.example")
    page = client.get(page_url(demo)).text
    assert SCHREMS in page and "pricey" in page
    assert "Map and add phrase" not in page and "Add phrase" not in page and "Remove" not in page


def test_unknown_or_foreign_sessions_and_phrases_are_404(editor, residency, demo, client):
    other = create_app_with_defaults("Other", ["https://other.example"], actor="test")
    db.session.commit()
    theirs = comment(client, other, SCHREMS, "cus_x").session_id
    data = {"category": "too_expensive", "action": "map"}
    assert post(client, f"{page_url(demo)}/ses_missing", data).status_code == 404
    assert post(client, f"{page_url(demo)}/{theirs}", data).status_code == 404
    no_comment = FlowActions(client, demo)
    no_comment.start(customer="quiet")
    no_comment.answer("too_expensive")
    assert post(client, f"{page_url(demo)}/{no_comment.session_id}", data).status_code == 404
    foreign = LexiconPhrase(
        app_id=other.id, category_key="too_expensive", phrase="x", created_by="test"
    )
    db.session.add(foreign)
    db.session.commit()
    assert post(client, f"{page_url(demo)}/phrases/{foreign.id}/remove").status_code == 404
    assert post(client, f"{page_url(demo)}/phrases/999999/remove").status_code == 404
    assert db.session.get(LexiconPhrase, foreign.id) is not None


# --- the list ---------------------------------------------------------------------------------


def test_the_list_holds_other_with_comments_newest_first(editor, demo, client):
    comment(client, demo, "first odd thing", "c1")
    comment(client, demo, "second odd thing", "c2")
    comment(client, demo, "way too expensive for us", "c3")  # classified: not listed
    comment(client, demo, "No CSV export", "c4", reason="missing_feature")  # chose a reason
    FlowActions(client, demo).start(customer="c5")  # no answer yet
    silent = FlowActions(client, demo)
    silent.start(customer="c6")
    silent.answer("other", "   ")  # whitespace is no comment (the flow may refuse it anyway)
    # Make the order independent of the clock's resolution.
    rows = db.session.scalars(select(Session).where(Session.comment.like("%odd thing"))).all()
    first = next(r for r in rows if r.comment.startswith("first"))
    first.created_at = first.created_at - timedelta(minutes=5)
    db.session.commit()
    page = client.get(page_url(demo)).text
    assert "2 comments" in page
    assert page.index("second odd thing") < page.index("first odd thing")
    assert "too expensive for us" not in page and "No CSV export" not in page


def test_search_and_paging(editor, demo, client):
    from saveflow.admin.queries import unclassified_page

    for n in range(27):
        comment(client, demo, f"mystery number {n}", f"c{n}")
    comment(client, demo, "a 100% weird_one", "c-weird")
    assert unclassified_page(demo.id).total == 28
    assert len(unclassified_page(demo.id).items) == 25
    assert len(unclassified_page(demo.id, page=2).items) == 3
    found = client.get(page_url(demo), query_string={"q": "NUMBER 1"}).text
    assert "11 comments" in found  # 1, 10-19; case does not matter
    assert "2 comments" not in found
    # % and _ are searched for literally.
    assert "1 comment<" in client.get(page_url(demo), query_string={"q": "100%"}).text
    assert "0 comments" in client.get(page_url(demo), query_string={"q": "r_1"}).text
    paged = client.get(page_url(demo), query_string={"page": 2}).text
    assert "Page 2 of 2" in paged
    assert (
        client.get(page_url(demo), query_string={"show": "bogus", "page": "x"}).status_code == 200
    )


def test_mapping_a_comment_stores_it_audits_and_takes_it_off_the_list(
    editor, residency, demo, client
):
    url = f"{page_url(demo)}/{residency}"
    back = f"{page_url(demo)}?q=schrems"
    response = post(client, url, {"category": "too_expensive", "action": "map", "back": back})
    assert response.status_code == 302 and response.headers["Location"] == back
    [row] = db.session.scalars(select(LabelledComment)).all()
    assert (row.app_id, row.session_id, row.text, row.category_key) == (
        demo.id,
        residency,
        SCHREMS,
        "too_expensive",
    )
    assert row.labelled_by == editor and row.labelled_at is not None
    [entry] = audit(demo.id, "comment.labelled")
    assert entry.target == f"session:{residency}" and entry.actor == editor
    assert entry.data == {"before": None, "after": {"category": "too_expensive", "text": SCHREMS}}
    assert SCHREMS not in client.get(page_url(demo)).text
    mapped = client.get(page_url(demo), query_string={"show": "mapped"}).text
    assert SCHREMS in mapped and "Mapped to It&#39;s too expensive" in mapped
    # Mapping again changes the label and audits before and after; the lexicon is untouched.
    before = stamp(demo.id)
    post(client, url, {"category": "budget_cut", "action": "map"})
    [row] = db.session.scalars(select(LabelledComment)).all()
    assert row.category_key == "budget_cut"
    assert audit(demo.id, "comment.labelled")[-1].data["before"]["category"] == "too_expensive"
    assert stamp(demo.id) == before
    assert db.session.scalars(select(LexiconPhrase)).all() == []


def test_back_never_leaves_the_list(editor, residency, demo, client):
    url = f"{page_url(demo)}/{residency}"
    for back in (
        "https://evil.example/",
        "//evil.example",
        "/admin/",
        f"/admin/apps/{demo.id}/audit",
    ):
        response = post(client, url, {"category": "too_expensive", "action": "map", "back": back})
        assert response.headers["Location"] == page_url(demo)


def test_a_phrase_from_a_comment_classifies_new_sessions_of_this_app_only(
    editor, residency, demo, client
):
    other = create_app_with_defaults("Other", ["https://other.example"], actor="test")
    db.session.commit()
    assert unplaced(classified(client, demo, "Schrems II again", "a1"))
    before = stamp(demo.id)
    response = post(
        client,
        f"{page_url(demo)}/{residency}",
        {"category": "missing_feature", "phrase": "  schrems   II ", "action": "phrase"},
    )
    assert response.status_code == 302
    assert stamp(demo.id) > before
    [phrase] = db.session.scalars(select(LexiconPhrase)).all()
    assert (phrase.app_id, phrase.category_key, phrase.phrase) == (
        demo.id,
        "missing_feature",
        "schrems II",
    )
    [added] = audit(demo.id, "lexicon.phrase_added")
    assert added.data == {
        "before": None,
        "after": {"category": "missing_feature", "phrase": "schrems II", "weight": 2.0},
    }
    assert len(audit(demo.id, "comment.labelled")) == 1
    result = classified(client, demo, "Schrems II again", "a2")
    assert result["category"] == "missing_feature" and result["confidence"] == 0.63
    assert result["voluntary"] is True and result["influenceable"] is True
    # In another case and with punctuation, as the classifier folds both sides.
    assert classified(client, demo, "SCHREMS II!!", "a3")["category"] == "missing_feature"
    # Negation rules apply to a team's phrases too.
    negated = classified(client, demo, "no Schrems II worries", "a4")
    assert (negated["category"], negated["confidence"]) != ("missing_feature", 0.63)
    assert unplaced(classified(client, other, "Schrems II again", "b2"))
    # Sessions already classified keep their category.
    assert unplaced(db.session.get(Session, residency).classification)


def test_removing_a_phrase_undoes_it_for_new_sessions(editor, demo, client):
    post(client, f"{page_url(demo)}/phrases", {"category": "not_using", "phrase": "sleepy"})
    assert classified(client, demo, "sleepy account", "a1")["category"] == "not_using"
    [row] = db.session.scalars(select(LexiconPhrase)).all()
    listing = client.get(page_url(demo)).text
    assert "sleepy" in listing and "Remove “sleepy”" in listing
    before = stamp(demo.id)
    assert post(client, f"{page_url(demo)}/phrases/{row.id}/remove").status_code == 302
    assert stamp(demo.id) > before
    assert db.session.scalars(select(LexiconPhrase)).all() == []
    [entry] = audit(demo.id, "lexicon.phrase_removed")
    assert entry.data["before"] == {"category": "not_using", "phrase": "sleepy", "weight": 2.0}
    assert entry.data["after"] is None
    assert unplaced(classified(client, demo, "sleepy account", "a2"))


@pytest.mark.parametrize(
    "data, field, message",
    [
        ({"category": "too_expensive", "phrase": ""}, "phrase", "This field is required"),
        ({"category": "too_expensive", "phrase": "   "}, "phrase", "This field is required"),
        ({"category": "too_expensive", "phrase": "x" * 201}, "phrase", "200"),
        ({"category": "too_expensive", "phrase": "?!…"}, "phrase", "at least one word"),
        ({"category": "other", "phrase": "schrems"}, "category", "categories"),
        ({"category": "nope", "phrase": "schrems"}, "category", "categories"),
        ({"category": "too_expensive", "phrase": "Too Expensive"}, "phrase", "built-in"),
        ({"category": "too_expensive", "phrase": "pricey"}, "phrase", "Already in the lexicon"),
    ],
)
def test_bad_phrases_are_400_and_change_nothing(data, field, message, editor, demo, client):
    _phrase(demo)
    before = stamp(demo.id)
    response = post(client, f"{page_url(demo)}/phrases", data)
    assert response.status_code == 400
    assert message in response.text
    assert len(db.session.scalars(select(LexiconPhrase)).all()) == 1
    assert stamp(demo.id) == before
    assert audit(demo.id, "lexicon.phrase_added") == []


def test_a_refused_phrase_maps_nothing_either(editor, residency, demo, client):
    response = post(
        client,
        f"{page_url(demo)}/{residency}",
        {"category": "too_expensive", "phrase": "too expensive", "action": "phrase"},
    )
    assert response.status_code == 400
    assert "built-in" in response.text and f'id="phrase-{residency}-error"' in response.text
    assert 'value="too expensive"' in response.text  # what was typed stays in the box
    assert db.session.scalars(select(LabelledComment)).all() == []
    assert audit(demo.id, "comment.labelled") == []
    response = post(client, f"{page_url(demo)}/{residency}", {"category": "", "action": "map"})
    assert response.status_code == 400 and f'id="category-{residency}-error"' in response.text
