"""The first schema: accounts, targets, snapshots, labels, API keys, model versions.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "accounts",
        sa.Column("key", sa.Integer, primary_key=True),
        sa.Column("platform_id", sa.Text, nullable=False, unique=True),
    )
    op.create_table(
        "targets",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("account", sa.Text, nullable=False, unique=True),
        sa.Column("created_at", sa.Float, nullable=False),
    )
    op.create_table(
        "snapshots",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("target_id", sa.Integer, sa.ForeignKey("targets.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("observed_at", sa.Float, nullable=False),
        sa.Column("created_at", sa.Float, nullable=False),
        sa.Column("created_by", sa.Text, nullable=False),
        sa.Column("follower_count", sa.Integer, nullable=False),
        sa.Column("followers", sa.LargeBinary, nullable=False),
        sa.Column("model_id", sa.Text, nullable=False),
        sa.Column("model_version", sa.Text, nullable=False),
        sa.Column("summary", sa.JSON, nullable=False),
        sa.Column("audit", sa.JSON, nullable=False),
        sa.UniqueConstraint("target_id", "observed_at", name="uq_snapshot_time"),
    )
    op.create_table(
        "labels",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("account_key", sa.Integer, sa.ForeignKey("accounts.key"), nullable=False),
        sa.Column("label", sa.Text, nullable=False),
        sa.Column("note", sa.Text, nullable=True),
        sa.Column("created_by", sa.Text, nullable=False),
        sa.Column("created_at", sa.Float, nullable=False),
        sa.CheckConstraint("label IN ('genuine', 'bought', 'mass_follow')", name="ck_label"),
    )
    op.create_index("ix_labels_account", "labels", ["account_key", "id"])
    op.create_table(
        "api_keys",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.Text, nullable=False, unique=True),
        sa.Column("role", sa.Text, nullable=False),
        sa.Column("key_id", sa.Text, nullable=False, unique=True),
        sa.Column("secret_sha256", sa.LargeBinary, nullable=False),
        sa.Column("created_at", sa.Float, nullable=False),
        sa.Column("revoked_at", sa.Float, nullable=True),
        sa.CheckConstraint("role IN ('read', 'label', 'admin')", name="ck_role"),
    )
    op.create_table(
        "model_versions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("model_id", sa.Text, nullable=False),
        sa.Column("version", sa.Text, nullable=False),
        sa.Column("metadata_sha256", sa.Text, nullable=False, unique=True),
        sa.Column("directory", sa.Text, nullable=False),
        sa.Column("classes", sa.JSON, nullable=False),
        sa.Column("metrics", sa.JSON, nullable=False),
        sa.Column("first_seen", sa.Float, nullable=False),
        sa.Column("activated_at", sa.Float, nullable=False),
        sa.Column("live", sa.Boolean, nullable=False),
    )


def downgrade() -> None:
    for table in ("model_versions", "api_keys", "labels", "snapshots", "targets", "accounts"):
        op.drop_table(table)
