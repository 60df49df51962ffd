"""Helpers for the rule builder's tests: read a form off a page and post it back."""

from html.parser import HTMLParser

from tests.admin.conftest import csrf_from


class _Fields(HTMLParser):
    """Collect what a browser would submit from the page's rule form (no button pressed)."""

    def __init__(self):
        super().__init__()
        self.values: dict[str, str] = {}
        self._select: str | None = None
        self._in_template = 0

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "template":
            self._in_template += 1
        if self._in_template:
            return
        name = a.get("name")
        if tag == "input" and name and a.get("type") not in ("file",):
            if a.get("type") == "checkbox":
                if "checked" in a:
                    self.values[name] = a.get("value") or "y"
            else:
                self.values[name] = a.get("value") or ""
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select:
            if "selected" in a or self._select not in self.values:
                self.values[self._select] = a.get("value") or ""
        elif tag == "textarea" and name:
            self.values[name] = ""

    def handle_endtag(self, tag):
        if tag == "template":
            self._in_template -= 1
        if tag == "select":
            self._select = None


def form_values(html: str) -> dict[str, str]:
    """Return the fields the rule form would submit, as the server rendered them."""
    start = html.index('<form method="post" class="rule-form"')
    parser = _Fields()
    parser.feed(html[start : html.index("</form>", start)])
    return parser.values


def post_rule(client, url, changes=None, drop=()):
    """Open a rule's form, change some fields, and submit it like a browser."""
    page = client.get(url)
    assert page.status_code == 200, page.text
    values = form_values(page.text)
    for name in drop:
        values.pop(name, None)
    values.update(changes or {})
    values["csrf_token"] = csrf_from(page.text)
    return client.post(url, data=values)
