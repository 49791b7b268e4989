"""The 审核意见 rows printed at three installations (a unit, its 主管部门, the finance office) as the
form walks 一上/一下/二上/二下 through the CLI verbs: one return with two per-field reasons, a
resubmission, the approval and an 申请调整. After each hop every installation's PDF prints the
sign-offs of the version it holds, with the deciding body, the reviewer and the day; an earlier
round's text never prints on a later version; and `perfdesk status` credits each decision to the
body that took it (issue #21 items 1 and 2)."""

from __future__ import annotations

import datetime as dt
import re
import subprocess

import pytest

from perfdesk.cli import main

UNIT, SUPERVISOR, OFFICE = "长治市第一中学", "长治市教育局", "长治市财政局"
FORM = "1"  # 2027年校舍维修改造项目, a checked declaration in the demo
FIRST = "同意报送，建议安排资金。"  # the 主管部门 on version 1
RETURN = "部分内容需补充完善，退回修改。"  # the 业务科室's return of version 1
SECOND = "已按意见修改，建议安排资金。"  # the 主管部门 on version 2
DEPT = "绩效目标与预算资金相匹配，同意。"  # the 业务科室 on version 2
PERF = "经专家审定，绩效目标合理可行，同意批复。"  # the 预算绩效管理科 on version 2
TODAY = dt.date.today()
DAY = f"{TODAY.year}年{TODAY.month}月{TODAY.day}日"


class Installation:
    """One PerfDesk: its own database (its keys are in it) driven through the CLI verbs."""

    def __init__(self, name: str, folder, capsys) -> None:
        self.name, self.folder, self.capsys = name, folder, capsys
        self.db = f"sqlite:///{folder / (name + '.db')}"
        self.form: str | None = None  # the id of its copy of the form

    def run(self, *argv: str, ok: bool = True) -> str:
        self.capsys.readouterr()
        code = main(["--db", self.db, *argv])
        captured = self.capsys.readouterr()
        out = captured.out + captured.err
        assert (code == 0) is ok, f"{self.name} {argv}: {out}"
        return out

    def take(self, package) -> None:
        out = self.run("import", "--trust-new", str(package))
        assert "导入 1 个" in out or "更新 1 个" in out, out
        self.form = self.form or next(line.split("\t")[0] for line in self.run("list").splitlines()
                                      if "2027年校舍维修改造项目" in line and line.split("\t")[0].isdigit())

    def printed(self, *extra: str) -> str:
        """The 审核意见 block of its PDF as pdftotext reads it, one row per line, spaces collapsed."""
        target = self.folder / f"{self.name}-print.pdf"
        self.run("export", self.form, "--pdf", str(target), *extra)
        text = subprocess.run(["pdftotext", "-layout", str(target), "-"], capture_output=True, text=True,
                              check=True).stdout.splitlines()
        start = next(i for i, line in enumerate(text) if "其他需要说明" in line)
        end = next(i for i, line in enumerate(text) if "注：本表一式" in line)
        kept = [re.sub(r"\s+", " ", line).strip() for line in text[start + 1:end]]
        return "\n".join(line for line in kept if line and not re.search(r"的情况$|第\d+页共\d+页|（续）$", line))

    def status(self) -> str:
        return self.run("status", self.form)


@pytest.fixture
def chain(tmp_path, capsys, monkeypatch, demo_templates):
    monkeypatch.setenv("PERFDESK_PASSPHRASE", "chain-passphrase")
    unit, sup, office = (Installation(n, tmp_path, capsys) for n in ("unit", "supervisor", "office"))
    demo_templates.copy("full", tmp_path / "unit.db")  # `perfdesk demo --year 2027` at the unit
    unit.form = FORM
    unit.run("identity", "create", "--unit", "201003")
    sup.run("identity", "create", "--unit", "201", "--name", SUPERVISOR, "--region", "长治市")
    sup.run("role", "supervisor")
    office.run("identity", "create", "--unit", "101001", "--name", OFFICE, "--region", "长治市")
    office.run("role", "finance")
    return unit, sup, office


def _signed(block: str, opinion: str, body: str, reviewer: str) -> None:
    """The row of one level: its opinion, its reviewer, and the body that decided with the day."""
    assert opinion in block, block
    assert f"审核人：{reviewer}" in block, block
    assert f"{body} {DAY}" in block, block


