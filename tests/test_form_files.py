"""Form and profile files are checked when they load, and `perfdesk forms lint` prints every problem
with its line: the defects a maintainer makes by hand (a misspelt key, a dangling field, a row whose
spans do not add up, a misspelt rule), each found where it is, and every shipped file clean."""

from __future__ import annotations

import re

import pytest

from perfdesk.cli import main
from perfdesk.catalog.form_reading import load_form
from perfdesk.domain.formdef import FormDefinitionError
from perfdesk.domain.registry import FORM_FILES
from perfdesk.paths import forms_dir

DECLARATION = (forms_dir() / "declaration.yaml").read_text(encoding="utf-8")

# (name, text in the shipped declaration, its defective replacement, what the message says)
DEFECTS = [
    ("unknown key", "- {field: project_name, span: 11}", "- {feild: project_name, span: 11}",
     "无法识别的键“feild”", "是否应为“field”"),
    ("dangling field", "- {field: supervisor_head, span: 4}", "- {field: supervisor_haed, span: 4}",
     "引用了不存在的字段“supervisor_haed”", "是否应为“supervisor_head”"),
    ("bad span", "- {field: supervisor_code, span: 5}", "- {field: supervisor_code, span: 6}",
     "这一行的单元格宽度合计 24 栏，应为 23 栏", "span"),
    ("unknown rule", "  - rule: date_order\n", "  - rule: date_ordr\n",
     "校验规则“date_ordr”无法识别", "是否应为“date_order”"),
]


def _line_of(text: str, needle: str, row_start: bool = False) -> int:
    """1-based line of `needle`; for a span defect, the line of the row (`- cells:`) holding it."""
    lines = text.splitlines()
    index = next(i for i, line in enumerate(lines) if needle.strip() in line)
    if row_start:
        while "cells:" not in lines[index]:
            index -= 1
    return index + 1


def _lint(capsys, *paths) -> tuple[int, str]:
    code = main(["forms", "lint", *map(str, paths)])
    return code, capsys.readouterr().out


@pytest.mark.parametrize("name,shipped,broken,message,hint", DEFECTS, ids=[d[0] for d in DEFECTS])
def test_lint_and_load_name_each_defect_at_its_line(tmp_path, capsys, name, shipped, broken, message, hint):
    assert DECLARATION.count(shipped) == 1
    text = DECLARATION.replace(shipped, broken)
    path = tmp_path / "declaration.yaml"
    path.write_text(text, encoding="utf-8")
    line = _line_of(text, broken, row_start=name == "bad span")

    code, out = _lint(capsys, path)
    assert code == 1
    problem = next(x for x in out.splitlines() if message in x)
    assert problem.startswith(f"{path} 第 {line} 行：") and hint in problem
    assert f"{path}：共 1 个问题" in out

    with pytest.raises(FormDefinitionError) as refused:  # load refuses it with the same words
        load_form(path)
    assert f"declaration.yaml 第 {line} 行：" in str(refused.value) and message in str(refused.value)
    assert [p.line for p in refused.value.problems] == [line]


def test_lint_lists_every_problem_not_only_the_first(tmp_path, capsys):
    text = DECLARATION
    for _, shipped, broken, _, _ in DEFECTS:
        text = text.replace(shipped, broken)
    path = tmp_path / "declaration.yaml"
    path.write_text(text, encoding="utf-8")
    code, out = _lint(capsys, path)
    assert code == 1
    for name, _, broken, message, _ in DEFECTS:
        assert f"第 {_line_of(text, broken, row_start=name == 'bad span')} 行：" in next(
            x for x in out.splitlines() if message in x)
    assert "共 4 个问题" in out


def test_duplicate_ids_and_wrong_kind_of_cell_are_refused(tmp_path):
    text = DECLARATION.replace("  applicant_head:\n", "  applicant_name:\n    label: 重复\n  applicant_head:\n", 1)
    text = text.replace("- {column: name, span: 7, align: left}", "- {points: true, span: 7}")
    path = tmp_path / "declaration.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(FormDefinitionError) as refused:
        load_form(path)
    message = str(refused.value)
    assert f"第 {_line_of(text, 'label: 重复') - 1} 行：“applicant_name”重复出现" in message
    assert re.search(r"第 \d+ 行：layout\.body\.2\.rows\.0\.rows\.1\.cells\.0 这里不能用“points”单元格", message)


