"""A 汇总-like table of 10,000 rows (tests/forms/project_summary.yaml) to PDF and to XLSX, each in a
fresh process: seconds (grid built and rendered) and peak memory (VmHWM) beside the targets.

    python bench/big_table.py [--rows N]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path
from perfdesk.catalog.form_files import install as install_catalog  # noqa: E402

install_catalog()  # what the start-up (perfdesk.cli.main) does

ROOT = Path(__file__).resolve().parents[1]
TARGET_S, TARGET_MB = 10.0, 500.0

_CHILD = """
import sys, time
sys.path[:0] = [{root!r}, {tests!r}]
from big_table import summary_context, summary_doc, summary_form
from perfdesk.render.grid import build_grid
from perfdesk.render.pdf import register_font, render_pdf
from perfdesk.render.xlsx import render_xlsx
register_font()
form, doc = summary_form(), summary_doc(int(sys.argv[2]))
start = time.perf_counter()
grid = build_grid(form, doc, summary_context())
data = render_pdf(grid) if sys.argv[1] == "pdf" else render_xlsx(grid, form.name)
took = time.perf_counter() - start
peak = next(int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmHWM")) / 1024
pages = data.count(b"/Type /Page\\n") if sys.argv[1] == "pdf" else 0
print(f"{{took:.2f}}\\t{{peak:.0f}}\\t{{len(data) // 1024}}\\t{{pages}}")
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    args = parser.parse_args()
    script = _CHILD.format(root=str(ROOT), tests=str(ROOT / "tests"))
    ok = True
    for kind in ("pdf", "xlsx"):
        run = subprocess.run([sys.executable, "-c", script, kind, str(args.rows)], capture_output=True, text=True)
        if run.returncode:
            print(f"{kind}: failed: {run.stderr.strip()[-400:]}")
            ok = False
            continue
        took, peak, size, pages = run.stdout.split()
        good = float(took) <= TARGET_S and float(peak) <= TARGET_MB
        ok &= good
        extra = f", {pages} pages" if kind == "pdf" else ""
        print(f"{kind.upper()}: {args.rows:,} rows in {float(took):.2f} s (target <= {TARGET_S:.0f} s), "
              f"peak {peak} MB (target <= {TARGET_MB:.0f} MB), {size} KB{extra} {'达标 OK' if good else '未达标 SLOW'}")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
