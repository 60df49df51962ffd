"""Classifications per second in-process, against the budget of 2,000/s.

Every text of the corpus (about 1,500 comments in English, Simplified and Traditional Chinese,
from two words to a paragraph), classified in turn, `--rounds` times over:

- baseline: the lexicon alone (`lexicon_scan`), the classifier as it was before the model;
- classifier: `classify_text`, the lexicon and the statistical model together, with the payment
  gate and the quoted evidence, as every session's answer runs it.

It prints comments per second for each, the ratio to the baseline, and the budget check. It also
prints the cost of loading the shipped model once, which each process pays on its first
classification.

    .venv/bin/python bench/bench_classify.py [--rounds 5]
"""

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.bench_reports import Progress  # noqa: E402
from saveflow.reasons.classify import classify_text, lexicon_scan  # noqa: E402
from saveflow.reasons.learn import corpus  # noqa: E402
from saveflow.reasons.learn.base import base_model  # noqa: E402

BUDGET = 2_000


def rate(label: str, texts: list[str], rounds: int, run) -> float:
    bar = Progress(label, rounds)
    spent = 0.0
    for _ in range(rounds):
        start = time.perf_counter()
        for text in texts:
            run(text)
        spent += time.perf_counter() - start
        bar.step()
    return len(texts) * rounds / spent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    texts = [row.text for row in corpus.load()]
    start = time.perf_counter()
    model = base_model()
    loaded = time.perf_counter() - start
    classify_text(texts[0])  # warm the lexicon's compile cache, as a process's first call does
    lexicon = rate("lexicon only (baseline)", texts, args.rounds, lexicon_scan)
    full = rate("lexicon + model", texts, args.rounds, classify_text)
    chars = sum(map(len, texts)) / len(texts)
    print(f"\n{len(texts):,} corpus comments (mean {chars:.0f} characters), {args.rounds} rounds")
    print(
        f"model: {len(model.names):,} features, loaded in {1000 * loaded:.0f} ms (once per process)"
    )
    print(f"{'lexicon only (baseline)':<26}{lexicon:>12,.0f} /s")
    print(f"{'lexicon + model':<26}{full:>12,.0f} /s   {full / lexicon:.2f}x the baseline")
    verdict = "MET" if full >= BUDGET else "MISSED"
    print(f"budget ≥ {BUDGET:,}/s in-process: {verdict}")


if __name__ == "__main__":
    main()
