"""Every admin page in Chromium, found from the URL map: reachable by keyboard, fits a phone.

For each page an admin can open, the Tab key must reach every visible control (links, buttons,
fields; a radio group counts once), and at 375 px nothing may stick out past the screen's edge.
A full-page screenshot of each page at both sizes lands in test-artifacts/admin/every/.
"""

import re

from saveflow.extensions import db
from tests.admin.browser import ARTIFACTS, VIEWPORTS, admin_browser
from tests.admin.conftest import browser_sign_in
from tests.admin.test_every_page import _admin_pages, _values
from tests.conftest import FlowActions

SHOTS = ARTIFACTS / "every"

# Number the visible controls a keyboard user must be able to reach; a radio group is one stop.
MARK_CONTROLS = """
() => {
  const selector = 'a[href], button, input:not([type=hidden]), select, textarea, summary';
  const seen = new Set();
  let count = 0;
  for (const el of document.querySelectorAll(selector)) {
    if (el.disabled || el.closest('[hidden], [inert]') || !el.getClientRects().length) continue;
    if (getComputedStyle(el).visibility === 'hidden') continue;
    // Inside a closed disclosure only its summary shows (Chromium keeps the rest laid out).
    let folded = false;
    for (let p = el.parentElement; p; p = p.parentElement) {
      const own = el.tagName === 'SUMMARY' && el.parentElement === p;
      if (p.tagName === 'DETAILS' && !p.open && !own) folded = true;
    }
    if (folded) continue;
    const key = el.type === 'radio' ? 'radio:' + el.name : 'el:' + count;
    if (seen.has(key)) { el.dataset.kb = key; continue; }
    seen.add(key);
    el.dataset.kb = key;
    count += 1;
  }
  return [...seen];
}
"""
FOCUSED = "() => (document.activeElement && document.activeElement.dataset.kb) || null"


def _slug(url: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", url.lower()).strip("-")[:80] or "root"


def test_every_admin_page_by_keyboard_and_on_a_phone(chromium, app, client, demo, make_user):
    flow = FlowActions(client, demo)
    assert flow.start().status_code == 201
    assert flow.answer("other", "the overage charges are killing us").status_code == 200
    pages = [
        url
        for endpoint, url in _admin_pages(app, _values(demo, flow.session_id))
        if endpoint != "admin.login"
    ]
    make_user("ada@team.example", "admin", None)
    db.session.rollback()
    problems: list[str] = []
    for device in VIEWPORTS:
        with admin_browser(chromium, app, device, SHOTS) as b:
            page = b.page
            page.goto(f"{b.url}/admin/login")
            browser_sign_in(page, "ada@team.example")
            page.wait_for_url("**/admin/")
            for url in pages:
                response = page.goto(b.url + url)
                if response is None or response.headers.get("content-type", "").find("html") < 0:
                    continue
                assert response.status < 500, url
                page.screenshot(path=str(SHOTS / f"{device}-{_slug(url)}.png"), full_page=True)
                if device == "phone":
                    wide = b.overflow(whole_page=True)
                    if wide:
                        problems.append(f"{url} scrolls sideways at {b.width}px: {wide}")
                    continue
                controls = page.evaluate(MARK_CONTROLS)
                reached = set()
                page.locator("body").focus()
                for _ in range(2 * len(controls) + 20):
                    page.keyboard.press("Tab")
                    focused = page.evaluate(FOCUSED)
                    if focused:
                        reached.add(focused)
                    if reached >= set(controls):
                        break
                unreached = set(controls) - reached
                if unreached:
                    names = page.evaluate(
                        "keys => keys.map(k => { const e = document.querySelector("
                        "`[data-kb=\"${k}\"]`); return e.tagName + ' ' + "
                        "(e.textContent || e.name || '').trim().slice(0, 30); })",
                        sorted(unreached)[:5],
                    )
                    problems.append(f"{url}: the keyboard never reaches {names}")
    assert not problems, "\n".join(problems)
    assert len(pages) >= 4
