"""`python -m perfdesk.selftest` (or `PerfDesk --self-test` in the built app): proves that this copy
of PerfDesk works, on a temporary database and without a display.

It opens (migrates) a new database, loads the demo, checks every form, exports one form of each
kind to PDF and XLSX, builds a signed package, verifies it and imports it at a second (finance
office) database, and opens the editor on the offscreen Qt platform. Each step is reported in
Chinese; the first failure ends the run with exit code 1. Nothing outside the temporary folder
is written."""

from __future__ import annotations

import datetime as dt
import os
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from perfdesk.domain.form_kinds import DECLARATION

PASSPHRASE = "self-test-passphrase"


class SelfTestFailure(Exception):
    """A step found something wrong; the message says what."""


def _expect(condition: bool, message: str) -> None:
    if not condition:
        raise SelfTestFailure(message)


class _Run:
    def __init__(self, folder: Path, say: Callable[[str], None]) -> None:
        self.folder, self.say = folder, say
        self.year = dt.date.today().year + 1
        self.store = self.office = None
        self.clean: dict[str, int] = {}  # form_id -> a demo form of that kind without errors
        self.package = b""

    def close(self) -> None:
        for store in (self.store, self.office):
            if store is not None:
                store.close()

    def files(self) -> str:
        from perfdesk.paths import fonts_dir, forms_dir

        forms = sorted(forms_dir().glob("*.yaml"))
        fonts = sorted(fonts_dir().glob("*.tt[fc]"))
        _expect(bool(forms), f"找不到表格定义文件（{forms_dir()}），安装不完整，请重新安装")
        _expect(bool(fonts), f"找不到 PDF 字体（{fonts_dir()}），安装不完整，请重新安装")
        from perfdesk.domain.registry import all_forms

        return f"{len(all_forms())} 种表格定义，字体 {fonts[0].name}"

    def database(self) -> str:
        from perfdesk.store import Store
        from perfdesk.store.location import head_revision

        url = f"sqlite:///{self.folder / 'selftest.db'}"
        self.store = Store(url, clerk="自检")
        with self.store.engine.connect() as conn:
            version = conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
        _expect(version == head_revision(), f"数据库版本为 {version}，应为 {head_revision()}")
        return f"临时数据库已建立并迁移到版本 {version}"

    def demo(self) -> str:
        from perfdesk.demo.demo_forms import load_demo

        ids = load_demo(self.store, self.year)
        _expect(len(ids) > 0, "示例数据未写入任何表单")
        return f"{self.year} 年度示例数据 {len(ids)} 份表单"

    def checks(self) -> str:
        from perfdesk.domain.checks import blocking
        from perfdesk.domain.registry import all_forms
        from perfdesk.app.operations import check

        found = 0
        for record in self.store.list_forms():
            findings = check(self.store, record)
            found += len(findings)
            if not blocking(findings):
                self.clean.setdefault(record.form_id, record.id)
        missing = [f.name for f in all_forms() if f.id not in self.clean]
        _expect(not missing, f"以下表格没有一份示例能通过校验：{'、'.join(missing)}")
        return f"逐份校验完成，共 {found} 条提示，{len(self.clean)} 种表格各有一份无错误"

    def exports(self) -> str:
        from openpyxl import load_workbook

        from perfdesk.app.operations import export

        for form_id, form_instance_id in sorted(self.clean.items()):
            pdf, xlsx = self.folder / f"{form_id}.pdf", self.folder / f"{form_id}.xlsx"
            export(self.store, form_instance_id, pdf=pdf, xlsx=xlsx, note=False)
            _expect(pdf.read_bytes().startswith(b"%PDF-") and b"/FontFile2" in pdf.read_bytes(),
                    f"{pdf.name} 不是嵌入了字体的 PDF")
            sheet = load_workbook(xlsx, read_only=True).active
            _expect(sheet.max_row and sheet.max_row > 1, f"{xlsx.name} 没有内容")
        return f"{len(self.clean)} 种表格各导出 PDF 与 XLSX 一份"

    def packages(self) -> str:
        from perfdesk.app.form_submission import build_form_package
        from perfdesk.package.identity import create_identity, load_signer
        from perfdesk.package.verifier import verify_package

        from perfdesk.domain.lifecycle import Status

        # one the unit may send: checked and not yet sent (the demo holds one at every step of the chain)
        record = next(f for f in self.store.list_forms(form_id=DECLARATION) if f.status is Status.CHECKED)
        identity = create_identity(self.store, record.unit_id, PASSPHRASE)
        built = build_form_package(self.store, record.id, load_signer(self.store, record.unit_id, PASSPHRASE))
        verified = verify_package(built.data, self.store, check_pdf=True)
        _expect(verified.fingerprint == identity.fingerprint, "数据包的签名人不是本单位的密钥")
        _expect(verified.pdf is not None and verified.pdf.intact and verified.pdf.valid,
                f"数据包中 PDF 的签名未通过验证：{verified.pdf.summary if verified.pdf else '未检查'}")
        self.package = built.data
        return f"数据包 {built.file_name}（{len(built.data) // 1024} KB）已签名，签名与各文件完整性验证通过"

    def import_at_office(self) -> str:
        from perfdesk.domain.lifecycle import Role
        from perfdesk.package.importer import import_bytes
        from perfdesk.store import SETTING_ROLE, Store

        self.office = Store(f"sqlite:///{self.folder / 'office.db'}", clerk="自检")
        self.office.add_unit(name="自检财政局", code="999001", supervisor_name="自检财政局",
                             supervisor_code="999", region="自检", level="市级", profile="changzhi")
        self.office.set_setting(SETTING_ROLE, Role.FINANCE)  # forms are taken in by a finance office (or a 主管部门)
        got = import_bytes(self.office, self.package, "selftest.pdpkg", trust_new=True)
        _expect(got.status == "imported", f"数据包导入财政部门数据库的结果是“{got.status}”：{got.message}")
        return f"数据包已导入财政部门的临时数据库（表单编号 {got.form_instance_id}）"

    def gui(self) -> str:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        from PySide6.QtWidgets import QApplication

        from perfdesk.ui.app import apply_chinese_font
        from perfdesk.ui.editor import FormEditor

        app = QApplication.instance() or QApplication(sys.argv[:1])
        apply_chinese_font(app)
        editor = FormEditor(self.store, self.clean[DECLARATION], autosave_ms=60_000)
        try:
            image = editor.grab()
            _expect(not image.isNull() and image.width() > 0, "编辑窗口未能绘制")
            errors = [f for f in editor.findings() if f.blocks_export]
            _expect(not errors, "编辑窗口中的校验结果与命令行不一致")
        finally:
            editor._dirty = False
            editor.close()
        return f"图形界面（{app.platformName()} 平台）打开并绘制了申报表编辑窗口"


