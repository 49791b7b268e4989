"""批量打印: many forms into one PDF, a contents page first, in the order given; shared by the CLI
(`perfdesk print-batch`) and the GUI (文件 → 批量打印…).

Memory stays flat however many forms there are: each form is read, checked, rendered and its pages
copied into the output file (render/pdf_stream.py), then dropped. The contents page needs each
form's first page, known only once the forms before it are printed: its page count is fixed first
(one row per form, every row the same height whatever its page number or mark), the forms are
numbered after it, and the contents is drawn last and put first in the page tree.

A form with errors is printed all the same, marked in the contents (有 N 处错误): a finance office
printing a round wants every form that came in on the desk, and the mark keeps an unchecked one from
passing as checked; a form that cannot be read or drawn is listed as 无法打印 with the reason, and the
others print.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from pypdf import PdfReader

from perfdesk.errors import UserError
from perfdesk.app.operations import OperationError, check, check_targets, grid_for, staged
from perfdesk.render.grid import Cell, Grid, printable
from perfdesk.render.pdf import render_pdf
from perfdesk.render.pdf_stream import StreamedPdf
from perfdesk.store import FormSummary, Store

CONTENTS_TITLE = "批量打印目录"
_PAGE_PLACEHOLDER = "999999"  # as wide as any page number: the contents' rows do not change height


class BatchCancelled(Exception):
    """The clerk cancelled; nothing was written."""


@dataclass
class BatchEntry:
    form_instance_id: int
    title: str
    kind: str  # the form's printed name (预算支出绩效目标申报表)
    unit: str
    status: str
    first_page: int | None = None  # in the batch PDF, contents included; None: not printed
    pages: int = 0
    errors: int = 0  # printed all the same, marked
    failure: str = ""  # why it could not be printed

    @property
    def mark(self) -> str:
        if self.failure:
            return "无法打印"
        return f"有{self.errors}处错误" if self.errors else ""


@dataclass
class BatchOutcome:
    path: Path
    entries: list[BatchEntry] = field(default_factory=list)
    pages: int = 0

    def summary(self) -> str:
        printed = sum(1 for e in self.entries if e.first_page is not None)
        lines = [f"已打印 {printed} 份表单（共 {len(self.entries)} 份），{self.pages} 页：{self.path}"]
        flawed = [e for e in self.entries if e.errors and not e.failure]
        if flawed:
            lines.append(f"其中 {len(flawed)} 份有错误，已照印并在目录中标注：" + "、".join(e.title for e in flawed[:10])
                         + ("等" if len(flawed) > 10 else ""))
        for e in self.entries:
            if e.failure:
                lines.append(f"未能打印：{e.form_instance_id}“{e.title}”：{e.failure}")
        return "\n".join(lines)


def select_forms(store: Store, ids: list[int] | None = None, *, year: int | None = None, kind: str | None = None,
                 status: str | None = None) -> list[FormSummary]:
    """The forms to print, in the order given (ids), else in the list's order (newest first), kept
    to those of the year, kind (form id such as declaration, or its printed name) and status."""
    from perfdesk.domain.lifecycle import status_named
    from perfdesk.domain.registry import FORM_FILES, form_name

    form_id = None
    if kind:
        form_id = next((k for k in FORM_FILES if kind in (k, form_name(k))), None)
        if form_id is None:
            names = "、".join(f"{k}（{form_name(k)}）" for k in FORM_FILES)
            raise OperationError(f"没有“{kind}”这种表单，可选：{names}")
    wanted = status_named(status) if status else None
    if ids:
        chosen = [store.get_summary(i) for i in dict.fromkeys(ids)]
        for s in chosen:
            if s.deleted_at is not None:
                raise OperationError(f"表单 {s.id}“{s.title}”在回收站中，请先恢复再打印")
        chosen = [s for s in chosen if (year is None or s.year == year) and (form_id is None or s.form_id == form_id)]
    else:
        chosen = store.list_summaries(year=year, form_id=form_id)
    if wanted is not None:
        chosen = [s for s in chosen if s.status.label == wanted.label]
    return chosen


def print_batch(store: Store, forms: list[FormSummary], target: Path, *,
                progress: Callable[[int, int, str], None] | None = None,
                cancelled: Callable[[], bool] | None = None) -> BatchOutcome:
    """Print `forms` into `target` (all of it, or on cancel or failure nothing: the file is written
    under a temporary name and put in place at the end). progress(number, total, title) before each
    form; cancelled() is asked before each form (a form takes well under a second)."""
    if not forms:
        raise OperationError("没有要打印的表单：请选择表单，或放宽年度、种类、状态的条件")
    target = Path(target)
    check_targets(target, None)
    entries = _entries(store, forms)
    contents_pages = _page_count(render_pdf(contents_grid(entries, placeholder=True)))
    with staged(target) as out:  # all of it or, on cancel or failure, nothing at the target
        pdf = StreamedPdf(out, title=CONTENTS_TITLE)
        page_objects: list[int] = []
        next_page = contents_pages + 1
        for number, entry in enumerate(entries, start=1):
            if cancelled is not None and cancelled():
                raise BatchCancelled()
            if progress is not None:
                progress(number, len(entries), entry.title)
            printed = _render(store, entry)
            if printed is None:
                continue
            added = pdf.append(printed, numbers_from=next_page)
            entry.first_page, entry.pages = next_page, len(added)
            next_page += len(added)
            page_objects += added
        contents = render_pdf(contents_grid(entries))
        if _page_count(contents) != contents_pages:  # the rows' heights do not depend on the numbers
            raise AssertionError("the contents changed its page count")
        first = pdf.append(contents, numbers_from=1)
        pdf.finish(first + page_objects)
    _note_printed(store, entries, target)
    return BatchOutcome(path=target, entries=entries, pages=next_page - 1)


def _note_printed(store: Store, entries: list[BatchEntry], target: Path) -> None:
    """Printing moves no status; each printed form's history notes it, as `export` does."""
    from perfdesk.domain.lifecycle import Action

    if store.read_only:
        return
    with store.atomic():
        for e in entries:
            if e.first_page is not None:
                store.note_event(e.form_instance_id, Action.EXPORT, detail={"files": [str(target)], "batch": True})


