"""The whole review chain at three installations, through the GUI (issue 21): a budget unit, its 主管部门 and
the finance office, each a MainWindow over its own database with its own settings and signing key. Their
clerks walk 一上 → 一下, 二上 with a return carrying two per-field reasons, the resubmission → 二下, and an
申请调整 travelling the chain again — every move through the real menus, dialogs and editor, every package
a file carried to the next installation.

After each hop the printed PDF's 审核意见 block is read at all three installations: each copy prints the
opinions of every level on the version it holds — the 主管部门's too — with the deciding body, reviewer
and date; copies of the same version print the same block; an earlier version's opinions never print on a
later one. The history names the body that decided."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from chain_desks import close_desks, desk_databases, open_desks  # noqa: F401 - fixture
from gui_support import trigger, type_chinese
from perfdesk.domain.lifecycle import Status

SUPERVISOR_BODY, OFFICE_BODY, UNIT_BODY = "长治市教育局", "长治市财政局", "长治市第一中学"
REVIEWERS = {"supervisor": "赵红梅", "dept": "李明", "perf": "周静"}
# Short opinions, one line each in the printed cell, different in every round.
S = {1: "同意转报一上。", 2: "同意转报二上。", 3: "修改后同意转报。", 4: "调整后同意转报。"}
D = {1: "一上目标基本合理。", 2: "部分内容需补充完善，退回修改。", 3: "修改到位，同意。", 4: "调整合理，同意。"}
P = {3: "经专家审定，同意批复。", 4: "调整经审定，同意。"}
REASONS = {"necessity": "请补充政策依据", "feasibility": "请说明实施条件"}
NOTE = "请按财政局意见办理。"


def today() -> str:
    day = dt.date.today()
    return f"{day.year}年{day.month}月{day.day}日"


def opinion_block(text: str) -> str:
    """The 审核意见 rows as printed: after the row above them (其他需要说明的情况) to the 注 under the table,
    without page breaks. An opinion prints on the line above its row's label."""
    lines = text.splitlines()
    label = next(i for i, line in enumerate(lines) if "主管部门审核" in line)
    start = max(i for i in range(label) if "的情况" in lines[i]) + 1
    end = next(i for i in range(start, len(lines)) if lines[i].strip().startswith("注："))
    kept = [line.rstrip() for line in lines[start:end]
            if line.strip() and not re.search(r"第\d+页共\d+页", line) and not line.strip().endswith("（续）")]
    return "\n".join(kept)


def flat(block: str) -> str:
    return re.sub(r"\s+", "", block)


@pytest.fixture
def desks(qtbot, monkeypatch, tmp_path, desk_databases):  # noqa: F811
    opened = open_desks(qtbot, monkeypatch, tmp_path, desk_databases)
    yield opened
    close_desks(opened)


