"""A small history whose report figures are worked out by hand, and readers of the page."""

import html
import re
from datetime import UTC, datetime

from tests.reports.factory import decided, paid, rebuild


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


WINTER = {"experiment": "winter", "variant": "treated"}
HOLDOUT = {"experiment": "winter", "variant": "holdout"}


def worked_history(app) -> dict:
    """Ten sessions in January to March 2026 (UTC), money in cents; return them by letter.

    By hand, live USD over the three months: 7 decided (A B C D E F J), 3 saved (A B J),
    1 withdrawn (C), 2 cancelled (D E), 1 abandoned (F): deflection 4/6 = 66.7%; saved MRR
    49 + 49 + 19 + 49 = 166.00; projected 551.25 + 490 + 228 + 551.25 = 1,820.50; offer cost
    36.75 + 98 + 0 + 36.75 = 171.50; realized 36.75 (A's invoice after its save); pending C J,
    confirmed A, boomerang B. EUR: G saved, H cancelled. I is a test-mode save. Experiment
    "winter": A and D treated, C and E in its holdout.
    """
    s = {
        "A": decided(app, "saved", at("2026-01-10T09:00"), offer="discount_25_3m",
                     projected=55125, cost=3675, status="confirmed", **WINTER),
        "B": decided(app, "saved", at("2026-01-20T09:00"), offer="pause_2m",
                     category="not_using", projected=49000, cost=9800, status="boomerang",
                     months_kept=0),
        "C": decided(app, "withdrawn", at("2026-02-03T09:00"), plan="basic", mrr=1900,
                     **HOLDOUT),
        "D": decided(app, "cancelled", at("2026-02-05T09:00"), offer="discount_25_3m",
                     **WINTER),
        "E": decided(app, "cancelled", at("2026-02-06T09:00"), category="not_using",
                     **HOLDOUT),
        "F": decided(app, "abandoned", at("2026-02-07T09:00"), offer="discount_25_3m"),
        "G": decided(app, "saved", at("2026-02-10T09:00"), currency="eur", mrr=3900,
                     offer="discount_25_3m", projected=43875, cost=2925, realized=2925,
                     status="confirmed"),
        "H": decided(app, "cancelled", at("2026-02-11T09:00"), currency="eur",
                     offer="discount_25_3m"),
        "I": decided(app, "saved", at("2026-02-12T09:00"), mode="test", mrr=9900,
                     offer="discount_25_3m", projected=89100, cost=29700),
        "J": decided(app, "saved", at("2026-03-31T18:00"), offer="discount_25_3m",
                     projected=55125, cost=3675),
    }  # fmt: skip
    # A's subscription: one invoice before the save (counts nowhere), one after (realized).
    paid(s["A"], "in_before", 4900, at("2026-01-01T00:00"))
    paid(s["A"], "in_after", 3675, at("2026-01-11T00:00"))
    s["A"].realized_revenue = 3675
    rebuild(app)
    return s


def figures(page_html: str) -> dict[str, str]:
    """Return the key figures of a reports page by their `data-figure` name."""
    found = re.findall(r'data-figure="([^"]+)"[^>]*>(.*?)</(?:a|p)>', page_html, re.S)
    return {
        name: " ".join(html.unescape(re.sub(r"<[^>]+>", " ", text)).split()) for name, text in found
    }


def figure_links(page_html: str) -> dict[str, str]:
    """Return each key figure's drill-down link."""
    found = re.findall(r'<a data-figure="([^"]+)" href="([^"]+)"', page_html)
    return {name: html.unescape(href) for name, href in found}


def listed(page_html: str) -> int:
    """Return how many sessions a sessions list says it holds."""
    match = re.search(r'<p class="count muted">([\d,]+) session', page_html)
    assert match, "no session count on the page"
    return int(match.group(1).replace(",", ""))