def _blank(block: str) -> None:
    """No level has signed: no reviewer, no body, no day."""
    assert len(re.findall(r"审核人：\s*单位公章", block)) == 3, block
    for word in (SUPERVISOR, OFFICE, DAY, FIRST, RETURN, SECOND, DEPT, PERF):
        assert word not in block, block


def _same(*installations: Installation) -> str:
    blocks = [i.printed() for i in installations]
    assert all(b == blocks[0] for b in blocks), "\n----\n".join(blocks)
    return blocks[0]


def _credited(status: str) -> None:
    """Every decision in the history is the deciding body's, never the unit's."""
    decided = [line for line in status.splitlines()
               if re.search(r"审核通过|退回修改|收到审核结果", line) and "年" in line and "第" in line]
    assert decided, status
    for line in decided:
        assert UNIT not in line and (SUPERVISOR in line or OFFICE in line), line
    assert f"（{UNIT}" not in _opinions(status), status  # 各级审核意见: 主管部门（长治市教育局（赵红梅），…


def _opinions(status: str) -> str:
    return status.split("各级审核意见：")[1].split("流转记录：")[0]


def test_the_printed_opinions_are_the_same_at_three_installations_and_the_current_versions(chain, tmp_path):
    unit, sup, office = chain
    # 一上: the unit sends version 1; nobody has signed it yet.
    unit.run("package", FORM, "--out", str(tmp_path / "v1.pdpkg"))
    sup.take(tmp_path / "v1.pdpkg")
    _blank(_same(unit, sup))
    # The 主管部门 signs and forwards it: its copy and the office's print its row.
    sup.run("review", sup.form, "--approve", "--opinion", FIRST, "--reviewer", "赵红梅", "--out",
            str(tmp_path / "f1.pdpkg"))
    office.take(tmp_path / "f1.pdpkg")
    block = _same(sup, office)
    _signed(block, FIRST, SUPERVISOR, "赵红梅")
    _blank(unit.printed())  # the unit has heard nothing yet
    # The 业务科室 returns version 1 with two reasons: a return is no sign-off, its text is the history's.
    office.run("review", office.form, "--return", "--opinion", RETURN, "--reviewer", "李明",
               "--letter", "请补充后重新报送。", "--reason", "necessity=请补充立项的必要性",
               "--reason", "annual_goal=请细化年度目标", "--out", str(tmp_path / "r1.pdpkg"))
    sup.take(tmp_path / "r1.pdpkg")
    sup.run("forward", sup.form, "--note", "请按意见修改后重报。", "--out", str(tmp_path / "d1.pdpkg"))
    unit.take(tmp_path / "d1.pdpkg")
    block = _same(unit, sup, office)
    _signed(block, FIRST, SUPERVISOR, "赵红梅")
    assert RETURN not in block and "李明" not in block
    statuses = [i.status() for i in (unit, sup, office)]
    for status in statuses:
        _credited(status)
        assert "申报的必要性：请补充立项的必要性" in status and "年度目标：请细化年度目标" in status
    assert _opinions(statuses[0]) == _opinions(statuses[1]) == _opinions(statuses[2])

    # 二上: the unit fixes what was returned and sends version 2; version 1's words do not follow it.
    from perfdesk.store import Store

    store = Store(unit.db)
    record = store.get_form(int(FORM))
    store.save_form(record.id, data=dict(record.data, necessity=record.data["necessity"] + "已补充政策依据。",
                                         annual_goal=record.data["annual_goal"] + "（已细化）"))
    store.close()
    unit.run("package", FORM, "--out", str(tmp_path / "v2.pdpkg"))
    sup.take(tmp_path / "v2.pdpkg")
    _blank(_same(unit, sup))
    sup.run("review", sup.form, "--approve", "--opinion", SECOND, "--reviewer", "赵红梅", "--out",
            str(tmp_path / "f2.pdpkg"))
    office.take(tmp_path / "f2.pdpkg")
    block = _same(sup, office)
    _signed(block, SECOND, SUPERVISOR, "赵红梅")
    assert FIRST not in block
    # The 业务科室 approves here (no package: the 预算绩效管理科 is at the same office) …
    office.run("review", office.form, "--approve", "--opinion", DEPT, "--reviewer", "李明")
    block = office.printed()
    _signed(block, SECOND, SUPERVISOR, "赵红梅")
    _signed(block, DEPT, OFFICE, "李明")
    _credited(office.status())
    # … the 预算绩效管理科 signs the 二下 answer, and the 主管部门 relays it down.
    office.run("review", office.form, "--approve", "--opinion", PERF, "--reviewer", "周静",
               "--actual", "appropriation=140.00", "--out", str(tmp_path / "a2.pdpkg"))
    sup.take(tmp_path / "a2.pdpkg")
    sup.run("forward", sup.form, "--note", "请查收批复。", "--out", str(tmp_path / "d2.pdpkg"))
    unit.take(tmp_path / "d2.pdpkg")
    approved = _same(unit, sup, office)
    _signed(approved, SECOND, SUPERVISOR, "赵红梅")
    _signed(approved, DEPT, OFFICE, "李明")
    _signed(approved, PERF, OFFICE, "周静")
    for earlier in (FIRST, RETURN):
        assert earlier not in approved, approved
    statuses = [i.status() for i in (unit, sup, office)]
    for status in statuses:
        _credited(status)
    assert _opinions(statuses[0]) == _opinions(statuses[1]) == _opinions(statuses[2])
    assert f"二上 财政局业务科室（{OFFICE}（李明），{DAY}）审核通过：{DEPT}" in statuses[0]

    # 申请调整: the adjusted form is not yet reviewed; the approved version prints as the others hold it.
    unit.run("adjust", FORM, "--reason", "实施地点调整。")
    _blank(unit.printed())
    assert unit.printed("--approved") == approved == _same(sup, office)


