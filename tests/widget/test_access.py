"""Keyboard only, a phone-sized viewport, and the three compliance modes, in a real browser."""

import pytest


def frame_active(host):
    """Describe the element focused inside the flow page."""
    return host.page.frames[1].evaluate(
        "(() => { const a = document.activeElement;"
        " return a.getAttribute('data-action') || a.id || a.tagName; })()"
    )


def test_keyboard_only(widget, host_page):
    widget.make_app()
    host = host_page.goto(widget.host.url)
    keys = host.page.keyboard
    keys.press("Tab")
    assert host.page.evaluate("document.activeElement.id") == "cancel"
    keys.press("Enter")
    host.step("survey")
    assert frame_active(host) == "sf-heading"  # focus moved into the dialog
    keys.press("Tab")
    keys.press("Space")  # the first reason: too expensive
    keys.press("Tab")
    keys.press("Enter")  # Next
    host.step("offer")
    keys.press("Tab")
    assert frame_active(host) == "accept"
    host.shot("1-offer-focus")  # the focus ring is visible
    keys.press("Tab")
    assert frame_active(host) == "decline"
    keys.press("Enter")
    # The fallback offer replaces the first one: a smaller plan.
    host.frame.locator(".sf-terms", has_text="Starter").wait_for()
    assert frame_active(host) == "sf-heading"
    for _ in range(3):
        keys.press("Tab")
    assert frame_active(host) == "continue-cancel"
    keys.press("Enter")
    host.step("confirm")
    keys.press("Tab")
    assert frame_active(host) == "cancel"
    keys.press("Enter")
    host.step("done")
    keys.press("Tab")
    assert frame_active(host) == "done"
    keys.press("Tab")  # focus is trapped: it wraps to the close button, not the host page
    assert frame_active(host) == "sf-close"
    keys.press("Shift+Tab")
    assert frame_active(host) == "done"
    keys.press("Enter")
    assert host.result()["outcome"] == "cancelled"
    assert host.page.evaluate("document.activeElement.id") == "cancel"


@pytest.mark.viewport(width=375, height=720)
def test_phone_viewport(widget, host_page):
    widget.make_app()
    host = host_page.goto(widget.host.url).open()
    host.step("survey")
    host.shot("1-survey")
    flow = host.page.frames[1]
    assert flow.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    box = host.frame.locator("#sf-dialog").bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 375
    host.frame.get_by_label("I'm switching to another product").check()
    assert host.frame.locator("#sf-comment").is_visible()  # optional follow-up for this reason
    host.frame.locator("#sf-comment").fill("Going with a cheaper tool")
    host.shot("2-follow-up")
    host.frame.get_by_role("button", name="Next").click()
    host.step("offer")
    host.shot("3-offer")
    small = flow.evaluate(
        "[...document.querySelectorAll('button, a.sf-btn, .sf-reason')]"
        ".filter(el => el.offsetParent)"
        ".map(el => el.getBoundingClientRect())"
        ".filter(r => r.height < 44 || r.width < 44).length"
    )
    assert small == 0  # touch targets of at least 44 px


def test_required_follow_up_is_enforced(widget, host_page):
    widget.make_app()
    host = host_page.goto(widget.host.url).open()
    host.step("survey")
    host.frame.get_by_role("button", name="Next").click()
    assert "Choose a reason" in host.frame.locator("#sf-reason-error").inner_text()
    host.frame.get_by_label("Something else").check()
    host.frame.get_by_role("button", name="Next").click()
    assert "add a few words" in host.frame.locator("#sf-error").inner_text()
    host.shot("required")
    host.frame.get_by_label("Tell us a little more").fill("The export is too slow for us")
    host.frame.get_by_role("button", name="Next").click()
    host.step("offer")


@pytest.mark.parametrize("mode", ["standard", "one_save", "direct"])
def test_compliance_modes(widget, host_page, mode):
    app_id = widget.make_app(compliance_mode=mode)
    host = host_page.goto(f"{widget.host.url}/?app={app_id}").open()
    host.step("survey")
    assert host.frame.locator('[data-action="continue-cancel"]').is_visible()
    host.frame.get_by_label("It's too expensive").check()
    host.frame.get_by_role("button", name="Next").click()
    if mode == "direct":
        host.step("confirm")  # no offers at all
        host.shot("direct-confirm")
        host.act("cancel")
    else:
        host.step("offer")
        host.shot(f"{mode}-offer")
        decline = host.frame.locator('[data-action="decline"]')
        cancel = host.frame.locator('[data-action="cancel"]')
        if mode == "standard":
            assert decline.is_visible()
            assert host.frame.locator('[data-action="continue-cancel"]').is_visible()
            host.act("continue-cancel")
            host.step("confirm")
            host.act("cancel")
        else:  # one save attempt, shown together with the cancel button
            assert cancel.is_visible() and decline.count() == 0
            host.act("cancel")
    dialog = host.step("done")
    assert "Your access continues until" in dialog.inner_text()  # cancelled at period end
    host.shot(f"{mode}-done")
    host.act("done")
    assert host.result()["outcome"] == "cancelled"


def test_brand_accent_logo_and_copy_override(widget, host_page):
    settings = {
        "brand": {"accent": "#0f766e", "logo_url": "data:image/gif;base64,R0lGODlhAQABAAAAACw="},
        "copy": {"confirm_heading": {"en": "Leaving us, {first_name}?"}},
    }
    app_id = widget.make_app(settings=settings)
    host = host_page.goto(f"{widget.host.url}/?app={app_id}").open()
    host.step("survey")
    flow = host.page.frames[1]
    accent = flow.evaluate(
        "getComputedStyle(document.documentElement).getPropertyValue('--sf-accent').trim()"
    )
    assert accent == "#0f766e"
    assert host.frame.locator("#sf-brand img").get_attribute("alt") == "Acme standard"
    host.act("continue-cancel")
    dialog = host.step("confirm")
    assert dialog.locator("#sf-heading").inner_text() == "Leaving us, Ada?"


@pytest.mark.viewport(width=1000, height=760)
def test_dark_mode(widget, host_page):
    widget.make_app()
    host_page.page.emulate_media(color_scheme="dark", reduced_motion="reduce")
    host = host_page.goto(widget.host.url).open()
    host.step("survey")
    flow = host.page.frames[1]
    background = flow.evaluate(
        "getComputedStyle(document.getElementById('sf-dialog')).backgroundColor"
    )
    assert background == "rgb(17, 24, 39)"
    animation = flow.evaluate(
        "getComputedStyle(document.getElementById('sf-dialog')).animationName"
    )
    assert animation == "none"  # prefers-reduced-motion: no entrance animation
    host.shot("dark-survey")
