"""A phone-sized viewport: every message the customer must read stays clear of the pinned actions."""

import pytest

# Whether the element's whole box is on screen, inside the dialog, and not under the action bar.
UNCOVERED = """(el) => {
    const box = el.getBoundingClientRect();
    const bar = document.querySelector(".sf-form .sf-actions").getBoundingClientRect();
    const dialog = document.getElementById("sf-dialog").getBoundingClientRect();
    const x = box.left + box.width / 2;
    const centre = document.elementFromPoint(x, box.top + box.height / 2);
    return {
        visible: box.height > 0 && box.top >= dialog.top && box.bottom <= innerHeight,
        aboveBar: box.bottom <= bar.top,
        onTop: centre === el || el.contains(centre),
    };
}"""


def uncovered(locator) -> dict:
    return locator.evaluate(UNCOVERED)


@pytest.mark.viewport(width=375, height=740)
def test_required_follow_up_error_clears_the_action_bar(widget, host_page):
    widget.make_app()
    host = host_page.goto(widget.host.url).open()
    host.step("survey")
    host.frame.get_by_label("Something else").check()
    host.frame.get_by_role("button", name="Next").click()
    error = host.frame.locator("#sf-error")
    assert "add a few words" in error.inner_text()
    host.shot("follow-up-error")
    assert uncovered(error) == {"visible": True, "aboveBar": True, "onTop": True}
    assert uncovered(host.frame.locator("#sf-comment")) == {
        "visible": True,
        "aboveBar": True,
        "onTop": True,
    }
    assert host.page.frames[1].evaluate("document.activeElement.id") == "sf-comment"


@pytest.mark.viewport(width=375, height=740)
def test_missing_reason_error_shows_beside_the_first_reason(widget, host_page):
    widget.make_app()
    host = host_page.goto(widget.host.url).open()
    host.step("survey")
    host.frame.get_by_label("Something else").scroll_into_view_if_needed()
    host.frame.get_by_role("button", name="Next").click()
    error = host.frame.locator("#sf-reason-error")
    assert "Choose a reason" in error.inner_text()
    assert uncovered(error) == {"visible": True, "aboveBar": True, "onTop": True}
    first = host.frame.get_by_label("It's too expensive")
    assert uncovered(first) == {"visible": True, "aboveBar": True, "onTop": True}
    assert host.page.frames[1].evaluate("document.activeElement.id") == "sf-r0"
