"""Rule evaluations per second in-process, against the budget of 50,000/s.

The baseline, measured in the same run, is the cheapest possible "rule set": a dict lookup of
the category's offers. The ratio shows what the real engine costs on top of that.

    .venv/bin/python bench/bench_rules.py [--n 50000]
"""

import argparse
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from saveflow.offers.catalog import DEFAULT_OFFERS  # noqa: E402
from saveflow.offers.rules import (  # noqa: E402
    Context,
    OfferSpec,
    Policy,
    default_rule_set,
    evaluate,
)
from saveflow.reasons.taxonomy import CATEGORIES  # noqa: E402

BUDGET = 50_000


def contexts(n: int) -> list[Context]:
    now = datetime(2026, 11, 23, tzinfo=UTC)
    keys = list(CATEGORIES)
    return [
        Context(
            customer=f"cus_{i}",
            classification={
                "category": keys[i % len(keys)],
                "voluntary": True,
                "influenceable": True,
                "confidence": 0.9,
            },
            snapshot={
                "plan": "pro",
                "amount": 4900,
                "currency": "usd",
                "interval": "month",
                "interval_count": 1,
                "quantity": 1,
                "status": "active",
                "started_at": now - timedelta(days=i % 900),
                "discount": None,
            },
            mrr=4900,
            locale="en",
            country="US",
            attributes={"seats": i % 20},
            history={"discount": now - timedelta(days=400)} if i % 3 == 0 else {},
            now=now,
        )
        for i in range(n)
    ]


def rate(fn, items) -> float:
    start = time.perf_counter()
    for item in items:
        fn(item)
    return len(items) / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=50_000)
    args = parser.parse_args()
    document = default_rule_set()
    offers = {o["key"]: OfferSpec(o["key"], o["type"], o["params"]) for o in DEFAULT_OFFERS}
    policy = Policy(max_offers=2, cooldown_days={"discount": 365}, allow_pause_annual=False)
    items = contexts(args.n)
    lookup = {c: CATEGORIES[c].default_offer_types for c in CATEGORIES}
    baseline = rate(lambda ctx: lookup.get(ctx.classification["category"]), items)
    engine = rate(lambda ctx: evaluate(document, ctx, offers, policy, seed="app_bench"), items)
    print(
        f"rule evaluations: {engine:,.0f}/s over {args.n:,} customers, "
        f"{len(document['rules'])} rules"
    )
    print(f"baseline dict lookup: {baseline:,.0f}/s; engine/baseline = {engine / baseline:.3f}")
    print(
        f"engine/budget ({BUDGET:,}/s) = {engine / BUDGET:.2f}  "
        f"{'MET' if engine >= BUDGET else 'OVER'}"
    )


if __name__ == "__main__":
    main()