class Chain:
    """The three desks, the files carried between them, and what each copy should print."""

    def __init__(self, desks, folder, qtbot):
        self.desks, self.folder, self.qtbot = desks, folder, qtbot
        self.expected: dict[int, dict[str, str]] = {}  # version → level → opinion
        self.seen: dict[str, set[tuple[int, str]]] = {name: set() for name in desks}  # what each copy was told
        self.hops = 0
        self.version: dict[int, int] = {}  # round of this walk (1…4) → the version number sent in it
        self.returns: set[str] = set()  # a return is not a sign-off: its opinion never prints

    def decided(self, version: int, level: str, text: str, *desks: str) -> None:
        """A level's opinion on a version, now known at these desks."""
        self.expected.setdefault(version, {})[level] = text
        self.tell(*desks)

    def tell(self, *desks: str) -> None:
        """These desks now hold every opinion given so far (an answer carries the levels above)."""
        for name in desks:
            self.seen[name] |= {(v, level) for v, levels in self.expected.items() for level in levels}

    def file(self, name: str):
        self.hops += 1
        return self.folder / f"{self.hops:02d}_{name}.pdpkg"

    # --- what is printed -----------------------------------------------------------------

    def check_print(self, all_same: bool = False) -> None:
        """Every copy prints its version's opinions, and copies of one version print the same block;
        `all_same`: the answer has come down to the unit, so all three print one block."""
        blocks: dict[tuple, list[tuple[str, str]]] = {}
        for name, desk in self.desks.items():
            if desk.form_id() is None:
                continue
            record = desk.record()
            version, signed = record.package_version, record.status is not Status.ADJUSTING
            block = opinion_block(desk.printed(self.folder))
            self.check_block(name, version, flat(block), signed)
            known = frozenset(level for v, level in self.seen[name] if v == version and signed)
            blocks.setdefault((version, known), []).append((name, block))
        assert not all_same or len(blocks) == 1, f"the three copies print differently: {list(blocks)}"
        for (version, _known), same in blocks.items():
            assert len({block for _name, block in same}) == 1, (
                f"第 {version} 版 prints differently at {[n for n, _ in same]}:\n"
                + "\n---\n".join(f"{n}:\n{b}" for n, b in same))

    def check_block(self, name: str, version: int, block: str, signed: bool) -> None:
        """`signed`: false for a version being adjusted, which no level has reviewed yet."""
        mine = {level: text for level, text in self.expected.get(version, {}).items()
                if (version, level) in self.seen[name] and signed}
        for level, body, who in (("supervisor", SUPERVISOR_BODY, REVIEWERS["supervisor"]),
                                 ("dept", OFFICE_BODY, REVIEWERS["dept"]), ("perf", OFFICE_BODY, REVIEWERS["perf"])):
            if level in mine:
                said = f"at {name}, 第 {version} 版: {level} {mine[level]} in\n{block}"
                assert mine[level] in block and who in block and body in block, said
        assert not mine or today() in block, f"at {name}: no date in {block}"
        earlier = {text for levels in self.expected.values() for text in levels.values()} | self.returns
        for text in earlier - set(mine.values()):
            assert text not in block, f"at {name}, 第 {version} 版 prints an earlier opinion {text}:\n{block}"

    def check_history(self) -> None:
        """Each decision line names the body that took it, never the unit."""
        for name, desk in self.desks.items():
            if desk.form_id() is None:
                continue
            for line in desk.history():
                head = line.splitlines()[0]
                action, where = head.split("　")[1:3]
                if action.startswith(("审核通过并转报财政部门", "转发审核结果")) or (
                        action.startswith("退回修改") and where.startswith("主管部门审核中")):
                    body = SUPERVISOR_BODY
                elif action.startswith(("审核通过", "退回修改", "收到审核结果")):
                    body = OFFICE_BODY
                else:
                    continue
                assert body in head and UNIT_BODY not in head, f"at {name}: {head}"
            from perfdesk.app.workflow import banner

            for o in banner(desk.store, desk.record()).opinions:
                if o.level in ("财政局业务科室", "预算绩效管理科"):
                    assert OFFICE_BODY in o.who and UNIT_BODY not in o.who, f"at {name}: {o}"
                if o.level == "主管部门":
                    assert SUPERVISOR_BODY in o.who and UNIT_BODY not in o.who, f"at {name}: {o}"

    def hop_done(self, all_same: bool = False) -> None:
        self.check_print(all_same)
        self.check_history()

    # --- the moves -------------------------------------------------------------------------

    def status(self, name: str) -> Status:
        return self.desks[name].record().status

    def up_to_the_office(self, n: int) -> None:
        unit, sup, office = self.desks["unit"], self.desks["supervisor"], self.desks["office"]
        sup.take_in(unit.send(self.file(f"round{n}")))
        assert self.status("unit") is Status.SUBMITTED and self.status("supervisor") is Status.SUPERVISOR_REVIEW
        self.version[n] = version = unit.record().package_version
        assert version > max(self.version.get(n - 1, 0), 0)
        self.hop_done()
        forward = self.file(f"round{n}_forward")
        told = sup.review(approve=True, opinion=S[n], reviewer=REVIEWERS["supervisor"], target=forward)
        assert "主管部门审核通过并转报财政部门" in told and forward.name in told and str(self.folder) in told
        self.decided(version, "supervisor", S[n], "supervisor")
        office.take_in(forward)
        self.tell("office")
        assert self.status("office") is Status.DEPT_REVIEW
        self.hop_done()

    def down_to_the_unit(self, answer, status: Status) -> None:
        unit, sup = self.desks["unit"], self.desks["supervisor"]
        sup.take_in(answer)
        self.tell("supervisor")
        assert self.status("supervisor") is status
        self.hop_done()
        down = self.file("relay")
        told = sup.relay(down, note=NOTE)
        assert "已转发审核结果" in told and down.name in told and UNIT_BODY in told
        unit.take_in(down)
        self.tell("unit")
        assert self.status("unit") is status
        assert any(f"经{SUPERVISOR_BODY}转发，转发说明：{NOTE}" in line for line in unit.history())
        self.hop_done(all_same=True)

    def office_decides(self, n: int, level: str, *, approve: bool, last: bool = False, **answer):
        office = self.desks["office"]
        target = self.file(f"round{n}_answer") if (last or not approve or n == 1) else None
        told = office.review(approve=approve, target=target, **answer)
        assert told and (target is None or (target.name in told and str(self.folder) in told)), told
        if approve:
            self.decided(self.version[n], level, answer["opinion"], "office")
        else:
            self.returns.add(answer["opinion"])
        self.hop_done()
        return target

    def editor_shows_the_print(self, name: str) -> None:
        """The 审核意见 fields of the opened form read what its printed copy reads: the approved version's
        sign-offs, never an earlier round's return text left in the stored cells."""
        desk = self.desks[name]
        desk.select()
        trigger(desk.win, "openAction")
        editor = desk.win.editors[desk.form_id()]
        self.qtbot.waitExposed(editor)
        shown = {level: editor.field_binding(f"{level}_opinion").widget.toPlainText()
                 for level in ("supervisor", "finance_dept", "perf_mgmt")}
        version = desk.record().package_version
        said = {"supervisor": S, "finance_dept": D, "perf_mgmt": P}
        for level, text in shown.items():
            assert text in said[level].values() and text not in self.returns, f"at {name}: {level} shows {text!r}"
        block = flat(opinion_block(desk.printed(self.folder)))
        assert all(flat(text) in block for text in shown.values()), (shown, block, version)
        editor.close()

    def fix(self, paths: dict[str, str]) -> None:
        """The unit's clerk types the fixes into the editor, which saves them."""
        unit = self.desks["unit"]
        unit.select()
        trigger(unit.win, "openAction")
        editor = unit.win.editors[unit.form_id()]
        self.qtbot.waitExposed(editor)
        for path, text in paths.items():
            widget = editor.field_binding(path).widget
            assert not widget.isReadOnly()
            widget.setFocus()
            widget.moveCursor(widget.textCursor().MoveOperation.End)
            type_chinese(widget, text)
        assert editor.save()
        editor.close()


