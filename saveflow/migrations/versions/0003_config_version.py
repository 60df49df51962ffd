"""apps.config_version, bumped by triggers on every change to an app's configuration

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24 10:00:00.000000

Web processes cache an app's reasons, offers and published rules keyed by this stamp. Triggers
bump it, rather than application code, so no writer (admin page, CLI, migration, psql) can
change the configuration and leave a process serving the old one.
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

# Tables whose rows belong to an app's configuration (each has an app_id column).
CONFIG_TABLES = ("reasons", "reason_categories", "offers", "rule_sets")


def upgrade():
    op.add_column(
        "apps", sa.Column("config_version", sa.Integer(), server_default="0", nullable=False)
    )
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        _sqlite_triggers()
    elif dialect == "postgresql":
        _postgresql_triggers()


def _sqlite_triggers():
    bump = "UPDATE apps SET config_version = config_version + 1 WHERE id"
    for table in CONFIG_TABLES:
        op.execute(
            f"CREATE TRIGGER bump_config_{table}_insert AFTER INSERT ON {table} "
            f"BEGIN {bump} = NEW.app_id; END"
        )
        op.execute(
            f"CREATE TRIGGER bump_config_{table}_update AFTER UPDATE ON {table} "
            f"BEGIN {bump} IN (OLD.app_id, NEW.app_id); END"
        )
        op.execute(
            f"CREATE TRIGGER bump_config_{table}_delete AFTER DELETE ON {table} "
            f"BEGIN {bump} = OLD.app_id; END"
        )
    # Any other change to the app row bumps it too; the WHEN skips the bump's own update.
    op.execute(
        "CREATE TRIGGER bump_config_apps AFTER UPDATE ON apps "
        f"WHEN NEW.config_version = OLD.config_version BEGIN {bump} = NEW.id; END"
    )


def _postgresql_triggers():
    op.execute(
        "CREATE FUNCTION bump_app_config_version() RETURNS trigger LANGUAGE plpgsql AS $$ "
        "BEGIN "
        "IF TG_OP <> 'INSERT' THEN "
        "UPDATE apps SET config_version = config_version + 1 WHERE id = OLD.app_id; END IF; "
        "IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND NEW.app_id IS DISTINCT FROM OLD.app_id) THEN "
        "UPDATE apps SET config_version = config_version + 1 WHERE id = NEW.app_id; END IF; "
        "RETURN NULL; END $$"
    )
    for table in CONFIG_TABLES:
        op.execute(
            f"CREATE TRIGGER bump_config_{table} AFTER INSERT OR UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION bump_app_config_version()"
        )
    op.execute(
        "CREATE FUNCTION bump_own_config_version() RETURNS trigger LANGUAGE plpgsql AS $$ "
        "BEGIN "
        "IF NEW.config_version = OLD.config_version AND NEW IS DISTINCT FROM OLD THEN "
        "NEW.config_version := OLD.config_version + 1; END IF; "
        "RETURN NEW; END $$"
    )
    op.execute(
        "CREATE TRIGGER bump_config_apps BEFORE UPDATE ON apps "
        "FOR EACH ROW EXECUTE FUNCTION bump_own_config_version()"
    )


def downgrade():
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for table in CONFIG_TABLES:
            for event in ("insert", "update", "delete"):
                op.execute(f"DROP TRIGGER IF EXISTS bump_config_{table}_{event}")
        op.execute("DROP TRIGGER IF EXISTS bump_config_apps")
    elif dialect == "postgresql":
        for table in CONFIG_TABLES:
            op.execute(f"DROP TRIGGER IF EXISTS bump_config_{table} ON {table}")
        op.execute("DROP TRIGGER IF EXISTS bump_config_apps ON apps")
        op.execute("DROP FUNCTION IF EXISTS bump_app_config_version()")
        op.execute("DROP FUNCTION IF EXISTS bump_own_config_version()")
    # A plain DROP COLUMN (SQLite 3.35+): a batch rebuild would have to drop `apps`, which the
    # foreign keys of every other table's rows refuse.
    op.drop_column("apps", "config_version")
