"""批量打印 of 100 and of 500 demo forms of mixed kinds (every kind the demo has, in turn) into one PDF
with a contents page, each run in a fresh process: seconds and peak memory (VmHWM) beside the
targets (500 forms in <= 60 s; the peak for 500 <= 1.2 x the peak for 100: pages are streamed out).

    python bench/batch_print.py [--counts 100,500]
"""

from __future__ import annotations

import argparse
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path
from perfdesk.catalog.form_files import install as install_catalog  # noqa: E402

install_catalog()  # what the start-up (perfdesk.cli.main) does

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
TARGET_S, TARGET_GROWTH = 60.0, 1.2

_CHILD = """
import sys, time
sys.path.insert(0, {root!r})
from perfdesk.app.batch_print import print_batch
from perfdesk.store import Store
store = Store("sqlite:///" + sys.argv[1])
forms = sorted(store.list_summaries(), key=lambda f: f.id)[:int(sys.argv[2])]  # the kinds in turn
start = time.perf_counter()
outcome = print_batch(store, forms, sys.argv[3])
took = time.perf_counter() - start
peak = next(int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmHWM")) / 1024
print(f"{{took:.1f}}\\t{{peak:.0f}}\\t{{outcome.pages}}\\t{{len(outcome.entries)}}")
"""


def make_database(path: Path, count: int) -> None:
    """The demo (27 forms of 13 kinds), its rows copied until there are `count` forms, kinds mixed."""
    from perfdesk.demo.demo_forms import load_demo
    from perfdesk.store import Store

    with Store(f"sqlite:///{path}") as store:
        load_demo(store, 2027)
    with sqlite3.connect(path) as con:
        columns = [r[1] for r in con.execute("PRAGMA table_info(form_instances)") if r[1] not in ("id", "uid")]
        ids = [r[0] for r in con.execute("SELECT id FROM form_instances ORDER BY id")]
        names = ", ".join(columns)
        picked = ", ".join("title || '（副本）'" if c == "title" else c for c in columns)
        for n in range(count - len(ids)):
            con.execute(f"INSERT INTO form_instances ({names}) SELECT {picked} FROM form_instances WHERE id = ?",
                        (ids[n % len(ids)],))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--counts", default="100,500")
    args = parser.parse_args()
    counts = [int(x) for x in args.counts.split(",")]
    script = _CHILD.format(root=str(ROOT))
    peaks = {}
    ok = True
    with tempfile.TemporaryDirectory(prefix="perfdesk-batch-") as tmp:
        db = Path(tmp) / "office.db"
        make_database(db, max(counts))
        for count in counts:
            out = Path(tmp) / f"batch{count}.pdf"
            run = subprocess.run([sys.executable, "-c", script, str(db), str(count), str(out)],
                                 capture_output=True, text=True)
            if run.returncode:
                print(f"{count} forms: failed: {run.stderr.strip()[-400:]}")
                return 1
            took, peak, pages, forms = run.stdout.split()
            peaks[count] = float(peak)
            good = float(took) <= TARGET_S * count / 500
            ok &= good
            print(f"{forms} forms, {pages} pages, {out.stat().st_size / 2**20:.0f} MB file: {took} s "
                  f"(target <= {TARGET_S * count / 500:.0f} s) {'达标 OK' if good else '未达标 SLOW'}, peak {peak} MB")
    if len(counts) > 1:
        growth = peaks[counts[-1]] / peaks[counts[0]]
        good = growth <= TARGET_GROWTH
        ok &= good
        print(f"peak memory {counts[-1]} forms / {counts[0]} forms: {growth:.2f}x "
              f"(target <= {TARGET_GROWTH}x) {'达标 OK' if good else '未达标 SLOW'}")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
