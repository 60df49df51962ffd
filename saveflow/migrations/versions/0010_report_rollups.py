"""reports: report columns on sessions, daily rollups and save cohorts

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-24 20:10:00

Sessions get the columns finance groups by, fixed when a session is decided (its local day, the
offer it was decided on, its category and plan, how long a save was kept), and two rollup tables
hold their sums per day and group and per save cohort. Sessions decided before this revision get
their columns from what they stored (days in UTC, the default report time zone); the rollups are
then filled from them by `flask --app wsgi saveflow reports rebuild`, which `upgrade` runs here
in plain SQL so a migrated database reports at once.
"""

from datetime import UTC

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

COLUMNS = (
    ("report_day", sa.Date()),
    ("shown_offer_key", sa.String(length=64)),
    ("shown_offer_type", sa.String(length=32)),
    ("reason_category", sa.String(length=64)),
    ("plan", sa.String(length=200)),
    ("months_kept", sa.Integer()),
)
DAY_KEYS = (
    "currency",
    "offer_key",
    "offer_type",
    "reason_category",
    "plan",
    "experiment_key",
    "variant",
)
COUNTS = (
    "sessions",
    "saved",
    "withdrawn",
    "cancelled",
    "recovered",
    "abandoned",
    "pending",
    "confirmed",
    "boomerang",
    "saved_mrr",
    "projected_saved_revenue",
    "offer_cost",
    "realized_saved_revenue",
)
COHORT_COUNTS = ("saves", "saved_mrr", "projected_saved_revenue", "realized_saved_revenue")


def _count(name):
    return sa.Column(name, sa.BigInteger(), server_default="0", nullable=False)


