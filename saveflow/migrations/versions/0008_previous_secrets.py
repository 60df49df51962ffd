"""apps: the signing secret a rotation replaced, still valid until the end of its grace period

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-26 12:00:00

Each mode keeps the secret it had before its last rotation, encrypted like the current ones,
and the moment it stops verifying tokens. Plain nullable columns, so both databases add them
in place (the apps triggers of 0003 bump config_version when a rotation writes them).
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

COLUMNS = (
    ("previous_live_secret", sa.Text()),
    ("previous_live_until", sa.DateTime(timezone=True)),
    ("previous_test_secret", sa.Text()),
    ("previous_test_until", sa.DateTime(timezone=True)),
)


def upgrade():
    for name, kind in COLUMNS:
        op.add_column("apps", sa.Column(name, kind, nullable=True))


def downgrade():
    # Plain DROP COLUMN (SQLite 3.35+): a batch rebuild would have to drop `apps`, which the
    # other tables' foreign keys refuse.
    for name, _kind in reversed(COLUMNS):
        op.drop_column("apps", name)