def test_a_second_round_approval_at_the_office_names_the_office_not_the_unit(chain, tmp_path):
    unit, sup, office = chain
    unit.run("package", FORM, "--out", str(tmp_path / "v1.pdpkg"))
    office.take(tmp_path / "v1.pdpkg")  # a unit whose 主管部门 does not review: straight to the office
    office.run("review", office.form, "--approve", "--opinion", "同意。", "--reviewer", "李明",
               "--letter", "请在二上时细化指标。", "--out", str(tmp_path / "r1.pdpkg"))
    unit.take(tmp_path / "r1.pdpkg")
    unit.run("package", FORM, "--out", str(tmp_path / "v2.pdpkg"))
    office.take(tmp_path / "v2.pdpkg")
    office.run("review", office.form, "--approve", "--opinion", DEPT, "--reviewer", "李明")
    status = office.status()
    assert f"{OFFICE}（李明）" in status.splitlines()[1], status  # the banner's headline
    _credited(status)


def test_a_review_without_its_text_says_which_option_gives_it(chain, tmp_path):
    unit, sup, office = chain
    unit.run("package", FORM, "--out", str(tmp_path / "v1.pdpkg"))
    office.take(tmp_path / "v1.pdpkg")
    out = office.run("review", office.form, "--approve", "--out", str(tmp_path / "r.pdpkg"), ok=False)
    assert "财政局业务科室审核通过须填写审核意见" in out and "--opinion" in out, out
    out = office.run("review", office.form, "--return", "--out", str(tmp_path / "r.pdpkg"), ok=False)
    assert "退回修改须写明反馈意见" in out and "--letter" in out, out
    sup.take(tmp_path / "v1.pdpkg")
    out = sup.run("forward", sup.form, "--out", str(tmp_path / "f.pdpkg"), ok=False)
    assert "主管部门审核通过须填写审核意见" in out and "--opinion" in out, out


