"""The README's webhook verification snippets, run as printed against bodies saveflow signs."""

import base64
import json
import re
import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace

import pytest

from saveflow.messaging.notify import session_data
from saveflow.messaging.publish import event_body
from saveflow.messaging.signing import sign, signature_header

README = Path(__file__).resolve().parents[2] / "README.md"
NOW = datetime(2027, 3, 1, 12, 0, tzinfo=UTC)
T = int(NOW.timestamp())
SECRET = "whsec_readme_secret"


def snippet(name: str) -> str:
    """Return the code of a README snippet marked <!-- name --> … <!-- /name -->."""
    text = README.read_text(encoding="utf-8")
    found = re.search(rf"<!-- {name} -->\s*```\w+\n(.*?)```\s*<!-- /{name} -->", text, re.S)
    assert found, f"README has no snippet marked {name}"
    return found.group(1)


def _session(**changes):
    values = dict(
        id="ses_1",
        mode="live",
        customer="cus_42",
        subscription="sub_42",
        outcome="cancelled",
        outcome_at=NOW,
        locale="zh-Hans",
        snapshot={"plan": "pro", "plan_name": "专业版"},
        currency="usd",
        mrr=4900,
        reason_key="too_expensive",
        comment="太贵了，“真的”",
        classification={"category": "price", "voluntary": True, "influenceable": True},
        result={"effective_at": "2027-04-01T00:00:00+00:00", "effective": {"provider": "none"}},
    )
    return SimpleNamespace(**{**values, **changes})


def _body() -> bytes:
    return event_body("dlv_1", "session.completed", session_data(_session()), NOW).encode()


def _cases():
    """(name, secret, header, body bytes, now, expected) for the snippets to judge."""
    body = _body()
    header = signature_header(SECRET, body, T)
    rotated = f"t={T},v1={sign('whsec_old', body, T)},v1={sign(SECRET, body, T)}"
    tampered = body.replace(b"4900", b"4901")
    assert tampered != body
    return [
        ("valid", SECRET, header, body, T + 10, True),
        ("valid, several v1 values", SECRET, rotated, body, T, True),
        ("valid, at the edge of the tolerance", SECRET, header, body, T + 300, True),
        ("tampered body", SECRET, header, tampered, T, False),
        ("wrong secret", "whsec_other", header, body, T, False),
        ("stale timestamp", SECRET, header, body, T + 301, False),
        ("timestamp from the future", SECRET, header, body, T - 301, False),
        ("timestamp moved", SECRET, header.replace(f"t={T}", f"t={T + 5}"), body, T, False),
        ("no header", SECRET, "", body, T, False),
        ("no signature", SECRET, f"t={T}", body, T, False),
        ("garbage", SECRET, "t=abc,v1=zz", body, T, False),
        ("non-hex signature", SECRET, f"t={T},v1=é{sign(SECRET, body, T)[1:]}", body, T, False),
    ]


CASES = _cases()


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_the_python_snippet(case):
    _name, secret, header, body, now, expected = case
    namespace: dict = {}
    exec(compile(snippet("webhook-verify-python"), "README.md", "exec"), namespace)
    assert namespace["verify_saveflow"](secret, header, body, now=now) is expected


def test_the_node_snippet(tmp_path):
    node = shutil.which("node")
    if node is None:
        pytest.skip("`node` is not installed, so the README's Node snippet cannot be run")
    driver = """
const cases = JSON.parse(require("fs").readFileSync(0, "utf8"));
console.log(JSON.stringify(cases.map((c) =>
  verifySaveflow(c.secret, c.header, Buffer.from(c.body, "base64"), c.now))));
"""
    script = tmp_path / "verify.js"
    script.write_text(snippet("webhook-verify-node") + driver, encoding="utf-8")
    cases = [
        {"secret": s, "header": h, "body": base64.b64encode(b).decode(), "now": n}
        for _name, s, h, b, n, _expected in CASES
    ]
    run = subprocess.run(
        [node, str(script)], input=json.dumps(cases), capture_output=True, text=True, timeout=30
    )
    assert run.returncode == 0, run.stderr
    got = dict(zip([c[0] for c in CASES], json.loads(run.stdout), strict=True))
    assert got == {c[0]: c[5] for c in CASES}


def test_the_readme_names_every_field_of_the_events():
    text = README.read_text(encoding="utf-8")
    section = text[text.index("## Outbound webhooks") :]
    section = section[: section.index("\n## ", 1)]
    data = session_data(_session())
    for key in [*data, *data["reason"], "triggers", "session_url"]:
        assert f"`{key}`" in section or f"{key}," in section or f"{key}}}" in section, key
    for header in ("Saveflow-Signature", "Saveflow-Delivery", "Saveflow-Event", "User-Agent"):
        assert f"`{header}`" in section
    for event in ("session.completed", "offer.accepted", "session.alert"):
        assert f"`{event}`" in section
