"""汇总 of a round of 10,000 projects across 500 units: each table computed (target ≤ 300 ms), and the
报送情况 matrix of the same round built (target ≤ 200 ms), each beside plain SQL over the same database (the
floor) as a ratio.

Fills a temporary store through the Store API (perfdesk/demo/demo_round.py, documents kept to what the 汇总
reads): per unit 20 projects, each with a declaration, a 1-6月 monitoring table and an evaluation report,
and a department self-evaluation — 30,500 forms whose figures the store indexes as it saves them. Then,
for each 汇总 table (by unit and by 主管部门), the median of 5 runs of compose_summary: the indexed
query, the rows and 合计 composed and the printed grid built (PDF and XLSX writing are not counted). The
floor is the same grouping as one plain SQL statement over form_figures, read into Python tuples.
The grid for printing (render/grid.py) is timed apart: printing 10,000-row tables fast is the PDF
engine's work. The 结果应用清单 (one row per project, its consequence worked out per row) is printed
beside them, without the 汇总 tables' target. Then the same units go into the office's register, each
form gets its 收到报送 and the round (declaration, monitoring, evaluation report, department self-evaluation)
is sent to all of them: the 报送情况 matrix over those 30,500 forms is timed as bench/status_board.py times it
(its code, not a copy).

    python bench/aggregate.py [--db URL] [--units 500] [--projects 20]
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import text  # noqa: E402

from status_board import TARGET_MS as BOARD_TARGET_MS, add_receipts, add_round, measure  # noqa: E402
from perfdesk.demo.demo_round import load_round  # noqa: E402
from perfdesk.domain.tasks import UnitEntry  # noqa: E402
from perfdesk.store import Store  # noqa: E402
from perfdesk.store.office import OfficeStore  # noqa: E402
from perfdesk.app.summary_operations import RESULTS, compose_summary  # noqa: E402
from perfdesk.catalog.form_files import install as install_catalog  # noqa: E402

install_catalog()  # what the start-up (perfdesk.cli.main) does

TARGET_MS = 300.0
RUNS = 5
YEAR = 2026

_SUMS = ", ".join(f"SUM({c})" for c in ("requested", "arranged", "src_public", "src_funds", "src_other", "budget",
                                         "allotted", "issued", "spent", "score", "eval_amount", "red_alerts",
                                         "yellow_alerts", "impossible"))
_GRADES = ", ".join(f"SUM(CASE WHEN grade_rank = {k} THEN 1 ELSE 0 END)" for k in range(4))


def floor_sql(round_: str, group: str, where: str = "") -> str:
    keys = "unit_code, unit_name, supervisor_name" if group == "unit" else "supervisor_code, supervisor_name"
    if group == "form":
        return (f"SELECT f.*, u.profile FROM form_figures f JOIN units u ON u.id = f.unit_id WHERE f.year = {YEAR} "
                f"AND f.round = '{round_}' AND f.current = 1 {where} ORDER BY f.unit_code, f.subject")
    return (f"SELECT {keys}, COUNT(*), COUNT(DISTINCT unit_id), {_SUMS}, {_GRADES} FROM form_figures "
            f"WHERE year = {YEAR} AND round = '{round_}' AND current = 1 {where} GROUP BY {keys} ORDER BY 1")


# (汇总表, by 主管部门, the plain SQL giving the same groups)
CASES = [
    ("declaration", False, [floor_sql("declaration", "unit")]),
    ("declaration", True, [floor_sql("declaration", "supervisor")]),
    ("monitoring", False, [floor_sql("monitoring", "unit", "AND period = 6"),
                           floor_sql("monitoring", "form", "AND f.period = 6 AND f.impossible >= 1")]),
    ("monitoring", True, [floor_sql("monitoring", "supervisor", "AND period = 6"),
                          floor_sql("monitoring", "form", "AND f.period = 6 AND f.impossible >= 1")]),
    ("evaluation", False, [floor_sql("evaluation", "unit"),
                           floor_sql("evaluation", "form", "AND f.scope = 'department' AND f.grade_rank > 1")]),
    ("evaluation", True, [floor_sql("evaluation", "supervisor"),
                          floor_sql("evaluation", "form", "AND f.scope = 'department' AND f.grade_rank > 1")]),
    ("results", False, [floor_sql("evaluation", "form", "AND f.scope = 'project'"),
                        floor_sql("evaluation", "form", "AND f.scope = 'department'")]),
]


def median_ms(work) -> float:
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        work()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", help="an empty database URL (default: a temporary SQLite file)")
    parser.add_argument("--units", type=int, default=500)
    parser.add_argument("--projects", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = args.db or f"sqlite:///{Path(folder) / 'office.db'}"
        store = Store(url)
        start = time.perf_counter()
        made = load_round(store, YEAR, units=args.units, projects=args.projects, full=False)
        print(f"{args.units} 个单位、{args.units * args.projects} 个项目（{args.units * (3 * args.projects + 1)} 份表单）"
              f"写入并建立汇总索引：{time.perf_counter() - start:.1f} s")
        worst = 0.0
        with store.engine.connect() as conn:
            for kind, by_dept, queries in CASES:
                compose_summary(store, kind, YEAR, by_supervisor=by_dept)  # warm: form files parsed once
                ours = median_ms(lambda: compose_summary(store, kind, YEAR, by_supervisor=by_dept, layout=False))
                floor = median_ms(lambda: [conn.execute(text(q)).all() for q in queries])
                laid = max(0.0, median_ms(lambda: compose_summary(store, kind, YEAR, by_supervisor=by_dept)) - ours)
                if kind != RESULTS:
                    worst = max(worst, ours)
                rows = sum(len(v) for v in compose_summary(store, kind, YEAR, by_supervisor=by_dept,
                                                            layout=False).summary.values.values())
                target = f"目标 ≤ {TARGET_MS:.0f} ms" if kind != RESULTS else "（结果应用清单，逐项目）"
                print(f"{kind:<12}{'按主管部门' if by_dept else '按单位':<6}{rows:>6} 行  {ours:7.1f} ms  "
                      f"（纯 SQL {floor:6.1f} ms，{ours / floor:4.1f} 倍）  {target}；排版网格另需 {laid:.0f} ms")
        cells, board_ms, board_floor = status_board(store, made.units)
        print(f"{'报送情况矩阵':<18}{cells:>6} 格  {board_ms:7.1f} ms  （纯 SQL {board_floor:6.1f} ms，"
              f"{board_ms / board_floor:4.1f} 倍）  目标 ≤ {BOARD_TARGET_MS:.0f} ms")
        store.close()
    print(f"最慢的汇总表（申报、监控、评价）{worst:.1f} ms，目标 ≤ {TARGET_MS:.0f} ms：{'达到' if worst <= TARGET_MS else '未达到'}；"
          f"报送情况矩阵 {board_ms:.1f} ms，目标 ≤ {BOARD_TARGET_MS:.0f} ms：{'达到' if board_ms <= BOARD_TARGET_MS else '未达到'}")
    return 0 if worst <= TARGET_MS and board_ms <= BOARD_TARGET_MS else 1


BOARD_KINDS = ("declaration", "project_monitoring", "evaluation_report", "dept_self_evaluation")


def status_board(store: Store, units) -> tuple[int, float, float]:
    """The round's units in the register, their forms received, the round sent: the matrix timed."""
    office = OfficeStore(store)
    office.import_units([UnitEntry(u.code, u.name, u.supervisor_code, u.supervisor_name, "王建华", "0355-2021234")
                         for u in units])
    now = dt.datetime(YEAR, 11, 1, tzinfo=dt.timezone.utc)
    add_receipts(store, now)
    deadlines = dict(zip(BOARD_KINDS, (dt.date(YEAR - 1, 11, 30), dt.date(YEAR, 7, 31), dt.date(YEAR, 12, 20),
                                       dt.date(YEAR, 12, 20))))
    task = add_round(office, office.units(), deadlines, now)
    return measure(office, task, dt.date(YEAR, 12, 6))


if __name__ == "__main__":
    sys.exit(main())