def test_the_demo_prints_each_levels_sign_off_of_the_version_it_holds(tmp_path, capsys, demo_templates):
    demo = Installation("demo", tmp_path, capsys)
    demo_templates.copy("full", tmp_path / "demo.db")  # `perfdesk demo --year 2027`
    ids = {line.split("\t")[-1]: line.split("\t")[0] for line in demo.run("list").splitlines() if "\t" in line}
    demo.form = ids["2027年学生食堂设备更新项目"]  # approved in 二下, through the 主管部门 and both office levels
    approved = demo.printed()
    day = "2026年12月20日"  # the demo's decisions are dated
    for opinion, body, reviewer in (("绩效目标符合申报要求，建议安排资金。", SUPERVISOR, "赵红梅"),
                                    ("绩效目标与预算资金相匹配，指标可衡量，同意。", OFFICE, "李明"),
                                    ("经专家审定，绩效目标合理可行，同意批复。", OFFICE, "周静")):
        assert opinion in approved and f"审核人：{reviewer}" in approved and f"{body} {day}" in approved, approved
    workbook = tmp_path / "approved.xlsx"  # the Excel copy is laid out from the same rows
    demo.run("export", demo.form, "--xlsx", str(workbook))
    from openpyxl import load_workbook

    cells = " ".join(str(c.value) for row in load_workbook(workbook).active.iter_rows() for c in row if c.value)
    assert "审核人：周静" in cells and f"{OFFICE}　{day}" in cells and "经专家审定" in cells, cells[-600:]
    demo.form = ids["2027年学生宿舍改造项目"]  # 申请调整中: the draft is unsigned, the approved version is not
    _blank(demo.printed())
    assert demo.printed("--approved") == approved
    demo.form = ids["2026年高标准农田建设项目"]  # a county unit: its own 县财政局 signed
    assert "长子县财政局 2025年12月20日" in demo.printed()


# --- the rule itself, over history entries as any installation keeps them ----------------------

def _entry(action, actor, version, *, opinion=None, name="", target=None, detail=None, at=None):
    from types import SimpleNamespace

    from perfdesk.domain.lifecycle import Status

    return SimpleNamespace(action=action, actor=actor, package_version=version, opinion=opinion, letter=None,
                           actor_name=name, round="二下", target=target or Status.APPROVED, detail=detail or {},
                           at=at or dt.datetime(2027, 3, 1, 2, 0, tzinfo=dt.timezone.utc))


def test_an_answer_from_before_the_reviewer_was_carried_still_names_body_reviewer_and_day():
    from perfdesk.domain.lifecycle import Action, Actor, Status
    from perfdesk.domain.review_opinions import printed_opinions

    old = {"opinions": [{"level": "supervisor", "name": "长治市教育局（赵红梅）", "opinion": "同意转报。",
                         "at": "2027-02-27T09:00:00+00:00", "round": "二上"},
                        {"level": "finance_dept", "name": "长治市财政局（李明）", "opinion": "同意。",
                         "at": "2027-02-28T09:00:00+00:00", "round": "二上"}]}
    history = [_entry(Action.RESULT, Actor.PERF_MGMT, 2, opinion="同意批复。", name="长治市财政局（周静）",
                      detail={**old, "reviewer": "周静"})]
    signed = printed_opinions(history, 2, Status.APPROVED)
    assert [(d.level, d.body, d.reviewer, d.day, d.opinion) for d in signed.values()] == [
        (Actor.SUPERVISOR, "长治市教育局", "赵红梅", dt.date(2027, 2, 27), "同意转报。"),
        (Actor.FINANCE_DEPT, "长治市财政局", "李明", dt.date(2027, 2, 28), "同意。"),
        (Actor.PERF_MGMT, "长治市财政局", "周静", dt.date(2027, 3, 1), "同意批复。")]
    assert printed_opinions(history, 3, Status.SUBMITTED) == {}  # version 3 is signed by nobody yet
    assert printed_opinions(history, 2, Status.ADJUSTING) == {}


def test_a_level_that_answers_the_same_version_again_prints_its_last_answer_and_a_return_prints_nothing():
    from perfdesk.domain.lifecycle import Action, Actor, Status
    from perfdesk.domain.review_opinions import printed_opinions

    first = _entry(Action.RESULT, Actor.FINANCE_DEPT, 1, opinion="同意。", name="长治市财政局（李明）",
                   target=Status.FEEDBACK)
    again = _entry(Action.RESULT, Actor.FINANCE_DEPT, 1, opinion="部分内容需补充完善，退回修改。",
                   name="长治市财政局（李明）", target=Status.RETURNED)
    assert printed_opinions([first], 1, Status.FEEDBACK)[Actor.FINANCE_DEPT].opinion == "同意。"
    assert printed_opinions([first, again], 1, Status.RETURNED) == {}


