"""Alembic migrations for the PerfDesk database; run by perfdesk.store.engine.migrate."""
