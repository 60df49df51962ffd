"""an app's own lexicon phrases and its labelled comments

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-24 15:00:00

`lexicon_phrases` feed the classifier of every session of the app, so they are part of the app's
configuration: the same triggers as on reasons (revision 0003) bump `apps.config_version` on
every change, and each process reloads the app's setup. `labelled_comments` are training data
the flow does not read, so they bump nothing. Both point at a category of their own app (and a
labelled comment at a session of its own app) through composite foreign keys.
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

BUMP = "UPDATE apps SET config_version = config_version + 1 WHERE id"


def upgrade():
    op.create_table(
        "lexicon_phrases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("app_id", sa.String(length=40), nullable=False),
        sa.Column("category_key", sa.String(length=64), nullable=False),
        sa.Column("phrase", sa.String(length=200), nullable=False),
        sa.Column("weight", sa.Float(), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("weight > 0", name=op.f("ck_lexicon_phrases_weight_positive")),
        sa.ForeignKeyConstraint(
            ["app_id"], ["apps.id"], name=op.f("fk_lexicon_phrases_app_id_apps")
        ),
        sa.ForeignKeyConstraint(
            ["app_id", "category_key"],
            ["reason_categories.app_id", "reason_categories.key"],
            name="fk_lexicon_phrases_category_same_app",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lexicon_phrases")),
        sa.UniqueConstraint(
            "app_id",
            "category_key",
            "phrase",
            name=op.f("uq_lexicon_phrases_app_id_category_key_phrase"),
        ),
    )
    op.create_table(
        "labelled_comments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("app_id", sa.String(length=40), nullable=False),
        sa.Column("session_id", sa.String(length=40), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("category_key", sa.String(length=64), nullable=False),
        sa.Column("labelled_by", sa.String(length=200), nullable=False),
        sa.Column("labelled_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["app_id"], ["apps.id"], name=op.f("fk_labelled_comments_app_id_apps")
        ),
        sa.ForeignKeyConstraint(
            ["app_id", "session_id"],
            ["sessions.app_id", "sessions.id"],
            name="fk_labelled_comments_session_same_app",
        ),
        sa.ForeignKeyConstraint(
            ["app_id", "category_key"],
            ["reason_categories.app_id", "reason_categories.key"],
            name="fk_labelled_comments_category_same_app",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_labelled_comments")),
        sa.UniqueConstraint(
            "app_id", "session_id", name=op.f("uq_labelled_comments_app_id_session_id")
        ),
    )
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        op.execute(
            "CREATE TRIGGER bump_config_lexicon_phrases_insert AFTER INSERT ON lexicon_phrases "
            f"BEGIN {BUMP} = NEW.app_id; END"
        )
        op.execute(
            "CREATE TRIGGER bump_config_lexicon_phrases_update AFTER UPDATE ON lexicon_phrases "
            f"BEGIN {BUMP} IN (OLD.app_id, NEW.app_id); END"
        )
        op.execute(
            "CREATE TRIGGER bump_config_lexicon_phrases_delete AFTER DELETE ON lexicon_phrases "
            f"BEGIN {BUMP} = OLD.app_id; END"
        )
    elif dialect == "postgresql":
        # bump_app_config_version() is revision 0003's.
        op.execute(
            "CREATE TRIGGER bump_config_lexicon_phrases "
            "AFTER INSERT OR UPDATE OR DELETE ON lexicon_phrases "
            "FOR EACH ROW EXECUTE FUNCTION bump_app_config_version()"
        )


def downgrade():
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for event in ("insert", "update", "delete"):
            op.execute(f"DROP TRIGGER IF EXISTS bump_config_lexicon_phrases_{event}")
    elif dialect == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS bump_config_lexicon_phrases ON lexicon_phrases")
    op.drop_table("labelled_comments")
    op.drop_table("lexicon_phrases")
