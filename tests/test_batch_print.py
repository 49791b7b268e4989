"""批量打印: many forms in one PDF, a contents page first, in the order asked, cancel leaving nothing."""

from __future__ import annotations

import io
import re
import sqlite3
from pathlib import Path

import pytest
from pypdf import PdfReader

from perfdesk.app.batch_print import BatchCancelled, print_batch, select_forms
from perfdesk.cli import main
from perfdesk.app.operations import grid_for
from perfdesk.render.pdf import render_pdf
from perfdesk.store import Store


def _text(page) -> str:
    return re.sub(r"[\s　]+", "", page.extract_text())


@pytest.fixture(scope="module")
def demo_path(tmp_path_factory, demo_templates) -> Path:
    path = tmp_path_factory.mktemp("batch") / "demo.db"
    demo_templates.copy("full", path)  # `perfdesk demo --year 2027`
    return path


@pytest.fixture
def store(demo_path, tmp_path):
    copy = tmp_path / "demo.db"
    copy.write_bytes(demo_path.read_bytes())
    with Store(f"sqlite:///{copy}") as s:
        yield s


def folder(tmp_path: Path) -> Path:
    """Where the printouts go: apart from the database and its journal files."""
    out = tmp_path / "out"
    out.mkdir(exist_ok=True)
    return out


def test_forms_print_in_the_given_order_after_a_contents_page(store, tmp_path):
    by_title = {f.title: f for f in store.list_summaries()}
    order = [by_title["2027年课后服务保障项目"], by_title["2025年校舍维修改造项目预算绩效评价报告"],
             by_title["2026年校舍维修改造项目（2026年1-6月监控）"]]
    target = tmp_path / "批量.pdf"
    outcome = print_batch(store, select_forms(store, [f.id for f in order]), target)
    reader = PdfReader(target, strict=True)  # a well-formed file: cross-reference, page tree, objects
    pages = [_text(p) for p in reader.pages]
    assert "批量打印目录" in pages[0] and "（共3份表单，打印3份）" in pages[0]
    assert [e.title for e in outcome.entries] == [f.title for f in order]
    # the contents lists each form with its unit and first page, in order; the pages are there
    contents = pages[0]
    positions = [contents.index(f.title) for f in order]
    assert positions == sorted(positions)
    for number, entry in enumerate(outcome.entries, start=1):
        form = entry.title if entry.kind in entry.title else entry.title + entry.kind
        row = f"{number}{form}{entry.unit}{entry.status}{entry.mark}{entry.first_page}"
        assert row + (str(number + 1) if number < len(order) else "注：") in contents
        following = outcome.entries[number].first_page if number < len(order) else len(pages) + 1
        assert entry.pages == following - entry.first_page
        # each form's pages are its own printout, page for page, with the batch page number added
        own = [_text(p) for p in PdfReader(io.BytesIO(render_pdf(grid_for(store, store.get_form(entry.form_instance_id))))).pages]
        printed = pages[entry.first_page - 1:entry.first_page - 1 + entry.pages]
        assert printed == [text + str(entry.first_page + i) for i, text in enumerate(own)]
    assert pages[0].endswith("第1页共1页1")
    assert outcome.pages == len(pages) == 1 + sum(e.pages for e in outcome.entries)


def test_a_form_with_errors_is_printed_and_marked_a_damaged_one_listed(store, tmp_path):
    forms = store.list_summaries()
    flawed = next(f for f in forms if f.title == "2027年校园安全监控系统建设")  # a draft with errors
    damaged = next(f for f in forms if f.title == "2027年校舍维修改造项目")
    with sqlite3.connect(store.url.removeprefix("sqlite:///")) as con:
        con.execute("UPDATE form_instances SET data = '{not json' WHERE id = ?", (damaged.id,))
    outcome = print_batch(store, select_forms(store, [flawed.id, damaged.id, forms[0].id]), tmp_path / "x.pdf")
    contents = _text(PdfReader(tmp_path / "x.pdf").pages[0])
    mark = outcome.entries[0].mark
    assert re.fullmatch(r"有\d+处错误", mark) and mark in contents
    assert "无法打印" in contents and outcome.entries[1].first_page is None
    assert "未能打印" in outcome.summary() and "已损坏" in outcome.summary()
    assert outcome.entries[2].first_page == 2 + outcome.entries[0].pages


def test_cancel_stops_within_a_form_and_writes_nothing(store, tmp_path):
    forms = select_forms(store)
    seen = []

    def progress(number, total, title):
        seen.append(number)

    with pytest.raises(BatchCancelled):
        print_batch(store, forms, folder(tmp_path) / "x.pdf", progress=progress, cancelled=lambda: len(seen) >= 2)
    assert seen == [1, 2]
    assert list(folder(tmp_path).iterdir()) == []  # no file, no temporary one


def test_selection_by_year_kind_status(store):
    monitoring = select_forms(store, kind="项目支出绩效运行监控表")
    assert len(monitoring) == 2 and {f.form_id for f in monitoring} == {"project_monitoring"}
    assert all(f.year == 2026 for f in select_forms(store, year=2026))
    assert {f.status.label for f in select_forms(store, status="草稿")} == {"草稿"}


def test_cli_prints_a_batch_and_ctrl_c_leaves_no_file(store, tmp_path, capsys, monkeypatch):
    url = store.url
    out_file = folder(tmp_path) / "out.pdf"
    assert main(["print-batch", "--kind", "declaration", "--year", "2027", "--out", str(out_file), "--db", url]) == 0
    out, err = capsys.readouterr()
    wanted = len([f for f in store.list_summaries(year=2027, form_id="declaration")])
    assert f"已打印 {wanted} 份表单（共 {wanted} 份）" in out and f"[{wanted}/{wanted}]" in err
    assert len(PdfReader(out_file).pages) > wanted
    out_file.unlink()

    import perfdesk.app.batch_print as batch

    real = batch._render
    calls = []

    def interrupted(store, entry):
        calls.append(entry)
        if len(calls) == 3:
            raise KeyboardInterrupt
        return real(store, entry)

    monkeypatch.setattr(batch, "_render", interrupted)
    assert main(["print-batch", "--out", str(out_file), "--db", url]) == 130
    assert "已取消" in capsys.readouterr().err
    assert list(folder(tmp_path).iterdir()) == []
    assert main(["print-batch", "--status", "没有", "--out", str(out_file), "--db", url]) == 1
    assert "没有“没有”这种状态" in capsys.readouterr().err
