"""Import speed at the finance office: 1,000 signed packages into an empty office database.

Building reuses one rendered PDF/XLSX (rendering is benched elsewhere) and varies the form data,
title and uid of each package; each package's PDF is PAdES-signed bound to its own form.json, so
every package is a distinct, validly signed form. Import is timed end to end, from files on disk:
read, refuse-if-hostile, verify signature and hashes, validate the PDF's signature and binding,
re-run the form's checks, and write each package in its own transaction.

    python bench/import_packages.py [--count N] [--db URL]

--db: the office database to import into (an empty one, e.g. on PostgreSQL:
`bash .ci/with_postgres sh -c 'python bench/import_packages.py --db "$PERFDESK_TEST_PG_URL"'`);
by default a temporary SQLite file.
"""

from __future__ import annotations

import argparse
import copy
import dataclasses
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from perfdesk.demo.demo_forms import load_demo  # noqa: E402
from perfdesk.domain.registry import get_form  # noqa: E402
from perfdesk.app.operations import render  # noqa: E402
from perfdesk.package.builder import assemble_form_package  # noqa: E402
from perfdesk.package.formdata import strip_finance  # noqa: E402
from perfdesk.package.identity import create_identity, load_signer  # noqa: E402
from perfdesk.app.package_import import import_paths  # noqa: E402
from perfdesk.domain.lifecycle import Role  # noqa: E402
from perfdesk.store import SETTING_ROLE, Store  # noqa: E402
from perfdesk.store.records import UNIT_KEY  # noqa: E402
from perfdesk.catalog.form_files import install as install_catalog  # noqa: E402

install_catalog()  # what the start-up (perfdesk.cli.main) does

TARGET = 30.0  # packages per second on 2 cores
PASS = "bench-passphrase"


def build(folder: Path, count: int) -> tuple[str, float]:
    unit_store = Store(f"sqlite:///{folder / 'unit.db'}")
    try:
        load_demo(unit_store, 2027)
        unit = unit_store.unit_by_code("201003")
        create_identity(unit_store, unit.id, PASS)
        signer = load_signer(unit_store, unit.id, PASS)
        # The 60-indicator training declaration: the heaviest demo form to check on import.
        record = next(f for f in unit_store.list_forms() if "教师能力提升" in f.title)
        data = strip_finance(get_form(record.form_id), record.data)
        rendered = render(unit_store, dataclasses.replace(record, data=data))
        start = time.perf_counter()
        out = folder / "packages"
        out.mkdir()
        for i in range(count):
            title = f"{record.title}（第{i + 1:04d}份）"
            doc = copy.deepcopy(data)
            doc["project_name"] = title
            variant = dataclasses.replace(record, title=title, data=doc)
            payload = assemble_form_package(signer, variant, str(uuid.uuid4()), 1, doc, rendered.pdf, rendered.xlsx)
            (out / f"{i:04d}.pdpkg").write_bytes(payload)
        return signer.fingerprint, time.perf_counter() - start
    finally:
        unit_store.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--db", metavar="URL", help="an empty office database (default: a temporary SQLite file)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="perfdesk-bench-") as tmp:
        folder = Path(tmp)
        fingerprint, built_in = build(folder, args.count)
        size = sum(p.stat().st_size for p in (folder / "packages").iterdir()) / args.count / 1024
        print(f"built {args.count} signed packages in {built_in:.1f} s (~{size:.0f} KB each; one rendered, "
              "PAdES-signed PDF/XLSX reused, form data, title and uid varied per package)")
        office = Store(args.db or f"sqlite:///{folder / 'office.db'}")
        try:
            # the office's role: a unit installation refuses every package, and the bench would time refusals
            office.set_setting(SETTING_ROLE, Role.FINANCE)
            office.add_trusted_key(unit_code="201003", unit_name="长治市第一中学", role=UNIT_KEY,
                                   fingerprint=fingerprint)
            start = time.perf_counter()
            report = import_paths(office, [folder / "packages"])
            elapsed = time.perf_counter() - start
            imported = report.count("imported")
            stored = len(office.list_forms())
        finally:
            office.close()
    rate = args.count / elapsed
    verdict = "达标 OK" if rate >= TARGET and imported == args.count == stored else "未达标 SLOW"
    print(f"database: {office.engine.dialect.name}")
    print(f"import_packages: {imported} of {args.count} imported ({stored} forms in the office database) "
          f"in {elapsed:.1f} s = {rate:.0f} packages/s (target >= {TARGET:.0f}/s) {verdict}")
    if report.rejected:
        print("rejected:", report.rejected[0].line())
    return 0 if imported == args.count == stored else 1


if __name__ == "__main__":
    raise SystemExit(main())
