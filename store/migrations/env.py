"""Alembic environment: runs on the connection ``store.migrate.upgrade`` hands over."""

from alembic import context

from store.schema import Base

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",  # ALTER TABLE via copies there
    transactional_ddl=True,  # SQLite and PostgreSQL both roll DDL back with the transaction
)
with context.begin_transaction():
    context.run_migrations()
