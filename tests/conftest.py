"""Shared fixtures: every test runs offscreen, on its own temporary database, with the demo data."""

from __future__ import annotations

import copy
import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import pytest  # noqa: E402

DEMO_YEAR = 2027


@pytest.fixture
def db_url(tmp_path, monkeypatch) -> str:
    url = f"sqlite:///{tmp_path / 'perfdesk.db'}"
    monkeypatch.setenv("PERFDESK_DB", url)
    return url


@pytest.fixture
def store(db_url):
    from perfdesk.store import Store

    s = Store(db_url)
    yield s
    s.close()


@pytest.fixture
def demo_store(store):
    """The demo's units and declarations (5 forms: four of 2027, one of 2026)."""
    from perfdesk.demo import load_declarations_demo

    load_declarations_demo(store, DEMO_YEAR)
    return store


@pytest.fixture
def full_demo_store(store):
    """Everything `perfdesk demo` writes: declarations, the monitoring round, the evaluation round."""
    from perfdesk.demo import load_demo

    load_demo(store, DEMO_YEAR)
    return store


@pytest.fixture
def form():
    from perfdesk.domain.registry import get_form

    return get_form("declaration")


@pytest.fixture
def big_doc():
    """The 60-indicator demo declaration."""
    from perfdesk.demo import samples

    return copy.deepcopy(samples(DEMO_YEAR)[1][3])


def put_status(store, form_instance_id: int, status) -> None:
    """Set a stored form's status directly, as a test's starting point (the lifecycle's moves are
    tested in test_lifecycle.py; here only where a form stands matters)."""
    from perfdesk.domain.lifecycle import Status

    with store.engine.begin() as conn:
        conn.exec_driver_sql("UPDATE form_instances SET status = ? WHERE id = ?",
                             (Status(status).value, form_instance_id))
