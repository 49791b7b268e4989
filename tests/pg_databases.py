"""Throw-away PostgreSQL databases for the tests: one per use, dropped afterwards."""

from __future__ import annotations

import uuid

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url


class PgDatabases:
    def __init__(self, admin_url: str) -> None:
        self._admin_url = make_url(admin_url)
        self._engine = create_engine(self._admin_url, isolation_level="AUTOCOMMIT")
        self._names: list[str] = []

    def create(self) -> str:
        name = f"perfdesk_test_{uuid.uuid4().hex[:12]}"
        with self._engine.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        self._names.append(name)
        return self._admin_url.set(database=name).render_as_string(hide_password=False)

    def drop_all(self) -> None:
        # FORCE: a store a failing test left open must not keep its database alive.
        with self._engine.connect() as conn:
            for name in self._names:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        self._names.clear()
        self._engine.dispose()