def test_a_bad_migration_is_refused_by_lint_at_the_migrations_line(tmp_path, capsys):
    # the version steps are typed by domain/form_migrations.py; lint and load report them like any other problem
    text = DECLARATION.replace("fields:\n", "migrations:\n  - to: 2\n    steps:\n      - rename: {from: a, too: b}\n"
                               "fields:\n", 1)
    path = tmp_path / "declaration.yaml"
    path.write_text(text, encoding="utf-8")
    code, out = _lint(capsys, path)
    assert code == 1
    assert f"{path} 第 {_line_of(text, 'migrations:')} 行：" in out and "rename.too：无法识别的键" in out
    with pytest.raises(FormDefinitionError, match="无法识别的键"):
        load_form(path)


def test_every_shipped_form_and_profile_passes_lint(capsys):
    summaries = sorted(forms_dir().glob("summary_*.yaml"))  # the 汇总表, their `summary:` block checked too
    files = ([forms_dir() / f for f in FORM_FILES.values()] + summaries
             + sorted((forms_dir() / "profiles").glob("*.yaml")))
    code, out = _lint(capsys, *files)
    assert code == 0, out
    assert len(summaries) == 4
    assert out.count("没有发现问题") == len(files) == len(FORM_FILES) + 4 + 5


def test_lint_checks_a_summary_tables_aggregation(tmp_path, capsys):
    text = (forms_dir() / "summary_declaration.yaml").read_text(encoding="utf-8")
    path = tmp_path / "summary_declaration.yaml"
    path.write_text(text.replace("requested: {sum: requested}", "requested: {summ: requested}", 1), encoding="utf-8")
    code, out = _lint(capsys, path)
    assert code == 1
    assert f"第 {_line_of(text, 'summary:')} 行：" in out and "无法识别的汇总表达式" in out


def test_lint_names_a_profile_problem_at_its_line(tmp_path, capsys):
    text = ((forms_dir() / "profiles") / "xinzhou.yaml").read_text(encoding="utf-8").replace("grades:", "gradez:", 1)
    path = tmp_path / "profiles" / "xinzhou.yaml"
    path.parent.mkdir()
    path.write_text(text, encoding="utf-8")
    code, out = _lint(capsys, path)
    assert code == 1
    assert f"{path} 第 {_line_of(text, 'gradez:')} 行：无法识别的键“gradez”，是否应为“grades”？" in out


def test_lint_says_a_file_is_not_yaml_at_its_line(tmp_path, capsys):
    path = tmp_path / "declaration.yaml"
    path.write_text(DECLARATION.replace("  columns: 24", "  columns: [24"), encoding="utf-8")
    code, out = _lint(capsys, path)
    assert code == 1 and "不是有效的 YAML" in out and re.search(r"第 \d+ 行", out)


def test_forms_list_shows_id_version_name_and_source(capsys):
    assert main(["forms", "list"]) == 0
    out = capsys.readouterr().out
    line = next(x for x in out.splitlines() if x.startswith("declaration\t"))
    assert line.split("\t")[1:] == ["第 1 版", "预算支出绩效目标申报表", "随程序安装", str(forms_dir() / "declaration.yaml"),
                                  "第1版"]
    assert sum(1 for x in out.splitlines() if x.split("\t")[0] in FORM_FILES) == len(FORM_FILES)
    assert any(x.startswith("changzhi\t") for x in out.splitlines())


def test_forms_list_names_a_variant_given_by_forms_dir(tmp_path, capsys):
    (tmp_path / "declaration.yaml").write_text(DECLARATION, encoding="utf-8")
    assert main(["--forms", str(tmp_path), "forms", "list"]) == 0
    line = next(x for x in capsys.readouterr().out.splitlines() if x.startswith("declaration\t"))
    assert line.split("\t")[3:5] == ["--forms", str(tmp_path / "declaration.yaml")]
