"""admin accounts: users and their per-app memberships

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-26 09:00:00

Emails are stored lower-cased (a CHECK holds them to it), so the plain unique constraint makes
them unique whatever the case someone types. A membership with no app covers every app; NULLs
are distinct in a unique constraint, so a partial unique index allows one such row per user.
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column("active", sa.Boolean(), server_default=sa.text("true"), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_login_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("email = lower(email)", name=op.f("ck_users_email_lower")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint("email", name=op.f("uq_users_email")),
    )
    op.create_table(
        "memberships",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("app_id", sa.String(length=40), nullable=True),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "role IN ('admin', 'editor', 'finance', 'viewer')", name=op.f("ck_memberships_role")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_memberships_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["app_id"], ["apps.id"], name=op.f("fk_memberships_app_id_apps"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_memberships")),
        sa.UniqueConstraint("user_id", "app_id", name=op.f("uq_memberships_user_id_app_id")),
    )
    op.create_index(
        "ix_memberships_user_all_apps",
        "memberships",
        ["user_id"],
        unique=True,
        postgresql_where=sa.text("app_id IS NULL"),
        sqlite_where=sa.text("app_id IS NULL"),
    )


def downgrade():
    op.drop_index("ix_memberships_user_all_apps", table_name="memberships")
    op.drop_table("memberships")
    op.drop_table("users")
