"""The way back: the finance office's signed review of a received form (opinions per review
level, 本年度实际安排资金, approve or return, the feedback letter), and its import at the unit,
which fills the finance-only cells and sets the form's status.

review.json: form_uid, form_id, version (the form version reviewed), year, title, unit (the
form's unit), office, decision (approve | return), status, finance {cell path: value}, letter,
reviewed_at. It travels in a package like a form's, with kind "review" and the office as signer.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from ..domain.checks import blocking, run_checks
from ..domain.registry import get_form
from ..store import FormRecord, Store
from .builder import Built, file_name, sign_and_zip, write_package
from .errors import PackageError
from .formdata import apply_finance, finance_paths, finance_values
from .identity import Signer
from .importer import Outcome, inbox_entry, trust_row
from .manifest import canonical
from .verifier import Verified

DECISIONS = {"approve": "审核通过", "return": "待修改"}
MAX_LETTER = 20_000
# The declaration's review levels; a cell is f"{level}_opinion", f"{level}_reviewer", f"{level}_review_date".
LEVELS = {"finance_dept": "业务科室", "perf_mgmt": "预算绩效管理科"}


def opinion_cells(level: str, opinion: str | None, reviewer: str | None,
                  date: dt.date | None = None) -> dict[str, Any]:
    """Cells for one review level's opinion, signed off today unless a date is given."""
    cells: dict[str, Any] = {}
    if opinion:
        cells[f"{level}_opinion"] = opinion
        cells[f"{level}_review_date"] = (date or dt.date.today()).isoformat()
    if reviewer:
        cells[f"{level}_reviewer"] = reviewer
    return cells


def actual_cells(record: FormRecord, amounts: dict[str, str]) -> dict[str, str]:
    """本年度实际安排资金 by tree row key (e.g. appropriation=100.00) as cell paths."""
    form = get_form(record.form_id)
    paths = {p for p in finance_paths(form, record.data) if p.endswith(".actual")}
    cells = {}
    for row, amount in amounts.items():
        match = [p for p in paths if p.split(".")[1] == row]
        if not match:
            rows = "、".join(sorted(p.split(".")[1] for p in paths)) or "无"
            raise PackageError(f"资金来源中没有“{row}”这一行，可填写的行：{rows}")
        cells[match[0]] = amount
    return cells


def _reviewed(record: FormRecord, decision: str, letter: str, finance: dict[str, Any]) -> dict:
    """The office's document with its cells filled, or PackageError saying what is missing."""
    if decision not in DECISIONS:
        raise PackageError("审核结论只能是 approve（审核通过）或 return（退回修改）")
    if record.uid is None or record.package_version is None:
        raise PackageError(f"表单 {record.id} 不是通过数据包收到的，无法回复审核结果")
    if len(letter) > MAX_LETTER:
        raise PackageError(f"反馈意见过长（超过 {MAX_LETTER} 字）")
    form = get_form(record.form_id)
    data = apply_finance(form, record.data, finance)
    cells = set(finance_paths(form, data))
    errors = [f for f in blocking(run_checks(form, data, year=record.year, role="finance")) if f.field in cells]
    if errors:
        raise PackageError("审核栏目填写有误：\n" + "\n".join(f.line() for f in errors))
    opinions = [k for k, v in finance_values(form, data).items() if k.endswith("_opinion")]
    if decision == "approve" and not opinions:
        raise PackageError("审核通过须至少填写一级审核意见")
    if decision == "return" and not letter.strip():
        raise PackageError("退回修改须写明反馈意见，告诉单位要改什么")
    return data


def build_review_package(store: Store, form_instance_id: int, signer: Signer, *, decision: str,
                         letter: str = "", finance: dict[str, Any] | None = None) -> tuple[Built, dict]:
    """The signed review package, and the office's document with the finance cells filled."""
    record = store.get_form(form_instance_id)
    data = _reviewed(record, decision, letter, finance or {})
    unit = store.get_unit(record.unit_id)
    review = {
        "form_uid": record.uid, "form_id": record.form_id, "version": record.package_version,
        "year": record.year, "title": record.title, "unit": {"name": unit.name, "code": unit.code},
        "office": {"name": signer.unit.name, "code": signer.unit.code}, "decision": decision,
        "status": DECISIONS[decision], "finance": finance_values(get_form(record.form_id), data),
        "letter": letter, "reviewed_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
    }
    payload = sign_and_zip(signer, {"review.json": canonical(review)}, kind="review", form_id=record.form_id,
                           form_version=record.form_version, form_uid=record.uid,
                           version=record.package_version, year=record.year, title=record.title)
    name = file_name(unit.code, record.title, record.package_version, "_审核结果")
    return Built(payload, record.uid, record.package_version, name), data


def review_form(store: Store, form_instance_id: int, signer: Signer, target: Path, *, decision: str,
                letter: str = "", finance: dict[str, Any] | None = None) -> Built:
    """Build and write the review, then keep the opinions and status in the office's store."""
    built, data = build_review_package(store, form_instance_id, signer, decision=decision,
                                       letter=letter, finance=finance)
    write_package(target, built.data)
    store.save_form(form_instance_id, data=data, status=DECISIONS[decision])
    return built


def _content(v: Verified) -> tuple[str, str, dict]:
    c = v.content
    decision, letter, finance = c.get("decision"), c.get("letter"), c.get("finance")
    if not isinstance(decision, str) or decision not in DECISIONS or not isinstance(letter, str) \
            or len(letter) > MAX_LETTER:  # a list as decision is not even hashable
        raise PackageError("review.json 中的审核结论或反馈意见无效，已拒绝")
    if not isinstance(finance, dict) or len(finance) > 10_000:
        raise PackageError("review.json 中的审核栏目无效，已拒绝")
    return decision, letter, finance


def receive_review(store: Store, v: Verified, source: str) -> Outcome:
    m = v.manifest
    decision, letter, finance = _content(v)
    local = store.form_by_uid(m.form_uid)
    unit = v.content.get("unit")
    if local is None or local.package_version is None:
        raise PackageError(f"本机没有报送过该表单（《{m.title}》），无法导入其审核结果")
    if not isinstance(unit, dict) or store.get_unit(local.unit_id).code != unit.get("code"):
        raise PackageError("审核结果中的单位与本机表单的单位不一致，已拒绝")
    form = get_form(local.form_id)
    apply_finance(form, local.data, finance)  # refuse cells the office may not fill before writing
    status = DECISIONS[decision]
    entry = inbox_entry(v, v.file_sha256, source, f"{m.unit_name}：《{m.title}》第 {m.version} 版 {status}")
    entry["detail"] = {"decision": decision, "status": status, "letter": letter,
                       "office": {"name": m.unit_name, "code": m.unit_code}}
    received = store.receive_review(uid=m.form_uid, version=m.version, signed_at=m.created_at, status=status,
                                    update=lambda data: apply_finance(form, data, finance), entry=entry,
                                    trust=trust_row(v, "office"))
    if received.outcome == "imported":
        return Outcome(source, "imported", f"已导入审核结果：《{m.title}》第 {m.version} 版 {status}",
                       received.form_instance_id)
    if received.outcome == "older":
        raise PackageError(f"版本较旧：该审核结果针对第 {m.version} 版，本机已报送第 {received.current_version} 版"
                           "或已有更新的审核结果，已拒绝")
    raise PackageError(f"审核结果针对第 {m.version} 版，本机未报送过该版本，已拒绝")
