"""app_models: each app's own classifier model, trained on the comments its team mapped

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-25 02:00:00

One row per app that has mapped comments: the compressed model, what it was trained on, and
how it and the shipped model score on the app's held-back comments. The worker writes it; the
same triggers as on lexicon phrases (revisions 0003 and 0009) bump `apps.config_version` on every
change, so every process reloads the app's setup with the new model.
"""

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


BUMP = "UPDATE apps SET config_version = config_version + 1 WHERE id"


def upgrade():
    op.create_table(
        "app_models",
        sa.Column("app_id", sa.String(length=40), nullable=False),
        sa.Column("built_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("labels_digest", sa.String(length=64), nullable=False),
        sa.Column("base_corpus", sa.String(length=64), nullable=False),
        sa.Column("trained_on", sa.Integer(), nullable=False),
        sa.Column("held_back", sa.Integer(), nullable=False),
        sa.Column("held_back_right", sa.Integer(), nullable=False),
        sa.Column("base_right", sa.Integer(), nullable=False),
        sa.Column("model", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(["app_id"], ["apps.id"], name=op.f("fk_app_models_app_id_apps")),
        sa.PrimaryKeyConstraint("app_id", name=op.f("pk_app_models")),
    )
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        op.execute(
            "CREATE TRIGGER bump_config_app_models_insert AFTER INSERT ON app_models "
            f"BEGIN {BUMP} = NEW.app_id; END"
        )
        op.execute(
            "CREATE TRIGGER bump_config_app_models_update AFTER UPDATE ON app_models "
            f"BEGIN {BUMP} IN (OLD.app_id, NEW.app_id); END"
        )
        op.execute(
            "CREATE TRIGGER bump_config_app_models_delete AFTER DELETE ON app_models "
            f"BEGIN {BUMP} = OLD.app_id; END"
        )
    elif dialect == "postgresql":
        # bump_app_config_version() is revision 0003's.
        op.execute(
            "CREATE TRIGGER bump_config_app_models AFTER INSERT OR UPDATE OR DELETE ON app_models "
            "FOR EACH ROW EXECUTE FUNCTION bump_app_config_version()"
        )


def downgrade():
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for event in ("insert", "update", "delete"):
            op.execute(f"DROP TRIGGER IF EXISTS bump_config_app_models_{event}")
    elif dialect == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS bump_config_app_models ON app_models")
    op.drop_table("app_models")
