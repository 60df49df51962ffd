"""Real servers and a real browser: saveflow and the demo host on two loopback ports."""

import re
import threading
import time
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from saveflow.apps.demo import DEMO_DOWNGRADES
from saveflow.extensions import db
from saveflow.widget.demo_host import create_demo_host
from tests.conftest import CHROMIUM, CHROMIUM_ARGS  # noqa: F401  (imported from here by tests)

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "widget"


class Server:
    """A WSGI app served on an ephemeral loopback port from a background thread."""

    def __init__(self, build):
        """Bind a port, then serve build(url): the demo host must know its own public URL."""
        self._server = make_server("127.0.0.1", 0, None, threaded=True)
        # Track request threads so stop() waits for late ones (a closing tab's sendBeacon),
        # which must not touch the database while the next test resets it.
        self._server.daemon_threads = False
        self.url = f"http://127.0.0.1:{self._server.server_port}"
        self._server.app = build(self.url)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def stop(self):
        self._server.shutdown()
        # serve_forever closes the server on its way out, joining the request threads.
        self._thread.join(timeout=10)


class Widget:
    """saveflow and a host page on another origin, sharing the test's database."""

    def __init__(self, saveflow_app):
        self.saveflow = Server(lambda _url: saveflow_app)
        # The demo app's (id, live secret): the only credentials the demo host signs with.
        self.demo_app: tuple[str, str] | None = None
        self.host = Server(lambda url: create_demo_host(self.saveflow.url, url, self._lookup))
        self.servers = [self.saveflow, self.host]

    def _lookup(self):
        assert self.demo_app is not None, "make_app() first"
        return self.demo_app

    def make_app(self, compliance_mode="standard", settings=None, default=False) -> str:
        """Create an app for the host page's origin (the first, or default=True, is the demo's)."""
        from saveflow.apps.setup import create_app_with_defaults

        record = create_app_with_defaults(
            f"Acme {compliance_mode}",
            [self.host.url],
            compliance_mode=compliance_mode,
            settings=settings,
            downgrade_targets=DEMO_DOWNGRADES,
            actor="test",
        )
        db.session.commit()
        if default or self.demo_app is None:
            self.demo_app = (record.id, record.live_secret)
        return record.id

    def stop(self):
        for server in self.servers:
            server.stop()


@pytest.fixture
def widget(app):
    running = Widget(app)
    yield running
    running.stop()


class HostPage:
    """The demo host's account page in a browser tab, with helpers to drive the widget."""

    def __init__(self, page, name):
        self.page = page
        self.name = re.sub(r"[^A-Za-z0-9_.-]+", "-", name)
        self.frame = page.frame_locator("iframe[title]")
        self.errors = []
        page.on("pageerror", lambda exc: self.errors.append(str(exc)))

    def goto(self, url):
        self.page.goto(url)
        self.page.wait_for_function("window.Saveflow && window.Saveflow.open")
        return self

    def open(self):
        self.page.click("#cancel")
        return self

    def step(self, name, timeout=5000):
        self.frame.locator(f'#sf-dialog[data-step="{name}"]').wait_for(timeout=timeout)
        return self.frame.locator("#sf-dialog")

    def act(self, action):
        self.frame.locator(f'[data-action="{action}"]').click()

    def shot(self, label):
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTIFACTS / f"{self.name}-{label}.png"
        self.page.screenshot(path=str(path), animations="disabled")
        return path

    def result(self, timeout=6000):
        self.page.wait_for_function("window.saveflowResult !== undefined", timeout=timeout)
        return self.page.evaluate("window.saveflowResult")


@pytest.fixture
def host_page(browser, request):
    """Open a tab (viewport via the `viewport` marker's kwargs) and close it afterwards."""
    marker = request.node.get_closest_marker("viewport")
    viewport = dict(marker.kwargs) if marker else {"width": 1000, "height": 760}
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    page.set_default_timeout(8000)
    yield HostPage(page, request.node.name)
    context.close()


def wait_for(predicate, timeout=5.0):
    """Poll until predicate() is truthy; return its last value."""
    end = time.monotonic() + timeout
    value = predicate()
    while not value and time.monotonic() < end:
        time.sleep(0.05)
        value = predicate()
    return value


def pytest_configure(config):
    config.addinivalue_line("markers", "viewport(width, height): the browser tab's viewport")
