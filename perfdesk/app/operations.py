"""What the CLI and the GUI both do with a stored form: check it, render it, export it.

Each operation reads the store, asks the domain and the renderers, and writes files only when
everything succeeded, so a failure leaves nothing half-written.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import BinaryIO

from perfdesk.errors import UserError
from perfdesk.domain.checks import CheckContext, blocking, run_checks
from perfdesk.os_errors import explain_os
from perfdesk.domain.document import headline_amount
from perfdesk.domain.findings import Finding
from perfdesk.domain.formdef import FormDef
from perfdesk.domain.lifecycle import Action, Role, Status
from perfdesk.domain.monitoring import report_subject
from perfdesk.domain.profiles import ProfileError, get_profile
from perfdesk.domain.registry import form_of, get_form
from perfdesk.render.grid import Grid, build_grid
from perfdesk.store import FormRecord, Store, UnitRecord
from perfdesk.domain.form_kinds import DECLARATION

class OperationError(UserError):
    """A user-facing failure with a Chinese message; nothing was written."""


@dataclass(frozen=True)
class Rendered:
    pdf: bytes
    xlsx: bytes


def context(unit: UnitRecord, year: int, doc: dict) -> dict:
    """What titles and labels need besides the fields: 地区, 级次, 年度, the finance office."""
    return {
        "region": unit.region,
        "level": unit.level,
        "year": year,
        "finance_office": get_profile(unit.profile).finance_office_for(unit.level),
        "profile": get_profile(unit.profile),  # the computed cells (得分, 等次) follow the unit's rules
        "finance_bureau": f"{unit.region}财政局",
        "unit_name": unit.name,
        "months": str(doc.get("period_months") or 6),
        "subject_title": report_subject(doc),
        # “XX项目” names read once in “贵单位XX项目的…”
        "project_stem": str(doc.get("project_name") or "").removesuffix("项目") or "×××",
        "grade_of": lambda score: _grade_text(unit.profile, score),
        "result_of": lambda score, amount: _consequence_text(unit.profile, score, amount),
    }


def _grade_text(profile_id: str, score: Decimal) -> str:
    """评价等次 as 附件5-2 names it (良好), with the profile's letter name (良)."""
    from perfdesk.domain.scoring import grade

    found = grade(get_profile(profile_id), score)
    return f"{found.alias}（{found.name}）" if found.alias and found.alias != found.name else found.name


def _consequence_text(profile_id: str, score: Decimal, amount: Decimal | None) -> str:
    from perfdesk.domain.result_application import apply_result

    return apply_result(get_profile(profile_id), score, "project", amount).sentence


def grid_for(store: Store, record: FormRecord) -> Grid:
    form = form_of(record)
    unit = store.get_unit(record.unit_id)
    doc, bodies = printed_review(store, record)
    return build_grid(form, doc, {**context(unit, record.year, doc), "review_bodies": bodies})


def printed_review(store: Store, record: FormRecord) -> tuple[dict, dict[str, str]]:
    """The document with its 审核意见 rows as the form's history says they print (the sign-offs of its
    current version, domain/review_opinions), and the deciding body of each row. A form that never
    went through the chain prints the rows as they were typed."""
    from perfdesk.domain.review_cells import printed_cells, self_supervised
    from perfdesk.domain.review_opinions import printed_opinions

    if record.package_version is None or record.id is None:
        return record.data, {}
    signed = printed_opinions(store.events(record.id), record.package_version, record.status)
    unit = store.get_unit(record.unit_id)
    cells, bodies = printed_cells(form_of(record), signed, record.data,
                                  own_supervisor=unit.name if self_supervised(unit) else "")
    return {**record.data, **cells}, bodies


def check_context(store: Store, record, *, role: Role | None = None) -> CheckContext:
    """The one place a stored form's check context is built: its year and form version, its unit's
    rules profile, and who checks — this installation's role unless told (a received package is
    checked as its unit would check it)."""
    return CheckContext(year=record.year, role=store.role() if role is None else role,
                        profile=profile_of(store, record), form_version=record.form_version)


def check(store: Store, record: FormRecord, *, role: Role | None = None) -> list[Finding]:
    return run_checks(form_of(record), record.data, check_context(store, record, role=role))