def upgrade():
    for name, kind in COLUMNS:
        op.add_column("sessions", sa.Column(name, kind, nullable=True))
    op.create_index("ix_sessions_app_report_day", "sessions", ["app_id", "mode", "report_day"])
    op.create_table(
        "report_days",
        sa.Column("app_id", sa.String(length=40), sa.ForeignKey("apps.id"), nullable=False),
        sa.Column("mode", sa.String(length=8), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("offer_key", sa.String(length=64), nullable=False),
        sa.Column("offer_type", sa.String(length=32), nullable=False),
        sa.Column("reason_category", sa.String(length=64), nullable=False),
        sa.Column("plan", sa.String(length=200), nullable=False),
        sa.Column("experiment_key", sa.String(length=64), nullable=False),
        sa.Column("variant", sa.String(length=64), nullable=False),
        *(_count(name) for name in COUNTS),
        sa.PrimaryKeyConstraint("app_id", "mode", "day", *DAY_KEYS),
    )
    op.create_index("ix_report_days_app_day", "report_days", ["app_id", "mode", "day"])
    op.create_table(
        "report_cohorts",
        sa.Column("app_id", sa.String(length=40), sa.ForeignKey("apps.id"), nullable=False),
        sa.Column("mode", sa.String(length=8), nullable=False),
        sa.Column("cohort_month", sa.Date(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("months_kept", sa.Integer(), autoincrement=False, nullable=False),
        *(_count(name) for name in COHORT_COUNTS),
        sa.PrimaryKeyConstraint("app_id", "mode", "cohort_month", "currency", "months_kept"),
    )
    _backfill()


def _months(start, end) -> int:
    start, end = start.astimezone(UTC), end.astimezone(UTC)
    months = (end.year - start.year) * 12 + end.month - start.month
    if (end.day, end.time()) < (start.day, start.time()):
        months -= 1
    return max(months, 0)


def _aware(moment):
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _backfill() -> None:
    """Give already decided sessions their report columns and fill the rollups from them."""
    bind = op.get_bind()
    sessions = sa.table(
        "sessions",
        sa.column("id", sa.String),
        sa.column("app_id", sa.String),
        sa.column("outcome", sa.String),
        sa.column("outcome_at", sa.DateTime(timezone=True)),
        sa.column("accepted_offer_key", sa.String),
        sa.column("offer_keys", sa.JSON),
        sa.column("offer_index", sa.Integer),
        sa.column("classification", sa.JSON),
        sa.column("snapshot", sa.JSON),
        sa.column("ended_at", sa.DateTime(timezone=True)),
        *(sa.column(name, kind) for name, kind in COLUMNS),
    )
    offers = {
        (app_id, key): kind
        for app_id, key, kind in bind.execute(sa.text("SELECT app_id, key, type FROM offers"))
    }
    rows = bind.execute(
        sa.select(sessions).where(sessions.c.outcome.is_not(None)).order_by(sessions.c.id)
    ).all()
    for row in rows:
        keys = row.offer_keys or []
        shown = row.accepted_offer_key or (
            keys[min(row.offer_index or 0, len(keys) - 1)] if keys else None
        )
        saved = row.outcome in ("saved", "withdrawn")
        kept = _months(_aware(row.outcome_at), _aware(row.ended_at)) if row.ended_at else -1
        bind.execute(
            sa.update(sessions)
            .where(sessions.c.id == row.id)
            .values(
                report_day=_aware(row.outcome_at).astimezone(UTC).date(),
                shown_offer_key=shown,
                shown_offer_type=offers.get((row.app_id, shown)),
                reason_category=(row.classification or {}).get("category"),
                plan=(row.snapshot or {}).get("plan"),
                months_kept=kept if saved else None,
            )
        )
    bind.execute(sa.text(_FILL_DAYS))
    bind.execute(sa.text(_FILL_COHORTS.format(month=_COHORT_MONTH[bind.dialect.name])))


_SAVE = "outcome IN ('saved', 'withdrawn')"
_PROJECTED = "COALESCE(projected_revenue_cut, projected_revenue, 0)"
_FILL_DAYS = f"""
INSERT INTO report_days (app_id, mode, day, {", ".join(DAY_KEYS)}, {", ".join(COUNTS)})
SELECT app_id, mode, report_day, currency, COALESCE(shown_offer_key, ''),
       COALESCE(shown_offer_type, ''), COALESCE(reason_category, ''), COALESCE(plan, ''),
       COALESCE(experiment_key, ''), COALESCE(variant, ''), COUNT(*),
       SUM(CASE WHEN outcome = 'saved' THEN 1 ELSE 0 END),
       SUM(CASE WHEN outcome = 'withdrawn' THEN 1 ELSE 0 END),
       SUM(CASE WHEN outcome = 'cancelled' THEN 1 ELSE 0 END),
       SUM(CASE WHEN outcome = 'recovered' THEN 1 ELSE 0 END),
       SUM(CASE WHEN outcome = 'abandoned' THEN 1 ELSE 0 END),
       SUM(CASE WHEN {_SAVE} AND save_status = 'pending' THEN 1 ELSE 0 END),
       SUM(CASE WHEN {_SAVE} AND save_status = 'confirmed' THEN 1 ELSE 0 END),
       SUM(CASE WHEN {_SAVE} AND save_status = 'boomerang' THEN 1 ELSE 0 END),
       SUM(CASE WHEN {_SAVE} THEN COALESCE(saved_mrr, 0) ELSE 0 END),
       SUM(CASE WHEN {_SAVE} THEN {_PROJECTED} ELSE 0 END),
       SUM(CASE WHEN {_SAVE} THEN COALESCE(offer_cost, 0) ELSE 0 END),
       SUM(CASE WHEN {_SAVE} THEN realized_revenue ELSE 0 END)
FROM sessions WHERE outcome IS NOT NULL
GROUP BY app_id, mode, report_day, currency, COALESCE(shown_offer_key, ''),
       COALESCE(shown_offer_type, ''), COALESCE(reason_category, ''), COALESCE(plan, ''),
       COALESCE(experiment_key, ''), COALESCE(variant, '')
"""
_COHORT_MONTH = {
    "postgresql": "CAST(date_trunc('month', report_day) AS DATE)",
    "sqlite": "date(report_day, 'start of month')",
}
_FILL_COHORTS = """
INSERT INTO report_cohorts (app_id, mode, cohort_month, currency, months_kept, saves, saved_mrr,
                            projected_saved_revenue, realized_saved_revenue)
SELECT app_id, mode, {month}, currency, months_kept, COUNT(*), SUM(COALESCE(saved_mrr, 0)),
       SUM(COALESCE(projected_revenue_cut, projected_revenue, 0)), SUM(realized_revenue)
FROM sessions WHERE outcome IN ('saved', 'withdrawn')
GROUP BY app_id, mode, {month}, currency, months_kept
"""


def downgrade():
    op.drop_table("report_cohorts")
    op.drop_index("ix_report_days_app_day", table_name="report_days")
    op.drop_table("report_days")
    op.drop_index("ix_sessions_app_report_day", table_name="sessions")
    for name, _kind in reversed(COLUMNS):
        op.drop_column("sessions", name)
