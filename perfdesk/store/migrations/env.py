"""Alembic environment. At runtime Store hands in its live connection (needed for :memory:);
a developer running the alembic command line instead sets sqlalchemy.url in their own ini."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from perfdesk.store.tables import metadata

config = context.config
target_metadata = metadata


def _run(connection) -> None:
    # render_as_batch: SQLite cannot ALTER most things, batch mode rebuilds the table instead.
    context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    context.configure(url=config.get_main_option("sqlalchemy.url"), target_metadata=target_metadata,
                      literal_binds=True, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()
elif config.attributes.get("connection") is not None:
    _run(config.attributes["connection"])
else:
    engine = create_engine(config.get_main_option("sqlalchemy.url"))
    try:
        with engine.begin() as conn:
            _run(conn)
    finally:
        engine.dispose()
