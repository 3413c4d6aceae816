"""The tables (SQLAlchemy 2 declarative models). Migrations in ``store/migrations``
create exactly these; a test compares the two.

Times are UTC epoch seconds (``Float``), the same numbers ``account-graph/1`` times parse
to, so SQLite and PostgreSQL store them alike; the API writes them as ISO-8601.

Follower sets are not one row per follower and snapshot: each snapshot keeps its
followers as one compressed array of interned account keys (``store.followers``), about
0.1 to 2 bytes per follower instead of a row of about 40 (docs/monitoring.md has the
measurements).
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

#: The labels an analyst can give an account (the model's classes).
LABELS = ("genuine", "bought", "mass_follow")
#: Key roles, weakest first; each role may do what the ones before it may.
ROLES = ("read", "label", "admin")


class Base(DeclarativeBase):
    pass


class Account(Base):
    """An account id interned to a small integer key (follower sets store the keys)."""

    __tablename__ = "accounts"
    key: Mapped[int] = mapped_column(Integer, primary_key=True)
    platform_id: Mapped[str] = mapped_column(Text, unique=True)


class Target(Base):
    """An audited account whose audience is followed over time."""

    __tablename__ = "targets"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account: Mapped[str] = mapped_column(Text, unique=True)  # the target's platform id
    created_at: Mapped[float] = mapped_column(Float)


class Snapshot(Base):
    """One posted ``account-graph/1`` of a target: its followers then, and their audit."""

    __tablename__ = "snapshots"
    __table_args__ = (UniqueConstraint("target_id", "observed_at", name="uq_snapshot_time"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    target_id: Mapped[int] = mapped_column(ForeignKey("targets.id", ondelete="CASCADE"))
    observed_at: Mapped[float] = mapped_column(Float)
    created_at: Mapped[float] = mapped_column(Float)
    created_by: Mapped[str] = mapped_column(Text)  # the key's name, or "anonymous"
    follower_count: Mapped[int] = mapped_column(Integer)
    followers: Mapped[bytes] = mapped_column(LargeBinary)  # store.followers.encode
    model_id: Mapped[str] = mapped_column(Text)
    model_version: Mapped[str] = mapped_column(Text)
    summary: Mapped[dict] = mapped_column(JSON)  # quality and shares, for the history
    audit: Mapped[dict] = mapped_column(JSON)  # the whole /v1/audit answer


class SnapshotGraph(Base):
    """The ``account-graph/1`` document a snapshot was audited from (``store.graphs``):
    the followers' profiles and edges, which retraining from labels needs. A table of its
    own, so that the history never reads it."""

    __tablename__ = "snapshot_graphs"
    snapshot_id: Mapped[int] = mapped_column(
        ForeignKey("snapshots.id", ondelete="CASCADE"), primary_key=True)
    document: Mapped[bytes] = mapped_column(LargeBinary)  # store.graphs.encode_document


class Label(Base):
    """An analyst's verdict on an account; the latest per account wins, all are kept."""

    __tablename__ = "labels"
    __table_args__ = (
        CheckConstraint("label IN ('genuine', 'bought', 'mass_follow')", name="ck_label"),
        Index("ix_labels_account", "account_key", "id"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_key: Mapped[int] = mapped_column(ForeignKey("accounts.key"))
    label: Mapped[str] = mapped_column(Text)
    note: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_by: Mapped[str] = mapped_column(Text)
    created_at: Mapped[float] = mapped_column(Float)


class ApiKey(Base):
    """An API key: its public id and the SHA-256 of its secret, never the secret."""

    __tablename__ = "api_keys"
    __table_args__ = (
        CheckConstraint("role IN ('read', 'label', 'admin')", name="ck_role"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(Text, unique=True)
    role: Mapped[str] = mapped_column(Text)
    key_id: Mapped[str] = mapped_column(Text, unique=True)
    secret_sha256: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[float] = mapped_column(Float)
    revoked_at: Mapped[float | None] = mapped_column(Float, nullable=True)


class ModelVersion(Base):
    """A model the server has served; ``live`` marks the one serving now."""

    __tablename__ = "model_versions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    model_id: Mapped[str] = mapped_column(Text)
    version: Mapped[str] = mapped_column(Text)
    metadata_sha256: Mapped[str] = mapped_column(Text, unique=True)
    directory: Mapped[str] = mapped_column(Text)
    classes: Mapped[list] = mapped_column(JSON)
    metrics: Mapped[dict] = mapped_column(JSON)
    first_seen: Mapped[float] = mapped_column(Float)
    activated_at: Mapped[float] = mapped_column(Float)
    live: Mapped[bool] = mapped_column(Boolean, default=False)
