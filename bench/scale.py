"""Cost of printing as a table grows: the 60-indicator demo declaration with its indicator rows
repeated to 60 / 600 / 1,800 / 5,400, to PDF and XLSX (build_grid counted apart), median of runs.

The growth from 600 to 1,800 rows and from 1,800 to 5,400 (3× the rows each) must stay ≤ 3.5×:
a layout that grows faster than the table would take minutes on a 汇总 table of 10,000 rows.

    python bench/scale.py [--runs N] [--sizes 60,600,1800,5400]
"""

from __future__ import annotations

import argparse
import statistics
import time

from _declaration import UNIT, samples  # noqa: F401  (sets sys.path)

from perfdesk.domain.registry import get_form
from perfdesk.app.operations import context
from perfdesk.render.grid import build_grid
from perfdesk.render.pdf import render_pdf
from perfdesk.render.xlsx import render_xlsx
from perfdesk.catalog.form_files import install as install_catalog  # noqa: E402

install_catalog()  # what the start-up (perfdesk.cli.main) does

TARGET_RATIO = 3.5
SIZES = (60, 600, 1800, 5400)


def declaration_with(n: int) -> dict:
    """The demo declaration with its indicators repeated (in order, cycling) to n rows in all."""
    doc = samples(2027)[1][3]
    annual, long_term = doc["annual_indicators"], doc["long_term_indicators"]
    pool = [("annual_indicators", r) for r in annual] + [("long_term_indicators", r) for r in long_term]
    out = dict(doc, annual_indicators=[], long_term_indicators=[])
    for i in range(n):
        key, row = pool[i % len(pool)]
        out[key].append(dict(row))
    return out


def timed_ms(run) -> float:
    start = time.perf_counter()
    run()
    return (time.perf_counter() - start) * 1000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)))
    args = parser.parse_args()
    sizes = [int(x) for x in args.sizes.split(",")]
    form = get_form("declaration")
    cases = {}
    for n in sizes:
        doc = declaration_with(n)
        ctx = context(UNIT, 2027, doc)
        cases[n] = (doc, ctx, build_grid(form, doc, ctx))
    render_pdf(cases[sizes[0]][2])  # font loading happens once per process
    # The sizes take turns in every round, so that a busy machine slows them alike.
    times: dict[int, list[list[float]]] = {n: [[], [], []] for n in sizes}
    for _ in range(args.runs):
        for n in sizes:
            doc, ctx, grid = cases[n]
            for _ in range(3):  # the grid is cheap: more runs, less noise
                times[n][0].append(timed_ms(lambda: build_grid(form, doc, ctx)))
            times[n][1].append(timed_ms(lambda: render_pdf(grid)))
            times[n][2].append(timed_ms(lambda: render_xlsx(grid)))
    figures = {n: tuple(statistics.median(t) for t in times[n]) for n in sizes}
    print(f"median of {args.runs} runs (grid: {3 * args.runs})")
    print("indicators\tgrid ms\tPDF ms\tXLSX ms\tPDF pages")
    for n in sizes:
        pages = render_pdf(cases[n][2]).count(b"/Type /Page\n")
        grid_ms, pdf_ms, xlsx_ms = figures[n]
        print(f"{n:,}\t{grid_ms:.0f}\t{pdf_ms:.0f}\t{xlsx_ms:.0f}\t{pages}")
    ok = True
    for small, big in zip(sizes, sizes[1:]):
        if small < 600:
            continue
        for i, name in enumerate(("grid", "PDF", "XLSX")):
            ratio = figures[big][i] / figures[small][i]
            good = ratio <= TARGET_RATIO * big / small / 3
            ok &= good
            print(f"{name} {small:,}→{big:,} rows ({big / small:.0f}×): {ratio:.2f}× "
                  f"(target <= {TARGET_RATIO * big / small / 3:.1f}×) {'达标 OK' if good else '未达标 SLOW'}")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
