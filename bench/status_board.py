"""报送情况 over 10,000 projects across 500 units: median ms to build the matrix (target ≤ 200 ms on
2 cores), beside plain SQL over the same database (the floor: the same rows fetched, nothing built).

Fills a temporary store (bulk-inserted with SQLAlchemy Core on store.engine: the Store API writes
one transaction per form): 500 units under 25 主管部门 in the register, 20 projects each of one
round's three kinds (declaration, project_monitoring, project_self_evaluation) in every status,
each with its 收到报送 in the history, and a 空数据说明 for some; then builds the matrix several times.

    python bench/status_board.py [--db URL]   (URL: an empty database, e.g. "$PERFDESK_TEST_PG_URL")
"""

from __future__ import annotations

import datetime as dt
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import func, insert, select, text  # noqa: E402

from perfdesk.domain.lifecycle import Action, Status  # noqa: E402
from perfdesk.domain.tasks import Deadline, OFFICE_SET, UnitEntry  # noqa: E402
from perfdesk.store import Store  # noqa: E402
from perfdesk.store.office import OfficeStore, board_for  # noqa: E402
from perfdesk.store.tables import empty_statements, form_events, form_instances, office_units, units  # noqa: E402
from perfdesk.catalog.form_files import install as install_catalog  # noqa: E402

install_catalog()  # what the start-up (perfdesk.cli.main) does

UNITS, PROJECTS, YEAR, RUNS, TARGET_MS = 500, 10_000, 2026, 9, 200.0
KINDS = ("declaration", "project_monitoring", "project_self_evaluation")
STATUSES = (Status.DEPT_REVIEW, Status.PERF_REVIEW, Status.APPROVED, Status.RETURNED, Status.FEEDBACK,
            Status.APPROVED, Status.DEPT_REVIEW)


def fill(store: Store) -> OfficeStore:
    office = OfficeStore(store)
    now = dt.datetime(2026, 11, 1, tzinfo=dt.timezone.utc)
    entries = [UnitEntry(f"3{i:05d}", f"第{i + 1}预算单位", f"2{i // 20:02d}", f"第{i // 20 + 1}主管部门",
                         "王建华", "0355-2021234") for i in range(UNITS)]
    office.import_units(entries)
    with store.engine.begin() as conn:
        conn.execute(insert(units), [dict(name=e.name, code=e.code, supervisor_name=e.supervisor_name,
                                          supervisor_code=e.supervisor_code, region="长治市", level="市级",
                                          profile="changzhi", created_at=now) for e in entries])
        ids = dict(conn.execute(select(units.c.code, units.c.id)).all())
        rows = []
        handing_in = [e for i, e in enumerate(entries) if i not in (7, 8, 9)]  # three hand in nothing at all
        for n in range(PROJECTS):
            unit = handing_in[n % len(handing_in)]
            kind = KINDS[(n // len(handing_in)) % len(KINDS)]
            rows.append(dict(unit_id=ids[unit.code], form_id=kind, form_version=1, year=YEAR, title=f"项目{n}",
                             status=STATUSES[n % len(STATUSES)].value, data="{}", amount="12.50", created_at=now,
                             updated_at=now, uid=str(uuid.uuid4()), package_version=1))
        conn.execute(insert(form_instances), rows)
    add_receipts(store, now)
    deadlines = {k: dt.date(YEAR, 7, 31) if k != "project_self_evaluation" else dt.date(YEAR, 12, 20) for k in KINDS}
    add_round(office, entries, deadlines, now)
    return office


def add_receipts(store: Store, now: dt.datetime) -> None:
    """Each form's 收到报送 in its history, on one of the round's days (bulk, as the import writes it)."""
    with store.engine.begin() as conn:
        form_ids = conn.execute(select(form_instances.c.id)).scalars().all()
        conn.execute(insert(form_events), [dict(form_instance_id=i, at=now + dt.timedelta(minutes=i % 5000),
                                                action=Action.RECEIVE.value, target=Status.DEPT_REVIEW.value)
                                           for i in form_ids])


def add_round(office: OfficeStore, entries: list[UnitEntry], deadlines: dict[str, dt.date], now: dt.datetime):
    """The round sent to every unit of the register, and a 空数据说明 from every fiftieth unit."""
    task = office.add_task(uid=str(uuid.uuid4()), year=YEAR, title="预算绩效管理报送", note="", office_code="101001",
                           office_name="长治市财政局", issued_on=dt.date(YEAR, 3, 1),
                           deadlines={k: Deadline(due, OFFICE_SET) for k, due in deadlines.items()},
                           unit_codes=[e.code for e in entries])
    kind = "project_monitoring" if "project_monitoring" in deadlines else next(iter(deadlines))
    with office.store.engine.begin() as conn:
        conn.execute(insert(empty_statements), [
            dict(uid=str(uuid.uuid4()), task_uid=task.uid, unit_code=e.code, unit_name=e.name, form_id=kind,
                 year=YEAR, reason="无数据", version=1, signed_at=now, received_at=now) for e in entries[::50]])
    return task


def plain_sql(store: Store, task) -> int:
    """The floor: the same facts fetched with one statement each (the forms counted per unit, kind and
    status, as the store asks), nothing built from them."""
    e = form_events.c
    f = form_instances.c
    first = (select(func.min(e.at)).where(e.form_instance_id == f.id, e.action == Action.RECEIVE.value)
             .scalar_subquery())
    per_form = (select(units.c.code.label("code"), f.form_id.label("form_id"), f.status.label("status"),
                       first.label("at"))
                .select_from(form_instances.join(units, units.c.id == f.unit_id))
                .where(f.year == task.year, f.form_id.in_(list(task.deadlines)), f.deleted_at.is_(None)).subquery())
    q = (select(per_form.c.code, per_form.c.form_id, per_form.c.status, func.count(), func.min(per_form.c.at))
         .group_by(per_form.c.code, per_form.c.form_id, per_form.c.status))
    with store.engine.connect() as conn:
        n = len(conn.execute(q).all())
        n += len(conn.execute(select(office_units)).all())
        n += len(conn.execute(select(empty_statements).where(empty_statements.c.task_uid == task.uid)).all())
    return n


def timed(fn) -> float:
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def measure(office: OfficeStore, task, today: dt.date) -> tuple[int, float, float]:
    """The matrix's cells, the median ms to build it and the plain SQL floor's."""
    cells = sum(len(r.cells) for r in board_for(office, task, today).rows())
    return cells, timed(lambda: board_for(office, task, today)), timed(lambda: plain_sql(office.store, task))


def main(argv: list[str]) -> int:
    url = argv[argv.index("--db") + 1] if "--db" in argv else None
    with tempfile.TemporaryDirectory() as folder:
        store = Store(url or f"sqlite:///{folder}/bench.db")
        try:
            office = fill(store)
            task = office.tasks("own")[0]
            with store.engine.connect() as conn:
                forms = conn.execute(text("SELECT count(*) FROM form_instances")).scalar()
            cells, board_ms, sql_ms = measure(office, task, dt.date(YEAR, 12, 6))
        finally:
            store.close()
    print(f"报送情况：{UNITS} 个单位 × {len(KINDS)} 种表单 = {cells} 格，{forms} 份表单（{store.url.split(':')[0]}）")
    print(f"构建矩阵（中位数，{RUNS} 次）：{board_ms:.1f} ms（目标 ≤ {TARGET_MS:.0f} ms）")
    print(f"同库纯 SQL 取数（下限）：{sql_ms:.1f} ms；比值 {board_ms / sql_ms:.2f}×")
    return 0 if board_ms <= TARGET_MS else 1


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
