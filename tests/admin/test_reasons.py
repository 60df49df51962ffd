"""The reasons editor: who may do what, validation, order, retiring, and the widget following."""

import pytest
from sqlalchemy import func, select

from saveflow.extensions import db
from saveflow.models import AuditEntry, Reason
from tests.admin.reasons_helpers import EVERYONE, audit, post, reason, sign_in_as, stamp
from tests.conftest import FlowActions

NEW = {
    "key": "slow_support",
    "label_en": "Support takes too long",
    "label_zh_hans": "客服回复太慢",
    "label_zh_hant": "客服回覆太慢",
    "category": "poor_support",
    "follow_up": "optional",
    "active": "y",
}


def base(demo) -> str:
    return f"/admin/apps/{demo.id}/reasons"


def edit_data(row: Reason, **changes) -> dict:
    data = {
        "label_en": row.labels["en"],
        "label_zh_hans": row.labels.get("zh-Hans", ""),
        "label_zh_hant": row.labels.get("zh-Hant", ""),
        "category": row.category.key,
        "follow_up": row.follow_up,
        **({"active": "y"} if row.active else {}),
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def survey(client, demo, customer: str) -> list[dict]:
    flow = FlowActions(client, demo)
    response = flow.start(customer=customer)
    assert response.status_code == 201
    return response.json["survey"]["reasons"]


# --- who may do what --------------------------------------------------------------------------


@pytest.mark.parametrize("who", EVERYONE)
def test_pages_role_matrix(who, demo, make_user, admin, client):
    row = reason(demo.id, "too_expensive")
    sign_in_as(who, demo, make_user, admin)
    pages = {
        base(demo): "read",
        f"{base(demo)}/{row.id}": "read",
        f"{base(demo)}/unclassified": "read",
        f"{base(demo)}/new": "edit",
    }
    for url, kind in pages.items():
        response = client.get(url)
        if who == "anonymous":
            assert response.status_code == 302, url
            assert response.headers["Location"].startswith("/admin/login?next=")
        elif who == "other-app" or (kind == "edit" and who in ("finance", "viewer")):
            assert response.status_code == 403, url
        else:
            assert response.status_code == 200, url


def _actions(demo):
    row = reason(demo.id, "too_expensive")
    keys = [r.key for r in db.session.scalars(select(Reason).where(Reason.app_id == demo.id))]
    return {
        "create": (f"{base(demo)}/new", NEW),
        "update": (f"{base(demo)}/{row.id}", edit_data(row, label_en="Costs too much")),
        "move": (f"{base(demo)}/{row.id}/move", {"direction": "down"}),
        "order": (f"{base(demo)}/order", {"order": ",".join(reversed(keys))}),
        "retire": (f"{base(demo)}/{row.id}/retire", {}),
        "randomize": (f"{base(demo)}/randomize", {"randomize": "y"}),
    }


@pytest.mark.parametrize("action", ["create", "update", "move", "order", "retire", "randomize"])
@pytest.mark.parametrize("who", EVERYONE)
def test_actions_role_matrix(who, action, demo, make_user, admin, client):
    url, data = _actions(demo)[action]
    sign_in_as(who, demo, make_user, admin)
    before = stamp(demo.id)
    response = post(client, url, data)
    if who in ("admin", "editor"):
        assert response.status_code == 302, response.text
        assert response.headers["Location"].startswith(base(demo))
        assert stamp(demo.id) > before
        assert (
            db.session.scalar(
                select(func.count()).where(
                    AuditEntry.app_id == demo.id,
                    AuditEntry.actor == f"user:{who}@team.example",
                    AuditEntry.action.like("reason%"),
                )
            )
            == 1
        )
        return
    if who == "anonymous":
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/admin/login?next=")
    else:
        assert response.status_code == 403
    assert stamp(demo.id) == before


def test_read_only_roles_see_no_edit_controls(demo, make_user, admin, client):
    make_user("viewer@team.example", "viewer", demo.id)
    admin.login("viewer@team.example")
    page = client.get(base(demo)).text
    assert "New reason" not in page and "Move “" not in page and "randomize" not in page
    row = reason(demo.id, "too_expensive")
    detail = client.get(f"{base(demo)}/{row.id}").text
    assert "<fieldset disabled>" in detail and "Save changes" not in detail
    assert "Delete reason" not in detail and "Hide from the survey" not in detail


def test_posts_without_a_csrf_token_are_refused(demo, make_user, admin, client):
    make_user("editor@team.example", "editor", demo.id)
    admin.login("editor@team.example")
    before = stamp(demo.id)
    response = post(client, f"{base(demo)}/new", NEW, csrf=False)
    assert response.status_code == 400
    assert reason(demo.id, "slow_support") is None and stamp(demo.id) == before


def test_unknown_reasons_are_404(demo, make_user, admin, client):
    make_user("editor@team.example", "editor", demo.id)
    admin.login("editor@team.example")
    assert client.get(f"{base(demo)}/999999").status_code == 404
    assert client.get(f"{base(demo)}/abc").status_code == 404
    assert post(client, f"{base(demo)}/999999/move", {"direction": "up"}).status_code == 404
    assert post(client, f"{base(demo)}/999999/retire").status_code == 404


def test_another_apps_reason_is_404(demo, make_user, admin, client):
    from saveflow.apps.setup import create_app_with_defaults

    other = create_app_with_defaults("Other", ["https://other.example"], actor="test")
    db.session.commit()
    theirs = reason(other.id, "too_expensive")
    make_user("editor@team.example", "editor", demo.id)
    admin.login("editor@team.example")
    assert client.get(f"{base(demo)}/{theirs.id}").status_code == 404
    response = post(client, f"{base(demo)}/{theirs.id}", edit_data(theirs, label_en="Hacked"))
    assert response.status_code == 404
    assert reason(other.id, "too_expensive").labels["en"] == "It's too expensive"


# --- creating and editing ---------------------------------------------------------------------


@pytest.fixture
def editor(demo, make_user, admin):
    make_user("editor@team.example", "editor", demo.id)
    assert admin.login("editor@team.example").status_code == 302
    return "user:editor@team.example"


def test_create_a_reason_audits_it_and_the_widget_shows_it_above_other(editor, demo, client):
    before = stamp(demo.id)
    response = post(client, f"{base(demo)}/new", NEW)
    assert response.status_code == 302
    row = reason(demo.id, "slow_support")
    assert row.labels == {
        "en": "Support takes too long",
        "zh-Hans": "客服回复太慢",
        "zh-Hant": "客服回覆太慢",
    }
    assert (row.category.key, row.follow_up, row.active) == ("poor_support", "optional", True)
    assert stamp(demo.id) > before
    [entry] = audit(demo.id, "reason.created")
    assert entry.actor == editor and entry.target == "reason:slow_support"
    assert entry.data["before"] is None
    assert entry.data["after"]["labels"]["en"] == "Support takes too long"
    assert entry.data["after"]["category"] == "poor_support"
    items = survey(client, demo, "c1")
    assert [i["id"] for i in items][-2:] == ["slow_support", "other"]
    assert items[-2] == {
        "id": "slow_support",
        "label": "Support takes too long",
        "follow_up": "optional",
    }
    flow = FlowActions(client, demo)
    flow.start(customer="c2", locale="zh-Hant")
    assert flow.answer("slow_support").json["classification"]["category"] == "poor_support"


def test_edit_relabels_recategorises_and_audits_before_and_after(editor, demo, client):
    row = reason(demo.id, "too_expensive")
    assert survey(client, demo, "c0")[0]["label"] == "It's too expensive"
    data = edit_data(
        row,
        label_en="Costs too much",
        label_zh_hans="太贵了,而且不值?",
        category="budget_cut",
        follow_up="required",
    )
    assert post(client, f"{base(demo)}/{row.id}", data).status_code == 302
    row = reason(demo.id, "too_expensive")
    assert row.labels["zh-Hans"] == "太贵了，而且不值？"  # Chinese copy takes Chinese punctuation
    [entry] = audit(demo.id, "reason.updated")
    assert entry.data["before"]["labels"]["en"] == "It's too expensive"
    assert entry.data["before"]["category"] == "too_expensive"
    assert entry.data["after"]["labels"]["en"] == "Costs too much"
    assert (entry.data["after"]["category"], entry.data["after"]["follow_up"]) == (
        "budget_cut",
        "required",
    )
    first = survey(client, demo, "c1")[0]
    assert first == {"id": "too_expensive", "label": "Costs too much", "follow_up": "required"}
    flow = FlowActions(client, demo)
    flow.start(customer="c2")
    assert flow.answer("too_expensive").status_code == 422  # a comment is now required
    answered = flow.answer("too_expensive", "cheaper elsewhere")
    assert answered.json["classification"]["category"] == "budget_cut"


def test_saving_without_a_change_writes_nothing(editor, demo, client):
    row = reason(demo.id, "too_expensive")
    before = stamp(demo.id)
    assert post(client, f"{base(demo)}/{row.id}", edit_data(row)).status_code == 302
    assert audit(demo.id, "reason.updated") == [] and stamp(demo.id) == before


@pytest.mark.parametrize(
    "changes, field, message",
    [
        ({"key": "Slow Support"}, "key", "lower-case"),
        ({"key": "1slow"}, "key", "lower-case"),
        ({"key": "slow__support"}, "key", "lower-case"),
        ({"key": "x" * 65}, "key", "64"),
        ({"key": ""}, "key", "lower-case"),
        ({"key": "too_expensive"}, "key", "already has a reason"),
        ({"label_en": "x" * 121}, "label_en", "120"),
        ({"label_zh_hant": "貴" * 121}, "label_zh_hant", "120"),
        ({"label_en": ""}, "label_en", "required"),
        ({"label_en": "   "}, "label_en", "required"),
        ({"category": "nonsense"}, "category", "categories"),
        ({"follow_up": "sometimes"}, "follow_up", "Not a valid choice"),
    ],
)
def test_bad_input_is_400_with_the_error_and_nothing_changes(
    changes, field, message, editor, demo, client
):
    before = (stamp(demo.id), db.session.scalar(select(func.count()).select_from(Reason)))
    response = post(client, f"{base(demo)}/new", {**NEW, **changes})
    assert response.status_code == 400
    assert message in response.text
    assert f'id="{field}-error"' in response.text
    assert "Nothing was saved" in response.text
    after = (stamp(demo.id), db.session.scalar(select(func.count()).select_from(Reason)))
    assert after == before
    assert audit(demo.id, "reason.created") == []


def test_a_bad_edit_leaves_the_reason_as_it_was(editor, demo, client):
    row = reason(demo.id, "too_expensive")
    data = edit_data(row, label_en="", category="budget_cut")
    response = post(client, f"{base(demo)}/{row.id}", data)
    assert response.status_code == 400
    assert 'id="label_en-error"' in response.text and 'aria-invalid="true"' in response.text
    again = reason(demo.id, "too_expensive")
    assert (again.labels["en"], again.category.key) == ("It's too expensive", "too_expensive")
    assert audit(demo.id, "reason.updated") == []


# --- order ------------------------------------------------------------------------------------


def keys(demo) -> list[str]:
    db.session.rollback()
    rows = db.session.scalars(
        select(Reason).where(Reason.app_id == demo.id).order_by(Reason.position)
    )
    return [r.key for r in rows]


def test_move_up_and_down_reorders_the_survey_and_audits_it(editor, demo, client):
    start = keys(demo)
    row = reason(demo.id, start[2])
    assert post(client, f"{base(demo)}/{row.id}/move", {"direction": "up"}).status_code == 302
    moved = [start[0], start[2], start[1], *start[3:]]
    assert keys(demo) == moved
    [entry] = audit(demo.id, "reason.moved")
    assert entry.data == {"before": start, "after": moved}
    assert [i["id"] for i in survey(client, demo, "c1")] == moved
    assert post(client, f"{base(demo)}/{row.id}/move", {"direction": "down"}).status_code == 302
    assert keys(demo) == start
    # The first reason cannot go further up: nothing changes, nothing is audited.
    first = reason(demo.id, start[0])
    before = stamp(demo.id)
    assert post(client, f"{base(demo)}/{first.id}/move", {"direction": "up"}).status_code == 302
    assert keys(demo) == start and stamp(demo.id) == before
    assert len(audit(demo.id, "reason.moved")) == 2
    assert (
        post(client, f"{base(demo)}/{first.id}/move", {"direction": "sideways"}).status_code == 400
    )


def test_the_whole_order_at_once(editor, demo, client):
    start = keys(demo)
    wanted = [start[-1], *start[:-1]]
    assert post(client, f"{base(demo)}/order", {"order": ",".join(wanted)}).status_code == 302
    assert keys(demo) == wanted
    assert audit(demo.id, "reason.moved")[0].data == {"before": start, "after": wanted}
    # A stale list (a reason missing or unknown) is refused whole.
    assert post(client, f"{base(demo)}/order", {"order": ",".join(start[1:])}).status_code == 400
    assert (
        post(client, f"{base(demo)}/order", {"order": ",".join([*start[1:], "zz"])}).status_code
        == 400
    )
    assert keys(demo) == wanted


def test_the_list_shows_reasons_in_order_with_their_category(editor, demo, client):
    page = client.get(base(demo)).text
    order = [page.index(f'data-key="{k}"') for k in keys(demo)]
    assert order == sorted(order)
    assert "Voluntary" in page and "Influenceable" in page and "Not influenceable" in page
    assert "Involuntary" in page  # payment_problem
    assert "价格太贵" in page and "價格太貴" in page


def test_randomize_toggle_shuffles_the_survey_and_audits(editor, demo, client):
    ordered = [i["id"] for i in survey(client, demo, "c0")]
    assert post(client, f"{base(demo)}/randomize", {"randomize": "y"}).status_code == 302
    db.session.refresh(demo)
    assert demo.settings["randomize_reasons"] is True
    [entry] = audit(demo.id, "reasons.randomize")
    assert entry.data == {"before": False, "after": True}
    shuffled = [[i["id"] for i in survey(client, demo, f"c{n}")] for n in range(1, 4)]
    assert all(sorted(s) == sorted(ordered) and s[-1] == "other" for s in shuffled)
    assert any(s != ordered for s in shuffled)
    assert post(client, f"{base(demo)}/randomize", {}).status_code == 302
    assert [i["id"] for i in survey(client, demo, "c9")] == ordered
    assert [e.data for e in audit(demo.id, "reasons.randomize")][-1] == {
        "before": True,
        "after": False,
    }
    assert 'name="randomize" type="checkbox" value="y">' in client.get(base(demo)).text


# --- retiring ---------------------------------------------------------------------------------


def test_a_reason_no_session_used_is_deleted(editor, demo, client):
    post(client, f"{base(demo)}/new", NEW)
    row = reason(demo.id, "slow_support")
    assert "Delete reason" in client.get(f"{base(demo)}/{row.id}").text
    assert post(client, f"{base(demo)}/{row.id}/retire").status_code == 302
    assert reason(demo.id, "slow_support") is None
    [entry] = audit(demo.id, "reason.deleted")
    assert entry.data["before"]["key"] == "slow_support" and entry.data["after"] is None
    assert keys(demo)[-1] == "other" and len(set(r.position for r in _rows(demo))) == len(
        keys(demo)
    )


def _rows(demo):
    return list(db.session.scalars(select(Reason).where(Reason.app_id == demo.id)))


def test_a_reason_sessions_used_is_deactivated_not_deleted(editor, demo, client):
    flow = FlowActions(client, demo)
    flow.start(customer="c1")
    assert flow.answer("not_using").status_code == 200
    row = reason(demo.id, "not_using")
    page = client.get(f"{base(demo)}/{row.id}").text
    assert "Hide from the survey" in page and "Delete reason" not in page
    assert post(client, f"{base(demo)}/{row.id}/retire").status_code == 302
    row = reason(demo.id, "not_using")
    assert row is not None and row.active is False
    [entry] = audit(demo.id, "reason.deactivated")
    assert (entry.data["before"]["active"], entry.data["after"]["active"]) == (True, False)
    assert "not_using" not in [i["id"] for i in survey(client, demo, "c2")]
    listing = client.get(base(demo)).text
    assert 'data-key="not_using"' in listing and "Hidden" in listing
    # Shown again by editing it back to active.
    post(client, f"{base(demo)}/{row.id}", edit_data(row, active="y"))
    assert "not_using" in [i["id"] for i in survey(client, demo, "c3")]


def test_the_last_active_reason_stays(editor, demo, client):
    rows = _rows(demo)
    for row in rows[1:]:
        row.active = False
    db.session.commit()
    last = rows[0]
    response = post(
        client, f"{base(demo)}/{last.id}", edit_data(reason(demo.id, last.key), active=None)
    )
    assert response.status_code == 400 and "at least one active reason" in response.text
    assert post(client, f"{base(demo)}/{last.id}/retire").status_code == 302
    assert reason(demo.id, last.key).active is True
    assert audit(demo.id, "reason.deleted") == audit(demo.id, "reason.deactivated") == []