def _entries(store: Store, forms: list[FormSummary]) -> list[BatchEntry]:
    from perfdesk.domain.registry import form_name

    units = {u.id: u.name for u in store.units()}
    return [BatchEntry(f.id, f.title, form_name(f.form_id) or f.form_id, units.get(f.unit_id, ""), f.status.display)
            for f in forms]


def _render(store: Store, entry: BatchEntry) -> bytes | None:
    """The form's own PDF, as `perfdesk export` prints it; None (and entry.failure) if it cannot be."""
    try:
        record = store.get_form(entry.form_instance_id)
        entry.errors = sum(1 for finding in check(store, record) if finding.blocks_export)
        return render_pdf(grid_for(store, record))
    except UserError as exc:  # a damaged document, a profile this version does not know …
        entry.failure = str(exc)
        return None


def _page_count(pdf: bytes) -> int:
    return len(PdfReader(io.BytesIO(pdf)).pages)


# The contents: 24 columns of 7.5 mm, as the portrait forms.
_COLUMNS = (("序号", 2), ("表单", 8), ("单位", 5), ("状态", 4), ("备注", 3), ("页码", 2))


def contents_grid(entries: list[BatchEntry], placeholder: bool = False) -> Grid:
    """The contents as a grid, printed by the same engine as the forms (its header repeats)."""
    printed = len(entries) if placeholder else sum(1 for e in entries if e.first_page is not None)
    grid = Grid(columns=24, column_mm=7.5, orientation="portrait", title=CONTENTS_TITLE,
                subtitle=f"（共 {len(entries)} 份表单，打印 {printed} 份）",
                above=[], below=[("注：页码为本文件中的页序，印在每页右下角；备注中“有错误”的表单照印，仅供审阅，"
                                  "“无法打印”的表单未印入本文件。", "left")])
    grid.n_rows = len(entries) + 1
    grid.is_header = [True] + [False] * len(entries)
    grid.headers = [()] + [(0,)] * len(entries)
    col = 0
    for name, span in _COLUMNS:
        grid.cells.append(Cell(0, col, span, 1, name, "label"))
        col += span
    for row, e in enumerate(entries, start=1):
        page = _PAGE_PLACEHOLDER if placeholder else ("—" if e.first_page is None else str(e.first_page))
        form = e.title if e.kind in e.title else f"{e.title}\n{e.kind}"
        texts = (str(row), form, e.unit, e.status, "无法打印" if placeholder else e.mark, page)
        col = 0
        for (name, span), text in zip(_COLUMNS, texts):
            align = "left" if name in ("表单", "单位") else "center"
            grid.cells.append(Cell(row, col, span, 1, printable(text), "value", align,
                                   min_lines=2 if name == "备注" else 1))
            col += span
    return grid
