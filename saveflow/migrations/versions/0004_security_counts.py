"""security counts: refused requests per app and kind

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-24 09:40:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "security_counts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("app_id", sa.String(length=40), nullable=True),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("window_start", sa.DateTime(timezone=True), nullable=False),
        sa.Column("window_end", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_security_counts")),
    )
    op.create_index(
        "ix_security_counts_app_window", "security_counts", ["app_id", "window_start"]
    )


def downgrade():
    op.drop_index("ix_security_counts_app_window", table_name="security_counts")
    op.drop_table("security_counts")
