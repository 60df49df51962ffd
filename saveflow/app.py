"""The application factory: wiring only."""

from pathlib import Path

from flask import Flask, request

from saveflow.config import ROOT, Config
from saveflow.db import engine_options, will_write, writes_for_method
from saveflow.extensions import db, migrate

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def create_app(config: type[Config] = Config) -> Flask:
    """Create and wire a saveflow application."""
    app = Flask(
        __name__,
        static_folder=str(ROOT / "static"),
        template_folder=str(ROOT / "templates"),
        instance_path=str(ROOT / "instance"),
    )
    app.config.from_object(config)
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = engine_options(
        app.config["SQLALCHEMY_DATABASE_URI"], app.config
    )
    app.json.sort_keys = False  # type: ignore[attr-defined]
    register_extensions(app)
    register_blueprints(app)
    register_billing(app)
    register_saves(app)
    register_limits(app)
    register_errors(app)
    register_cli(app)
    return app


def register_extensions(app: Flask) -> None:
    import saveflow.models  # noqa: F401  (every table on the metadata)
    from saveflow import crypto
    from saveflow.security import edge

    crypto.init_app(app)
    db.init_app(app)
    migrate.init_app(app, db, directory=str(MIGRATIONS), render_as_batch=True)
    edge.init_app(app)
    # SQLite takes its write lock only in requests that may write (see saveflow.db).
    app.before_request(lambda: writes_for_method(request.method))
    app.teardown_request(lambda _error: will_write())


def register_blueprints(app: Flask) -> None:
    from saveflow import admin
    from saveflow.api.meta import bp as meta_bp
    from saveflow.api.reports import bp as reports_bp
    from saveflow.saves.webhooks import bp as webhooks_bp
    from saveflow.sessions.api import bp as sessions_bp
    from saveflow.widget.views import bp as widget_bp

    app.register_blueprint(meta_bp)
    app.register_blueprint(sessions_bp)
    app.register_blueprint(widget_bp)
    app.register_blueprint(webhooks_bp)
    app.register_blueprint(reports_bp)
    admin.init_app(app)
    if app.config["SAVEFLOW_DEMO"]:
        from saveflow.widget.demo import bp as demo_bp

        app.register_blueprint(demo_bp)


def register_billing(app: Flask) -> None:
    from saveflow.billing import none, stripe_billing  # noqa: F401  (providers register)


def register_saves(app: Flask) -> None:
    from saveflow.saves.settings import init_app

    init_app(app)


def register_limits(app: Flask) -> None:
    from saveflow.security.limits import init_limits

    init_limits(app)


def register_errors(app: Flask) -> None:
    from saveflow.errors import register_error_handlers

    register_error_handlers(app)


def register_cli(app: Flask) -> None:
    from saveflow.admin.cli import admin_commands
    from saveflow.cli import saveflow_cli

    for command in admin_commands:
        saveflow_cli.add_command(command)
    app.cli.add_command(saveflow_cli)