def profile_of(store: Store, record: FormRecord):
    """The rules profile of the form's unit, or None when the unit names an unknown one."""
    try:
        return get_profile(store.get_unit(record.unit_id).profile)
    except ProfileError:
        return None


def render(store: Store, record: FormRecord) -> Rendered:
    from perfdesk.render.pdf import render_pdf
    from perfdesk.render.xlsx import render_xlsx

    grid = grid_for(store, record)
    return Rendered(pdf=render_pdf(grid), xlsx=render_xlsx(grid, form_of(record).name))


@contextlib.contextmanager
def staged(target: Path) -> Iterator[BinaryIO]:
    """A file written beside `target` under a temporary name, readable like any file the user saves, and
    put in place only when the block ends without error (removed otherwise): a reader never sees half of
    it. An OSError is said naming the file asked for, never the temporary one."""
    if not target.parent.is_dir():
        raise OperationError(f"文件夹 {target.parent} 不存在，请先建立该文件夹或另选保存位置")
    try:
        handle, name = tempfile.mkstemp(dir=target.parent, prefix=".perfdesk-", suffix=target.suffix)
    except OSError as exc:
        raise OperationError(f"无法写入文件 {target}：{explain_os(exc)}") from exc
    temp = Path(name)
    try:
        with os.fdopen(handle, "wb") as out:
            yield out
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temp, 0o666 & ~umask)  # mkstemp makes 0600; a saved file is an ordinary file
        os.replace(temp, target)
    except OSError as exc:
        raise OperationError(f"无法写入文件 {target}：{explain_os(exc)}") from exc
    finally:
        temp.unlink(missing_ok=True)


def write_outputs(pdf: Path | None, xlsx: Path | None, *, make_pdf: Callable[[], bytes],
                  make_xlsx: Callable[[], bytes]) -> list[Path]:
    """The PDF and/or XLSX asked for, both or neither: the targets checked first (check_targets), each
    rendered, written under a temporary name, and only then put in place. Returns the files written."""
    if pdf is None and xlsx is None:
        raise OperationError("请至少指定一个输出文件：--pdf 文件名 或 --xlsx 文件名")
    check_targets(pdf, xlsx)
    payloads = [(target, make()) for target, make in ((pdf, make_pdf), (xlsx, make_xlsx)) if target is not None]
    with contextlib.ExitStack() as stack:  # a failure in either leaves both targets untouched
        for target, payload in payloads:
            stack.enter_context(staged(target)).write(payload)
    return [target for target, _ in payloads]


def export(store: Store, form_instance_id: int, *, pdf: Path | None, xlsx: Path | None,
           note: bool = True, approved: bool = False) -> list[Finding]:
    """Write the PDF and/or XLSX; errors in the checks block the export. Returns the findings.
    All or nothing: both files are written under temporary names first and only then put in place,
    so a failure leaves whatever was at the targets untouched. Printing moves no status: the
    form's history notes it (unless `note` is False). `approved`: print the approved version that
    申请调整 kept, as it was approved."""
    if pdf is None and xlsx is None:
        raise OperationError("请至少指定一个输出文件：--pdf 文件名 或 --xlsx 文件名")
    check_targets(pdf, xlsx)  # before the form is read: a wrong file name is said first
    record = store.get_form(form_instance_id)
    if approved:
        from perfdesk.app.workflow import approved_revision

        kept = approved_revision(store, record)
        if kept is None:
            raise OperationError(f"表单 {record.id}“{record.title}”没有申请调整前审核通过的版本")
        record = dataclasses.replace(record, data=kept.data, title=kept.title, status=Status.APPROVED)
    findings = check(store, record)
    errors = blocking(findings)
    if errors:
        listed = "\n".join(f.line() for f in errors[:20])
        more = f"\n……共 {len(errors)} 个错误" if len(errors) > 20 else ""
        raise OperationError(f"表单 {record.id}“{record.title}”有 {len(errors)} 个错误，不能导出，请先改正：\n{listed}{more}")
    rendered = render(store, record)
    write_outputs(pdf, xlsx, make_pdf=lambda: rendered.pdf, make_xlsx=lambda: rendered.xlsx)
    if note and not store.read_only:  # read-only media: export only
        store.note_event(record.id, Action.EXPORT, detail={"files": [str(t) for t in (pdf, xlsx) if t is not None]})
    return findings


