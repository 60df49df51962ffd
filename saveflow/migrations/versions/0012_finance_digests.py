"""reports: the monthly finance digest, rendered and stored

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-25 10:00:00

One row per app and month: the digest's subject, HTML and text bodies, the month's saved-revenue
CSV by offer type and the finance and admin emails it is for. Rendering a month again replaces
its row; delivery comes later and reads these rows.
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "finance_digests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("app_id", sa.String(length=40), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("locale", sa.String(length=16), nullable=False),
        sa.Column("subject", sa.String(length=200), nullable=False),
        sa.Column("html", sa.Text(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("csv", sa.Text(), nullable=False),
        sa.Column(
            "recipients",
            sa.JSON().with_variant(postgresql.JSONB(), "postgresql"),
            nullable=False,
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["app_id"], ["apps.id"], name=op.f("fk_finance_digests_app_id_apps")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_finance_digests")),
        sa.UniqueConstraint("app_id", "month", name=op.f("uq_finance_digests_app_id_month")),
    )


def downgrade():
    op.drop_table("finance_digests")
