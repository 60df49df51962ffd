"""messaging: the outbox, its attempts, outbound webhook endpoints, the worker's jobs

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-24 23:00:00

Every email and webhook saveflow owes is a `deliveries` row written in the transaction of the
change that causes it; workers claim, send and settle them, logging each try in
`delivery_attempts`. `webhook_endpoints` holds each app's receivers (secrets encrypted),
`worker_jobs` the periodic jobs' next due times, and sessions keep the customer's signed
`email` claim for receipts.
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def _at(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade():
    op.create_table(
        "worker_jobs",
        sa.Column("name", sa.String(length=40), nullable=False),
        _at("next_run_at"),
        _at("last_run_at", nullable=True),
        sa.Column("last_result", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_worker_jobs")),
    )
    op.create_table(
        "webhook_endpoints",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("app_id", sa.String(length=40), nullable=False),
        sa.Column("url", sa.String(length=2000), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("secret", sa.Text(), nullable=False),
        sa.Column("events", JSON, nullable=False),
        sa.Column("description", sa.String(length=200), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        _at("created_at"),
        sa.CheckConstraint("kind IN ('json', 'slack')", name=op.f("ck_webhook_endpoints_kind")),
        sa.ForeignKeyConstraint(
            ["app_id"], ["apps.id"], name=op.f("fk_webhook_endpoints_app_id_apps")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_webhook_endpoints")),
        sa.UniqueConstraint("app_id", "id", name=op.f("uq_webhook_endpoints_app_id_id")),
    )
    op.create_table(
        "deliveries",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("app_id", sa.String(length=40), nullable=False),
        sa.Column("channel", sa.String(length=8), nullable=False),
        sa.Column("event", sa.String(length=40), nullable=False),
        sa.Column("dedupe_key", sa.String(length=200), nullable=False),
        sa.Column("endpoint_id", sa.String(length=40), nullable=True),
        sa.Column("session_id", sa.String(length=40), nullable=True),
        sa.Column("mode", sa.String(length=8), nullable=False),
        sa.Column("recipient", sa.String(length=320), nullable=True),
        sa.Column("payload", JSON, nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        _at("next_attempt_at"),
        _at("lease_until", nullable=True),
        _at("give_up_at"),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("backend", sa.String(length=16), nullable=True),
        _at("created_at"),
        _at("settled_at", nullable=True),
        sa.CheckConstraint(
            "channel <> 'webhook' OR endpoint_id IS NOT NULL",
            name=op.f("ck_deliveries_webhook_target"),
        ),
        sa.CheckConstraint("channel IN ('email', 'webhook')", name=op.f("ck_deliveries_channel")),
        sa.CheckConstraint(
            "status IN ('pending', 'delivered', 'dead', 'skipped')",
            name=op.f("ck_deliveries_status"),
        ),
        sa.ForeignKeyConstraint(
            ["app_id", "endpoint_id"],
            ["webhook_endpoints.app_id", "webhook_endpoints.id"],
            name="fk_deliveries_endpoint_same_app",
        ),
        sa.ForeignKeyConstraint(["app_id"], ["apps.id"], name=op.f("fk_deliveries_app_id_apps")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deliveries")),
        sa.UniqueConstraint("app_id", "dedupe_key", name=op.f("uq_deliveries_app_id_dedupe_key")),
    )
    op.create_index("ix_deliveries_app_created", "deliveries", ["app_id", "created_at"])
    op.create_index(
        "ix_deliveries_due",
        "deliveries",
        ["next_attempt_at"],
        postgresql_where=sa.text("status = 'pending'"),
        sqlite_where=sa.text("status = 'pending'"),
    )
    op.create_index("ix_deliveries_session", "deliveries", ["session_id"])
    op.create_table(
        "delivery_attempts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("delivery_id", sa.String(length=40), nullable=False),
        _at("at"),
        sa.Column("ok", sa.Boolean(), nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("duration_ms", sa.Integer(), nullable=False),
        sa.Column("worker", sa.String(length=120), nullable=False),
        sa.ForeignKeyConstraint(
            ["delivery_id"],
            ["deliveries.id"],
            name=op.f("fk_delivery_attempts_delivery_id_deliveries"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_delivery_attempts")),
    )
    op.create_index("ix_delivery_attempts_delivery", "delivery_attempts", ["delivery_id", "at"])
    # A plain ADD COLUMN: a batch copy would drop the triggers that guard the sessions table.
    op.add_column("sessions", sa.Column("email", sa.String(length=320), nullable=True))


def downgrade():
    op.drop_column("sessions", "email")
    op.drop_index("ix_delivery_attempts_delivery", table_name="delivery_attempts")
    op.drop_table("delivery_attempts")
    op.drop_index("ix_deliveries_session", table_name="deliveries")
    op.drop_index("ix_deliveries_due", table_name="deliveries")
    op.drop_index("ix_deliveries_app_created", table_name="deliveries")
    op.drop_table("deliveries")
    op.drop_table("webhook_endpoints")
    op.drop_table("worker_jobs")
