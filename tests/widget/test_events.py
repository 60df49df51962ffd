"""The host's onEvent stream: every event is named by its `type`, which no field can overwrite."""


def events(host) -> list[dict]:
    return host.page.evaluate("window.saveflowEvents")


def test_offer_shown_names_the_offer_and_its_type(widget, host_page):
    widget.make_app()
    host = host_page.goto(widget.host.url).open()
    host.step("survey")
    host.frame.get_by_label("It's too expensive").check()
    host.frame.get_by_role("button", name="Next").click()
    host.step("offer")
    host.page.wait_for_function("window.saveflowEvents.some(e => e.type === 'offer_shown')")
    shown = [e for e in events(host) if e["type"] == "offer_shown"]
    assert [(e["offer"], e["offer_type"]) for e in shown] == [("discount_25_3m", "discount")]
    host.act("accept")
    host.step("done")
    host.act("done")
    assert host.result()["outcome"] == "saved"
    names = [e["type"] for e in events(host)]
    assert names == [
        "opening",
        "started",
        "step",
        "answered",
        "step",
        "offer_shown",
        "outcome",
        "step",
        "closed",
    ]
    assert host.errors == []


def test_a_field_named_type_never_renames_an_event(widget, host_page):
    widget.make_app()
    host = host_page.goto(widget.host.url).open()
    host.step("survey")
    # The loader relays whatever its flow page sends; the event's name must win over its fields.
    host.page.frames[1].evaluate(
        "parent.postMessage({saveflow: 1, type: 'event', name: 'probe',"
        " data: {type: 'clobbered', detail: 1}}, '*')"
    )
    host.page.wait_for_function("window.saveflowEvents.some(e => e.detail === 1)")
    probe = [e for e in events(host) if e.get("detail") == 1]
    assert [e["type"] for e in probe] == ["probe"]