STEPS = [
    ("检查程序文件", _Run.files),
    ("新建并迁移临时数据库", _Run.database),
    ("写入示例数据", _Run.demo),
    ("校验全部表单", _Run.checks),
    ("导出 PDF 与 XLSX", _Run.exports),
    ("生成并验证签名数据包", _Run.packages),
    ("导入数据包", _Run.import_at_office),
    ("打开图形界面（无显示器）", _Run.gui),
]


def run(say: Callable[[str], None] = print) -> int:
    """Run every step, saying each; 0 when all pass, 1 at the first failure."""
    from perfdesk import __version__

    say(f"PerfDesk {__version__} 自检开始（Python {sys.version.split()[0]}，{sys.platform}）")
    with tempfile.TemporaryDirectory(prefix="perfdesk-selftest-") as folder:
        state = _Run(Path(folder), say)
        try:
            for number, (title, step) in enumerate(STEPS, 1):
                started = time.perf_counter()
                try:
                    detail = step(state)
                except Exception as exc:  # noqa: BLE001 - every failure is reported, then the run stops
                    say(f"[{number}/{len(STEPS)}] {title} …… 失败：{_reason(exc)}")
                    say("自检未通过。请把以上内容发给技术支持。")
                    return 1
                say(f"[{number}/{len(STEPS)}] {title} …… 通过（{detail}，{time.perf_counter() - started:.1f} 秒）")
        finally:
            state.close()
    say("自检通过：全部 %d 项正常。" % len(STEPS))
    return 0


def _reason(exc: Exception) -> str:
    if isinstance(exc, SelfTestFailure):
        return str(exc)
    from perfdesk.errors import UserError

    if isinstance(exc, UserError):
        return str(exc)
    # An unexpected failure: its type and where, so support can tell a missing module from a bug.
    where = traceback.extract_tb(exc.__traceback__)[-1]
    return f"{type(exc).__name__}: {exc}（{Path(where.filename).name} 第 {where.lineno} 行）"


def main() -> int:
    from perfdesk.catalog.form_files import install
    from perfdesk.console import ensure_streams

    ensure_streams()
    install()
    return run()


if __name__ == "__main__":
    raise SystemExit(main())
