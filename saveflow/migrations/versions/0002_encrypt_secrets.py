"""encrypt app signing secrets at rest

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24 09:00:00

The keyring is the running app's (SAVEFLOW_ENCRYPTION_KEY or instance/encryption_key): the
migration environment runs inside the Flask app context.
"""

import sqlalchemy as sa
from alembic import op

from saveflow.crypto import current_keyring

# revision identifiers, used by Alembic.
revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

SECRETS = ("live_secret", "test_secret")
# Plain columns, so values pass through as stored whatever the model's column type.
apps = sa.table("apps", sa.column("id", sa.String), *(sa.column(name, sa.Text) for name in SECRETS))


def upgrade():
    # A Fernet token of a 51-character secret is 164 characters: widen before encrypting.
    _retype(sa.String(100), sa.Text())
    _rewrite(current_keyring().encrypt)


def downgrade():
    _rewrite(current_keyring().decrypt)
    _retype(sa.Text(), sa.String(100))


def _retype(old: sa.types.TypeEngine, new: sa.types.TypeEngine) -> None:
    if op.get_context().dialect.name == "sqlite":
        # SQLite never enforces a VARCHAR length, and batch mode would rebuild the table: its
        # DROP TABLE apps fails on the foreign keys of every existing app's rows (foreign_keys
        # cannot be switched off inside the migration's transaction, and deferring them does
        # not help). So the declared type stays VARCHAR(100) there and holds tokens all the same.
        return
    with op.batch_alter_table("apps") as batch:
        for name in SECRETS:
            batch.alter_column(name, existing_type=old, type_=new)


def _rewrite(convert) -> None:
    if op.get_context().as_sql:
        raise RuntimeError("0002 rewrites rows with the app's keyring: run it online, not --sql")
    connection = op.get_bind()
    for row in connection.execute(sa.select(apps)).all():
        values = {name: convert(getattr(row, name)) for name in SECRETS}
        connection.execute(sa.update(apps).where(apps.c.id == row.id).values(values))
