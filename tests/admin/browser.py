"""The admin in Chromium for a browser test: a page at a phone's or a desktop's size on a served
saveflow, its script errors, and screenshots that also check the page's shape."""

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.widget.conftest import Server

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "admin"
VIEWPORTS = {"desktop": (1280, 800), "phone": (375, 740)}
# The elements that stick out past the right edge of the screen, if any.
WIDER_THAN_SCREEN = """
[...document.querySelectorAll('body *')]
  .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
  .filter(e => {
    // Inside a box that scrolls or clips sideways (a wide table, the section bar) is fine:
    // the page itself does not move.
    for (let p = e.parentElement; p && p !== document.body; p = p.parentElement) {
      if (['auto', 'scroll', 'hidden'].includes(getComputedStyle(p).overflowX)) return false;
    }
    return true;
  })
  .map(e => e.tagName + '.' + e.className).slice(0, 5)
"""


class AdminBrowser:
    """One page in its own browser context, and the checks every screenshot of it gets."""

    def __init__(self, context, url, device, artifacts, prefix, whole_page):
        self.context = context
        self.page = context.new_page()
        self.url = url
        self.device = device
        self.width = self.page.viewport_size["width"]
        self.errors: list[str] = []
        self.page.on("pageerror", lambda exc: self.errors.append(str(exc)))
        self._artifacts = artifacts
        self._prefix = prefix
        self._whole_page = whole_page

    def overflow(self, whole_page=False) -> list[str]:
        """Name what sticks out past the screen's right edge; with whole_page, a wider document."""
        wide = self.page.evaluate(WIDER_THAN_SCREEN)
        # Even what is hidden inside a box that scrolls can widen the document itself.
        if whole_page and self.page.evaluate("document.documentElement.scrollWidth > innerWidth"):
            wide = wide or ["the page"]
        return wide

    def shot(self, name, full_page=True):
        """Save a screenshot as <device>-<prefix><name>.png; check one h1 and no sideways scroll."""
        path = self._artifacts / f"{self.device}-{self._prefix}{name}.png"
        self.page.screenshot(path=str(path), full_page=full_page)
        assert self.page.locator("h1").count() == 1, name
        wide = self.overflow(self._whole_page)
        assert not wide, f"{name} scrolls sideways at {self.width}px: {wide}"


@contextmanager
def browser_at(
    chromium,
    url,
    device,
    artifacts=ARTIFACTS,
    *,
    size=None,
    prefix="",
    whole_page=False,
    **context_options,
) -> Iterator[AdminBrowser]:
    """Open a page at a device's size (or `size`) on saveflow at url; close it afterwards.

    Screenshots land in artifacts with prefix before each name; whole_page=True also fails a
    shot whose document is wider than the screen.
    """
    width, height = size or VIEWPORTS[device]
    context = chromium.new_context(viewport={"width": width, "height": height}, **context_options)
    artifacts.mkdir(parents=True, exist_ok=True)
    try:
        yield AdminBrowser(context, url, device, artifacts, prefix, whole_page)
    finally:
        context.close()


@contextmanager
def admin_browser(chromium, app, device, artifacts=ARTIFACTS, **options) -> Iterator[AdminBrowser]:
    """Serve app on a loopback port and open browser_at it; stop both afterwards."""
    server = Server(lambda _url: app)
    try:
        with browser_at(chromium, server.url, device, artifacts, **options) as browser:
            yield browser
    finally:
        server.stop()