def test_a_departments_own_form_prints_the_supervisor_row_it_filled_itself():
    from perfdesk.domain.registry import get_form
    from perfdesk.domain.review_cells import printed_cells

    form = get_form("declaration")
    doc = {"supervisor_opinion": "同意报送。", "supervisor_reviewer": "王强", "supervisor_review_date": "2027-03-01",
           "finance_dept_opinion": "旧的意见"}
    cells, bodies = printed_cells(form, {}, doc, own_supervisor="长治市教育局")
    assert cells["supervisor_opinion"] == "同意报送。" and bodies == {"supervisor_opinion": "长治市教育局"}
    assert cells["finance_dept_opinion"] is None
    cells, bodies = printed_cells(form, {}, doc)  # another unit's 主管部门 signs through the chain only
    assert cells["supervisor_opinion"] is None and bodies == {}


def test_the_editors_banner_names_the_office_after_its_second_round_approval_in_the_dialog(qtbot, chain, tmp_path):
    from PySide6.QtCore import Qt

    from gui_support import type_chinese
    from perfdesk.store import Store
    from perfdesk.ui.editor import FormEditor

    unit, _sup, office = chain
    unit.run("package", FORM, "--out", str(tmp_path / "v1.pdpkg"))
    office.take(tmp_path / "v1.pdpkg")
    office.run("review", office.form, "--approve", "--opinion", "同意。", "--reviewer", "李明",
               "--letter", "请在二上时细化指标。", "--out", str(tmp_path / "r1.pdpkg"))
    unit.take(tmp_path / "r1.pdpkg")
    unit.run("package", FORM, "--out", str(tmp_path / "v2.pdpkg"))
    office.take(tmp_path / "v2.pdpkg")
    store = Store(office.db)
    try:
        editor = FormEditor(store, int(office.form), role="finance", autosave_ms=50)
        qtbot.addWidget(editor)
        dialog = editor.open_review()  # 二上 at the 业务科室: approved here, no package
        type_chinese(dialog.opinion, "同意")
        type_chinese(dialog.reviewer, "李明")
        qtbot.mouseClick(dialog.approve, Qt.MouseButton.LeftButton)
        dialog.accept()
        after = FormEditor(store, int(office.form), role="finance", autosave_ms=50)
        qtbot.addWidget(after)
        headline, listed = after.banner.headline.text(), after.banner.opinions.text()
        assert f"{OFFICE}（李明）" in headline and UNIT not in headline, headline
        assert f"二上　财政局业务科室（{OFFICE}（李明）" in listed and f"（{UNIT}" not in listed, listed
        editor.close()
        after.close()
    finally:
        store.close()


def test_the_review_dialog_says_where_to_write_the_missing_opinion_not_the_cli_option(qtbot, chain, tmp_path):
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QLabel

    from perfdesk.store import Store
    from perfdesk.ui.review_dialog import ReviewDialog

    unit, _sup, office = chain
    unit.run("package", FORM, "--out", str(tmp_path / "v1.pdpkg"))
    office.take(tmp_path / "v1.pdpkg")
    store = Store(office.db)
    try:
        dialog = ReviewDialog(store, int(office.form))
        qtbot.addWidget(dialog)
        qtbot.mouseClick(dialog.approve, Qt.MouseButton.LeftButton)
        dialog.accept()  # 审核通过 with the opinion box empty
        said = dialog.findChild(QLabel, "reviewError").text()
        assert "财政局业务科室审核通过须填写审核意见" in said and "“审核意见”框" in said and "--" not in said, said
        dialog.give_back.setChecked(True)
        dialog.accept()
        said = dialog.findChild(QLabel, "reviewError").text()
        assert "“反馈意见”框" in said and "--" not in said, said
        dialog.reject()
    finally:
        store.close()


def test_a_unit_cannot_send_its_supervisors_row_filled_in_by_itself(chain, tmp_path):
    import json
    import zipfile

    from perfdesk.store import Store

    unit, sup, _office = chain
    store = Store(unit.db)
    record = store.get_form(int(FORM))
    store.save_form(record.id, data=dict(record.data, supervisor_opinion="单位自己写的主管部门意见",
                                         supervisor_reviewer="王建国"))
    store.close()
    unit.run("package", FORM, "--out", str(tmp_path / "v1.pdpkg"))
    with zipfile.ZipFile(tmp_path / "v1.pdpkg") as package:
        sent = json.loads(package.read("form.json"))["data"]
    assert sent["supervisor_opinion"] is None and sent["supervisor_reviewer"] is None
    sup.take(tmp_path / "v1.pdpkg")
    _blank(_same(unit, sup))
