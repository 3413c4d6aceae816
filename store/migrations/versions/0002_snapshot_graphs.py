"""Snapshots keep the graph they were audited from (retraining from labels reads it).

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "snapshot_graphs",
        sa.Column("snapshot_id", sa.Integer,
                  sa.ForeignKey("snapshots.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("document", sa.LargeBinary, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("snapshot_graphs")
