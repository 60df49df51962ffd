"""`saveflow classify-build` and `saveflow classify-eval`."""

import click
from flask.cli import with_appcontext

from saveflow.reasons import training
from saveflow.reasons.classify import classify_text
from saveflow.reasons.learn import corpus, legacy_eval
from saveflow.reasons.learn.base import MODEL_PATH, base_model
from saveflow.reasons.learn.corpus import Row
from saveflow.reasons.learn.evaluate import render, score


@click.command("classify-build")
@with_appcontext
def classify_build_cmd() -> None:
    """Build the shipped model from the corpus's training families (reproducible)."""
    with click.progressbar(length=training.steps(), label="Training", file=None) as bar:
        model = training.build(MODEL_PATH, bar.update)
    base_model.cache_clear()
    chosen = model.meta["settings"]
    click.echo(
        f"Wrote {MODEL_PATH.name}: {len(model.names)} features, {model.meta['train_rows']} "
        f"training rows, l2={chosen['l2']:g}, floor={chosen['min_probability']:g}"
    )


def _legacy_rows() -> dict[str, list[Row]]:
    def rows(pairs, locale):
        return [
            Row(text, locale, (key,), key != "payment_problem", True, "") for text, key in pairs
        ]

    return {
        "first evaluation set (written beside the lexicon)": rows(legacy_eval.EVAL_SET, "-"),
        "development set (guided the lexicon)": rows(legacy_eval.DEV_SET, "-"),
        "lexicon holdout (never tuned on)": rows(legacy_eval.HOLDOUT, "-"),
    }


@click.command("classify-eval")
@click.option(
    "--split", type=click.Choice(["test", "train", "all"]), default="test", show_default=True
)
@click.option("--misses", is_flag=True, help="List the rows the classifier got wrong.")
@with_appcontext
def classify_eval_cmd(split: str, misses: bool) -> None:
    """Print accuracy per locale and per category, and the confusion matrix."""
    rows = corpus.load()
    model = base_model()
    if model.meta.get("corpus") != corpus.fingerprint(rows):
        click.echo("warning: the corpus changed since the model was built; run classify-build\n")
    train, test = corpus.split(rows)
    chosen = {"test": test, "train": train, "all": rows}[split]

    def run(row):
        result = classify_text(row.text, row.locale, None, model)
        return result.category, result.voluntary

    scores = score(chosen, run)
    families = sorted({r.family for r in chosen})
    click.echo(
        render(
            scores,
            f"Corpus, {split} split: {len(chosen)} rows from {len(families)} "
            f"families ({', '.join(families)})",
        )
    )
    if misses:
        click.echo("\nmisses:")
        for row, got in scores.misses:
            click.echo(
                f"  [{row.locale}] {row.text!r}: labelled {'/'.join(row.categories)}, got {got}"
            )
    click.echo(
        "\nEarlier evaluation sets (category accuracy; the lexicon was tuned on the first two):"
    )
    for name, legacy in _legacy_rows().items():
        tally = score(legacy, run).category["all"]
        click.echo(f"  {name:<52}{100 * tally.accuracy:5.1f}% ({tally.right}/{tally.n})")
