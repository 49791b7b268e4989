"""An import that dies midway leaves the database exactly as it was: a failure raised inside
the transaction, and a process killed with SIGKILL while its transaction is open."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import perfdesk.store.packages as store_packages
from perfdesk.app.form_submission import build_form_package
from perfdesk.package.importer import import_bytes
from perfdesk.store import Store
from test_package_support import (back_to_unit, counts, decide_at, office_signer, stores, trust_office, trust_unit, unit_signer,  # noqa: F401
                                  world)

ROOT = Path(__file__).resolve().parents[1]


class Boom(RuntimeError):
    pass


def _explode_on_inbox(monkeypatch):
    # The inbox entry is the last thing written in the transaction: the form is already flushed.
    def boom(fields):
        raise Boom("power cut")
    monkeypatch.setattr(store_packages, "_entry", boom)


def _snapshot(store: Store) -> tuple:
    forms = [(f.id, f.uid, f.package_version, f.status, f.data) for f in store.list_forms()]
    return counts(store), forms, [t.fingerprint for t in store.trusted_keys()]


def test_failure_inside_the_first_import_leaves_nothing(world, stores, monkeypatch):
    _, office = stores
    before = _snapshot(office)
    _explode_on_inbox(monkeypatch)
    with pytest.raises(Boom):
        import_bytes(office, world.package, "v1", trust_new=True)  # unit, form and trust all in flight
    assert _snapshot(office) == before
    monkeypatch.undo()
    assert import_bytes(office, world.package, "v1", trust_new=True).status == "imported"


def test_failure_inside_a_superseding_import_keeps_the_old_version(world, stores, monkeypatch):
    unit, office = stores
    trust_unit(office, world)
    assert import_bytes(office, world.package, "v1").status == "imported"
    record = unit.get_form(world.form_id)
    back_to_unit(unit, world.form_id)
    unit.save_form(world.form_id, data=dict(record.data, necessity="第二版"))
    v2 = build_form_package(unit, world.form_id, unit_signer(unit))
    before = _snapshot(office)
    _explode_on_inbox(monkeypatch)
    with pytest.raises(Boom):
        import_bytes(office, v2.data, "v2")
    assert _snapshot(office) == before
    assert office.list_forms()[0].package_version == 1


def test_failure_inside_a_review_import_leaves_the_form_as_it_was(world, stores, monkeypatch, tmp_path):
    unit, office = stores
    trust_unit(office, world)
    trust_office(unit, world)
    got = import_bytes(office, world.package, "v1")
    review = decide_at(office, got.form_instance_id, "approve", tmp_path, office_signer(office), opinion="同意")
    before = _snapshot(unit)
    _explode_on_inbox(monkeypatch)
    with pytest.raises(Boom):
        import_bytes(unit, review, "r1")
    assert _snapshot(unit) == before


KILLER = textwrap.dedent("""
    import os, signal, sys
    sys.path.insert(0, {root!r})
    import perfdesk.store.packages as sp
    from perfdesk.store import Store
    from perfdesk.package.importer import import_bytes
    from perfdesk.catalog.form_files import install
    install()  # as the start-up does

    def die(fields):
        os.kill(os.getpid(), signal.SIGKILL)  # no cleanup, no rollback: as if the power went

    sp._entry = die
    store = Store({url!r})
    import_bytes(store, open({package!r}, "rb").read(), "v1", trust_new=True)
    print("not reached")
""")


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_process_killed_midway_leaves_the_database_as_it_was(world, stores, tmp_path):
    _, office = stores
    package = tmp_path / "v1.pdpkg"
    package.write_bytes(world.package)
    before = _snapshot(office)
    office.close()
    script = KILLER.format(root=str(ROOT), url=office.url, package=str(package))
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120,
                          env=dict(os.environ, QT_QPA_PLATFORM="offscreen"))
    assert proc.returncode == -signal.SIGKILL, proc.stderr
    assert "not reached" not in proc.stdout
    if office.url.startswith("sqlite:///"):
        with sqlite3.connect(office.url.removeprefix("sqlite:///")) as con:
            assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    again = Store(office.url)
    try:
        assert _snapshot(again) == before
        assert import_bytes(again, world.package, "v1", trust_new=True).status == "imported"
    finally:
        again.close()