def check_targets(pdf: Path | None, xlsx: Path | None) -> None:
    """Each file named for what it holds, and two different files: an Excel file called x.pdf opens nowhere."""
    for target in (pdf, xlsx):
        if target is not None and target.is_dir():
            raise OperationError(f"输出路径 {target} 是一个文件夹，请给出文件名")
    if pdf is not None and xlsx is not None and pdf.resolve() == xlsx.resolve():
        raise OperationError(f"PDF 和 Excel 不能写到同一个文件 {pdf}，请给出两个文件名")
    for target, suffix, kind in ((pdf, ".pdf", "PDF"), (xlsx, ".xlsx", "Excel")):
        if target is not None and target.suffix.lower() != suffix:
            raise OperationError(f"{kind} 文件名 {target} 应以 {suffix} 结尾，请改为 {target.with_suffix(suffix).name}")


def new_declaration(store: Store, unit: UnitRecord, year: int, title: str = "") -> FormRecord:
    """A blank declaration with what the unit record already knows filled in."""
    from perfdesk.domain.document import blank_document

    form = get_form(DECLARATION)
    doc = blank_document(form, {
        "applicant_name": unit.name, "supervisor_name": unit.supervisor_name,
        "supervisor_code": unit.supervisor_code, "implementer_name": unit.name,
        "project_name": title or None, "self_eval_year": str(year),
    })
    return store.create_form(unit_id=unit.id, form_id=form.id, form_version=form.version, year=year,
                             title=title or f"{year}年度新建申报表", data=doc, amount=None)


def new_evaluation_form(store: Store, form_id: str, unit: UnitRecord, year: int, project_name: str) -> FormRecord:
    """A blank form of the evaluation round (registry.EVALUATION_FORMS) with the unit's name and the
    project filled in where the form has such a field; titled as `perfdesk demo` titles them
    (“…项目绩效报告（提纲）”)."""
    from perfdesk.domain.document import blank_document

    form = get_form(form_id)
    doc = blank_document(form, {
        "project_name": project_name or None,
        "unit_name": unit.name,  # 绩效报告 报送单位, 反馈意见函 被评价单位
        "project_unit": unit.name,  # 评价报告 项目单位
        "supervisor": unit.supervisor_name,  # 评价报告 主管部门
        "department": unit.supervisor_name,  # 整改报告书 预算部门
    })
    return store.create_form(unit_id=unit.id, form_id=form.id, form_version=form.version, year=year,
                             title=f"{project_name}{form.name}", data=doc, amount=headline_amount(form, doc))


def duplicate(store: Store, form_instance_id: int, year: int) -> FormRecord:
    """Copy a form into another year as a new draft (last year's declaration into this year's)."""
    from perfdesk.domain.carry_over import carry_over

    source = store.get_form(form_instance_id)
    form = form_of(source)
    doc = carry_over(form, source.data, source.year, year)
    title = doc.get("project_name") or source.title.replace(str(source.year), str(year))
    return store.create_form(unit_id=source.unit_id, form_id=source.form_id, form_version=form.version,
                             year=year, title=title, data=doc, amount=headline_amount(form, doc))


def save_document(store: Store, record: FormRecord, doc: dict, title: str | None = None, *,
                  role: Role | None = None, based_on: int | None = None) -> bool:
    """Keep a new version of the document, checked as this installation checks it; 草稿 and 已校验
    follow the checks. A frozen form (submitted, under review, approved) is refused with what to do
    instead (lifecycle.TransitionRefused), whatever status the caller last saw; `based_on`, the
    version the clerk edited, refuses a save over a newer one (FormConflict)."""
    from perfdesk.app.review_desk import refuse_changing

    refuse_changing(store, record)  # a unit's form received here is the unit's to change
    form: FormDef = form_of(record)
    errors = blocking(run_checks(form, doc, check_context(store, record, role=role)))
    amount: Decimal | None = headline_amount(form, doc)
    return store.save_form(record.id, data=doc, title=title, amount=amount, has_errors=bool(errors),
                           based_on=based_on)
