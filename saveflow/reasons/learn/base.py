"""The base model shipped with saveflow, built from the corpus's training families.

`flask --app wsgi saveflow classify-build` writes it; it is loaded once per process.
"""

from functools import lru_cache
from pathlib import Path

from saveflow.reasons.learn.model import TextModel

MODEL_PATH = Path(__file__).resolve().parent / "base_model.json.gz"


@lru_cache(maxsize=1)
def base_model() -> TextModel:
    """Return the shipped model (read from disk on first use)."""
    return TextModel.load(MODEL_PATH)
