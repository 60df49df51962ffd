"""The reasons pages in Chromium, as an editor uses them: reorder and relabel a reason, map an
unclassified comment and add a phrase from it; screenshots at desktop and phone sizes."""

import re

import pytest
from sqlalchemy import select

from saveflow.extensions import db
from saveflow.models import LabelledComment, LexiconPhrase, Reason
from saveflow.reasons.classify import REVIEW_BELOW
from tests.admin.browser import VIEWPORTS, admin_browser
from tests.admin.conftest import browser_sign_in
from tests.conftest import FlowActions

COMMENT = "our DPO flagged Schrems II for the Berlin office"  # nothing the corpus knows


def _keys(app_id):
    db.session.rollback()
    rows = db.session.scalars(
        select(Reason).where(Reason.app_id == app_id).order_by(Reason.position)
    )
    keys = [r.key for r in rows]
    db.session.rollback()  # let the server's requests take SQLite's write lock
    return keys


@pytest.mark.parametrize("device", VIEWPORTS)
def test_an_editor_reorders_relabels_maps_and_teaches(
    device, chromium, app, client, demo, make_user
):
    flow = FlowActions(client, demo)
    flow.start(customer="cus_residency")
    placed = flow.answer("other", COMMENT).json["classification"]
    assert placed["category"] == "other" or placed["confidence"] < REVIEW_BELOW  # for review
    make_user("eve@team.example", "editor", demo.id)
    app_id = demo.id  # read now: touching an expired row later would hold SQLite's write lock
    db.session.rollback()
    with admin_browser(chromium, app, device, prefix="reasons-") as b:
        page = b.page
        page.goto(f"{b.url}/admin/apps/{app_id}/reasons")
        browser_sign_in(page, "eve@team.example")
        page.wait_for_url(f"**/admin/apps/{app_id}/reasons")
        assert page.get_by_role("heading", level=1).inner_text() == "Reasons"
        b.shot("list")

        start = _keys(app_id)
        page.get_by_role("button", name="Move “I'm not using it enough” up").click()
        page.wait_for_load_state()
        assert "Moved “I'm not using it enough” up." in page.content()
        assert _keys(app_id)[:2] == [start[1], start[0]]

        page.get_by_role("link", name="Edit “It's too expensive”").click()
        page.wait_for_url("**/reasons/*")
        page.get_by_label("English label").fill("Costs too much")
        page.get_by_label("Simplified Chinese label").fill("太贵了,不值")
        page.get_by_label("Required").check()
        b.shot("edit")
        page.get_by_role("button", name="Save changes").click()
        page.wait_for_url(f"**/admin/apps/{app_id}/reasons#reason-*")
        assert (
            page.locator(".reason").nth(1).locator(".reason-label").inner_text() == "Costs too much"
        )
        assert "太贵了，不值" in page.content()
        b.shot("list-after")

        page.get_by_role("link", name=re.compile("1 Unclassified comment")).click()
        page.wait_for_url("**/reasons/unclassified")
        assert page.locator(".comment").count() == 1
        row = page.locator(".comment").first
        row.get_by_label("Category").select_option("missing_feature")
        phrase = row.get_by_label("Phrase for the lexicon")
        assert phrase.input_value() == COMMENT
        phrase.fill("schrems II")
        b.shot("unclassified")
        row.get_by_role("button", name="Map and add phrase").click()
        page.wait_for_load_state()
        assert "added “schrems II” to the lexicon" in page.content()
        assert page.locator(".comment").count() == 0
        assert page.locator(".lexicon tbody tr").count() == 1
        b.shot("unclassified-after")
        # The keyboard reaches the remove button of the new phrase.
        remove = page.get_by_role("button", name="Remove “schrems II”")
        remove.focus()
        assert page.evaluate("document.activeElement.textContent") == "Remove"

    db.session.rollback()
    [label] = db.session.scalars(select(LabelledComment)).all()
    assert label.category_key == "missing_feature" and label.text == COMMENT
    assert [p.phrase for p in db.session.scalars(select(LexiconPhrase))] == ["schrems II"]
    again = FlowActions(client, demo)
    again.start(customer="cus_next")
    answer = again.answer("other", "Schrems II is a must for us")
    assert answer.json["classification"]["category"] == "missing_feature"


def test_an_editor_drags_a_reason_to_the_top(chromium, app, demo, make_user):
    make_user("eve@team.example", "editor", demo.id)
    app_id = demo.id
    db.session.rollback()
    start = _keys(app_id)
    with admin_browser(chromium, app, "desktop", size=(1280, 900)) as b:
        page = b.page
        page.goto(f"{b.url}/admin/apps/{app_id}/reasons")
        browser_sign_in(page, "eve@team.example")
        page.wait_for_url(f"**/admin/apps/{app_id}/reasons")
        third = page.locator(f'.reason[data-key="{start[2]}"]')
        first = page.locator(f'.reason[data-key="{start[0]}"]')
        # Drop on the top edge of the first reason: the dragged one goes above it.
        with page.expect_navigation():
            third.drag_to(first, target_position={"x": 40, "y": 4})
        page.wait_for_url(f"**/admin/apps/{app_id}/reasons")
    assert _keys(app_id) == [start[2], start[0], start[1], *start[3:]]
