"""What the customer reads: the plan's name, and a confirmation that says what just happened."""

from saveflow.apps.demo import DEMO_PLAN


def test_the_plan_is_named_never_shown_by_its_id(widget, host_page):
    assert DEMO_PLAN["plan"] == "pro_monthly" and DEMO_PLAN["plan_name"] == "Pro"
    settings = {"copy": {"confirm_heading": {"en": "Leaving {plan}, {first_name}?"}}}
    widget.make_app(settings=settings)
    host = host_page.goto(widget.host.url).open()
    host.step("survey")
    host.frame.get_by_label("It's too expensive").check()
    host.frame.get_by_role("button", name="Next").click()
    dialog = host.step("offer")
    assert "Stay on Pro and pay a quarter less" in dialog.inner_text()
    host.act("decline")
    host.frame.locator(".sf-terms", has_text="Starter for $19.00/month").wait_for()
    host.act("continue-cancel")
    dialog = host.step("confirm")
    assert dialog.locator("#sf-heading").inner_text() == "Leaving Pro, Ada?"
    assert "You keep Pro until" in dialog.inner_text()
    assert "monthly" not in dialog.inner_text().lower()


def test_a_missing_field_leaves_no_stray_chinese_comma(widget, host_page):
    # Copy may name any attribute; this page sends no `nickname`.
    settings = {"copy": {"confirm_heading": {"zh-Hans": "{nickname}，要走了吗？"}}}
    widget.make_app(settings=settings)
    host = host_page.goto(widget.host.url + "/?locale=zh-Hans").open()
    host.step("survey")
    host.act("continue-cancel")
    dialog = host.step("confirm")
    assert dialog.locator("#sf-heading").inner_text() == "要走了吗？"
