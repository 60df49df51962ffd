"""billing webhooks: processed events, subscription states, paid invoices; save status on sessions

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-25 09:00:00

Every `saved` or `withdrawn` session gets a save status (`pending`, then `confirmed` or
`boomerang`), its realized revenue, and what billing said about its subscription afterwards.
Saves made before this revision start `pending`, stamped at their decision, so the first
`flask saveflow validate-saves` decides them like any other.

The CHECK tying the save status to the outcome cannot be added to an existing SQLite table (that
would need a rebuild of `sessions`, which the foreign keys of its events refuse), and SQLite
tests a new column's CHECKs against every existing row. So there the CHECKs ride on the last
column added, `realized_revenue`, after the save statuses are filled in: SQLite treats a column's
CHECK like a table's, and both databases then refuse the same rows.
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

SAVE_STATUS = "save_status IS NULL OR save_status IN ('pending', 'confirmed', 'boomerang')"
SAVE_STATUS_OUTCOME = (
    "(COALESCE(outcome, '') IN ('saved', 'withdrawn')) = (save_status IS NOT NULL)"
)
REALIZED = "realized_revenue >= 0"
BACKFILL = (
    "UPDATE sessions SET save_status = 'pending', save_status_at = outcome_at "
    "WHERE outcome IN ('saved', 'withdrawn')"
)
# Added after save_status on both databases; realized_revenue comes last (see above).
LATER_COLUMNS = ("save_status_at", "projected_revenue_cut", "ended_at", "payment_failed_at")


def upgrade():
    _tables()
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        _sqlite_columns()
    else:
        _columns()
    op.create_index("ix_sessions_app_subscription", "sessions", ["app_id", "mode", "subscription"])
    op.create_index(
        "ix_sessions_pending_saves",
        "sessions",
        ["outcome_at", "id"],
        postgresql_where=sa.text("save_status = 'pending'"),
        sqlite_where=sa.text("save_status = 'pending'"),
    )


def _column(name: str) -> sa.Column:
    kind = sa.BigInteger() if name == "projected_revenue_cut" else sa.DateTime(timezone=True)
    return sa.Column(name, kind, nullable=True)


def _columns():
    op.add_column("sessions", sa.Column("save_status", sa.String(length=16), nullable=True))
    for name in LATER_COLUMNS:
        op.add_column("sessions", _column(name))
    op.add_column(
        "sessions",
        sa.Column("realized_revenue", sa.BigInteger(), server_default="0", nullable=False),
    )
    op.execute(BACKFILL)
    op.create_check_constraint(op.f("ck_sessions_save_status"), "sessions", SAVE_STATUS)
    op.create_check_constraint(
        op.f("ck_sessions_save_status_outcome"), "sessions", SAVE_STATUS_OUTCOME
    )
    op.create_check_constraint(op.f("ck_sessions_realized_non_negative"), "sessions", REALIZED)


def _sqlite_columns():
    op.execute(
        "ALTER TABLE sessions ADD COLUMN save_status VARCHAR(16) "
        f"CONSTRAINT ck_sessions_save_status CHECK ({SAVE_STATUS})"
    )
    for name in LATER_COLUMNS:
        op.add_column("sessions", _column(name))
    op.execute(BACKFILL)
    op.execute(
        "ALTER TABLE sessions ADD COLUMN realized_revenue BIGINT DEFAULT '0' NOT NULL "
        f"CONSTRAINT ck_sessions_realized_non_negative CHECK ({REALIZED}) "
        f"CONSTRAINT ck_sessions_save_status_outcome CHECK ({SAVE_STATUS_OUTCOME})"
    )


def _tables():
    op.create_table(
        "billing_events",
        sa.Column("app_id", sa.String(length=40), nullable=False),
        sa.Column("event_id", sa.String(length=255), nullable=False),
        sa.Column("provider", sa.String(length=16), nullable=False),
        sa.Column("mode", sa.String(length=8), nullable=False),
        sa.Column("type", sa.String(length=100), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("subscription", sa.String(length=200), nullable=True),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("note", sa.String(length=200), nullable=True),
        sa.CheckConstraint("mode IN ('live', 'test')", name=op.f("ck_billing_events_mode")),
        sa.CheckConstraint(
            "outcome IN ('received', 'applied', 'ignored')", name=op.f("ck_billing_events_outcome")
        ),
        sa.ForeignKeyConstraint(
            ["app_id"], ["apps.id"], name=op.f("fk_billing_events_app_id_apps")
        ),
        sa.PrimaryKeyConstraint("app_id", "event_id", name=op.f("pk_billing_events")),
    )
    op.create_table(
        "subscription_states",
        sa.Column("app_id", sa.String(length=40), nullable=False),
        sa.Column("mode", sa.String(length=8), nullable=False),
        sa.Column("subscription", sa.String(length=200), nullable=False),
        sa.Column("status", sa.String(length=40), nullable=True),
        sa.Column("state_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("state_source", sa.String(length=16), nullable=True),
        sa.Column("cancel_requested_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ended", sa.Boolean(), nullable=False),
        sa.Column("payment_failed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("mode IN ('live', 'test')", name=op.f("ck_subscription_states_mode")),
        sa.CheckConstraint(
            "state_source IN ('webhook', 'api')", name=op.f("ck_subscription_states_state_source")
        ),
        sa.ForeignKeyConstraint(
            ["app_id"], ["apps.id"], name=op.f("fk_subscription_states_app_id_apps")
        ),
        sa.PrimaryKeyConstraint(
            "app_id", "mode", "subscription", name=op.f("pk_subscription_states")
        ),
    )
    op.create_table(
        "paid_invoices",
        sa.Column("app_id", sa.String(length=40), nullable=False),
        sa.Column("invoice_id", sa.String(length=255), nullable=False),
        sa.Column("mode", sa.String(length=8), nullable=False),
        sa.Column("subscription", sa.String(length=200), nullable=False),
        sa.Column("amount_paid", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("paid_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("event_id", sa.String(length=255), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "amount_paid >= 0", name=op.f("ck_paid_invoices_amount_paid_non_negative")
        ),
        sa.ForeignKeyConstraint(
            ["app_id", "mode", "subscription"],
            [
                "subscription_states.app_id",
                "subscription_states.mode",
                "subscription_states.subscription",
            ],
            name="fk_paid_invoices_subscription",
        ),
        sa.ForeignKeyConstraint(["app_id"], ["apps.id"], name=op.f("fk_paid_invoices_app_id_apps")),
        sa.PrimaryKeyConstraint("app_id", "invoice_id", name=op.f("pk_paid_invoices")),
    )
    op.create_index(
        "ix_paid_invoices_subscription", "paid_invoices", ["app_id", "mode", "subscription"]
    )


def downgrade():
    op.drop_index("ix_sessions_pending_saves", table_name="sessions")
    op.drop_index("ix_sessions_app_subscription", table_name="sessions")
    if op.get_bind().dialect.name == "postgresql":
        for name in ("save_status", "save_status_outcome", "realized_non_negative"):
            op.drop_constraint(op.f(f"ck_sessions_{name}"), "sessions", type_="check")
    # Plain DROP COLUMN on SQLite (3.35+); realized_revenue first, as its CHECKs name
    # save_status. A batch rebuild would have to drop `sessions`, which its events refuse.
    for name in ("realized_revenue", *LATER_COLUMNS, "save_status"):
        op.drop_column("sessions", name)
    op.drop_index("ix_paid_invoices_subscription", table_name="paid_invoices")
    op.drop_table("paid_invoices")
    op.drop_table("subscription_states")
    op.drop_table("billing_events")
