"""The save-status windows, read once from the Flask config."""

from flask import Flask, current_app

from saveflow.saves.rules import SaveRules

EXTENSION = "saveflow.saves"


def init_app(app: Flask) -> None:
    """Read V and W from the config; refuse a W shorter than V (a save confirmed, never judged)."""
    rules = SaveRules(
        confirm_days=int(app.config["SAVEFLOW_SAVE_CONFIRM_DAYS"]),
        boomerang_days=int(app.config["SAVEFLOW_BOOMERANG_DAYS"]),
    )
    if not 0 < rules.confirm_days <= rules.boomerang_days:
        raise ValueError(
            "SAVEFLOW_SAVE_CONFIRM_DAYS must be at least 1 and at most SAVEFLOW_BOOMERANG_DAYS "
            f"(they are {rules.confirm_days} and {rules.boomerang_days})"
        )
    app.extensions[EXTENSION] = rules


def current_rules() -> SaveRules:
    """Return the save rules of the app handling this request or command."""
    return current_app.extensions[EXTENSION]
