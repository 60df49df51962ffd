"""billing connections: an app's billing-provider keys per mode, encrypted

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-24 13:00:00

A connection is part of the app's configuration: the same triggers as for reasons and offers
bump `apps.config_version` when one is added, changed or removed, so no web process keeps
using old keys.
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

TABLE = "billing_connections"


def upgrade():
    op.create_table(
        TABLE,
        sa.Column("app_id", sa.String(length=40), nullable=False),
        sa.Column("mode", sa.String(length=8), nullable=False),
        sa.Column("provider", sa.String(length=16), nullable=False),
        sa.Column("secret_key", sa.Text(), nullable=False),
        sa.Column("webhook_secret", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("mode IN ('live', 'test')", name=op.f("ck_billing_connections_mode")),
        sa.CheckConstraint(
            "provider IN ('stripe')", name=op.f("ck_billing_connections_provider")
        ),
        sa.ForeignKeyConstraint(
            ["app_id"], ["apps.id"], name=op.f("fk_billing_connections_app_id_apps")
        ),
        sa.PrimaryKeyConstraint("app_id", "mode", name=op.f("pk_billing_connections")),
    )
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        bump = "UPDATE apps SET config_version = config_version + 1 WHERE id"
        op.execute(
            f"CREATE TRIGGER bump_config_{TABLE}_insert AFTER INSERT ON {TABLE} "
            f"BEGIN {bump} = NEW.app_id; END"
        )
        op.execute(
            f"CREATE TRIGGER bump_config_{TABLE}_update AFTER UPDATE ON {TABLE} "
            f"BEGIN {bump} IN (OLD.app_id, NEW.app_id); END"
        )
        op.execute(
            f"CREATE TRIGGER bump_config_{TABLE}_delete AFTER DELETE ON {TABLE} "
            f"BEGIN {bump} = OLD.app_id; END"
        )
    elif dialect == "postgresql":
        op.execute(
            f"CREATE TRIGGER bump_config_{TABLE} AFTER INSERT OR UPDATE OR DELETE ON {TABLE} "
            "FOR EACH ROW EXECUTE FUNCTION bump_app_config_version()"
        )


def downgrade():
    # Dropping the table drops its triggers with it.
    op.drop_table(TABLE)