def test_the_chain_at_three_installations(qtbot, desks, tmp_path, monkeypatch):
    chain = Chain(desks, tmp_path, qtbot)
    office = desks["office"]

    # 一上 → 一下: the 业务科室 alone, its answer relayed down
    chain.up_to_the_office(1)
    answer = chain.office_decides(1, "dept", approve=True, opinion=D[1], reviewer=REVIEWERS["dept"])
    chain.down_to_the_unit(answer, Status.FEEDBACK)

    # 二上, returned with two per-field reasons
    chain.fix({"annual_goal": "（二上细化）"})
    chain.up_to_the_office(2)
    answer = chain.office_decides(2, "dept", approve=False, opinion=D[2], reviewer=REVIEWERS["dept"],
                                  letter="请补充立项依据和实施条件。", reasons=REASONS)
    chain.down_to_the_unit(answer, Status.RETURNED)
    unit_banner = desks["unit"]
    assert all(why in "\n".join(unit_banner.history()) for why in REASONS.values())

    # the resubmission, approved by both levels → 二下
    chain.fix({"necessity": "依据《长治市教育发展规划》。", "feasibility": "已具备实施条件。"})
    chain.up_to_the_office(3)
    chain.office_decides(3, "dept", approve=True, opinion=D[3], reviewer=REVIEWERS["dept"])
    assert chain.status("office") is Status.PERF_REVIEW
    answer = chain.office_decides(3, "perf", approve=True, last=True, opinion=P[3], reviewer=REVIEWERS["perf"])
    chain.down_to_the_unit(answer, Status.APPROVED)
    chain.editor_shows_the_print("unit")

    # 申请调整 at the unit, in the editor; the adjusted version travels the chain again
    from PySide6.QtWidgets import QInputDialog

    unit = desks["unit"]
    monkeypatch.setattr(QInputDialog, "getMultiLineText", lambda *_a, **_k: ("追加设备采购。", True))
    unit.select()
    trigger(unit.win, "openAction")
    editor = unit.win.editors[unit.form_id()]
    editor.banner.adjust_button.click()
    assert editor.isVisible() and "已申请调整" in editor.notice.text()
    assert chain.status("unit") is Status.ADJUSTING
    editor.close()
    chain.hop_done()
    chain.fix({"annual_goal": "（调整）"})
    chain.up_to_the_office(4)
    chain.office_decides(4, "dept", approve=True, opinion=D[4], reviewer=REVIEWERS["dept"])
    answer = chain.office_decides(4, "perf", approve=True, last=True, opinion=P[4], reviewer=REVIEWERS["perf"])
    chain.down_to_the_unit(answer, Status.APPROVED)
    assert {name: desk.record().package_version for name, desk in desks.items()} == {
        "unit": chain.version[4], "supervisor": chain.version[4], "office": chain.version[4]}
    assert office.record().status is Status.APPROVED
